package org.openlgsp.gateway;

import java.time.Instant;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.Side;

/**
 * Writes each exchange, successful or refused, to this node's ledger before the caller is answered.
 */
final class ExchangeRecorder {
  private final Ledger ledger;
  private final NodeId node;

  ExchangeRecorder(Ledger ledger, NodeId node) {
    this.ledger = ledger;
    this.node = node;
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

    boolean identified() {
      return client != null && service != null && !messageId.isEmpty();
    }
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
              f.errorCode));
    } catch (LgspException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.LEDGER_UNAVAILABLE, "exchange could not be recorded", e);
    }
  }
}
