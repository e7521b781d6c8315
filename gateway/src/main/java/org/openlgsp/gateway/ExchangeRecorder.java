package org.openlgsp.gateway;

import java.time.Instant;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.Side;
import org.openlgsp.ledger.SubjectHasher;

/**
 * Writes each exchange, successful or refused, to this node's ledger before the caller is answered.
 */
final class ExchangeRecorder {
  private final Ledger ledger;
  private final NodeId node;
  private final Optional<SubjectHasher> subjects;

  ExchangeRecorder(Ledger ledger, NodeId node) {
    this(ledger, node, Optional.empty());
  }

  ExchangeRecorder(Ledger ledger, NodeId node, Optional<SubjectHasher> subjects) {
    this.ledger = ledger;
    this.node = node;
    this.subjects = subjects;
  }

  /**
   * Mutable facts gathered while an exchange is processed; {@link #write} turns them into a record.
   */
  static final class Facts {
    String messageId = "";
    String requestId = "";
    ClientId client;
    ServiceId service;
    String method = "";
    String path = "";
    int status;
    Instant requestTime;
    String requestDigest = "";
    String responseDigest = "";
    String requestSignature = "";
    String responseSignature = "";
    String userId = "";
    String issue = "";
    String errorCode = "";
    String subject = "";
    // position in the service's locator list of the locator that found the subject
    int subjectRank = Integer.MAX_VALUE;

    boolean identified() {
      return client != null && service != null && !messageId.isEmpty();
    }
  }

  /** The keyed hash of the subject ID; the ID itself never reaches the ledger. */
  private String subjectHash(String subject) {
    if (subject.isEmpty()) {
      return "";
    }
    return subjects.map(h -> h.hash(subject)).orElse("");
  }

  /** Durably records; returns the ledger index. Fails with {@code ledger.unavailable}. */
  long write(Side side, Facts f, Instant responseTime) {
    try {
      return ledger.append(
          new ExchangeRecord(
              f.messageId,
              f.requestId,
              side,
              node,
              f.client,
              f.service,
              f.method,
              f.path,
              f.status,
              f.requestTime,
              responseTime,
              f.requestDigest,
              f.responseDigest,
              f.requestSignature,
              f.responseSignature,
              f.userId,
              f.issue,
              f.errorCode,
              subjectHash(f.subject)));
    } catch (LgspException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.LEDGER_UNAVAILABLE, "exchange could not be recorded", e);
    }
  }
}
