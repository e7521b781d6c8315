package org.openlgsp.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.Side;
import org.openlgsp.ledger.SubjectHasher;

/**
 * Writes each exchange, successful or refused, to this node's ledger before the caller is answered,
 * then tells the {@link ExchangeObserver}s (operational records, metrics). What an observer throws
 * is logged and dropped: observing never fails an exchange.
 */
final class ExchangeRecorder {
  private static final Logger LOG = Logger.getLogger(ExchangeRecorder.class.getName());
  private static final String VERSION =
      Optional.ofNullable(ExchangeRecorder.class.getPackage().getImplementationVersion())
          .orElse("");
  private final Ledger ledger;
  private final NodeId node;
  private final Optional<SubjectHasher> subjects;
  private final List<ExchangeObserver> observers;
  private final Optional<DirectoryHolder> directory;
  private final String hostAddress;
  private final String instance;

  ExchangeRecorder(Ledger ledger, NodeId node) {
    this(ledger, node, Optional.empty());
  }

  ExchangeRecorder(Ledger ledger, NodeId node, Optional<SubjectHasher> subjects) {
    this(ledger, node, subjects, List.of(), Optional.empty());
  }

  ExchangeRecorder(
      Ledger ledger,
      NodeId node,
      Optional<SubjectHasher> subjects,
      List<ExchangeObserver> observers,
      Optional<DirectoryHolder> directory) {
    this(ledger, node, subjects, observers, directory, Optional.empty());
  }

  /** As above, the observations naming this process's {@code instance} (gateway.instance). */
  ExchangeRecorder(
      Ledger ledger,
      NodeId node,
      Optional<SubjectHasher> subjects,
      List<ExchangeObserver> observers,
      Optional<DirectoryHolder> directory,
      Optional<String> instance) {
    this.instance = instance.orElse("");
    this.ledger = ledger;
    this.node = node;
    this.subjects = subjects;
    this.observers = List.copyOf(observers);
    this.directory = directory;
    this.hostAddress = observers.isEmpty() ? "" : hostAddress();
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
    // for the observers (operational monitoring): null/zero until the step happens
    Instant requestOutTime;
    Instant responseInTime;
    long requestSize;
    long responseSize;
    String representedParty = "";
    NodeId peer;
    String sourceAddress = "";
    // the provider applied the grant's allow-list and masks to the response
    boolean minimised;
    // what the grant's leak detectors found in the response: detector:action
    java.util.List<String> leaks = java.util.List.of();
    // for the ledger record (docs/ledger.md): the consent checked, and every leak finding with
    // where it was found (location/detector:action), never the matched value
    String consentId = "";
    String consentDigest = "";
    final java.util.TreeSet<String> ledgerFindings = new java.util.TreeSet<>();

    /** Notes leak findings ({@code detector:action}) found in {@code location}. */
    void found(String location, java.util.List<String> findings) {
      for (String f : findings) {
        ledgerFindings.add(location + "/" + f);
      }
    }

    // the service's schema check and what it found (docs/privacy.md, "Data quality")
    org.openlgsp.core.SchemaCheck qualityMode = org.openlgsp.core.SchemaCheck.OFF;
    final java.util.List<ExchangeObservation.DataQuality.Violation> violations =
        new java.util.ArrayList<>();
    final java.util.List<String> unchecked = new java.util.ArrayList<>();
    // when the answer's data was last updated (ThoiDiemDuLieu), if it says
    Instant dataTime;

    /** The facts of an exchange whose request just arrived: its time, method and source. */
    static Facts arriving(io.helidon.webserver.http.ServerRequest req, Instant now) {
      Facts f = new Facts();
      f.requestTime = now;
      f.method = req.prologue().method().text();
      f.sourceAddress = sourceAddress(req);
      return f;
    }

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
    String subjectHash = subjectHash(f.subject);
    long index = append(side, f, responseTime, subjectHash);
    if (!observers.isEmpty()) {
      observe(side, f, responseTime, index, subjectHash);
    }
    return index;
  }

  private long append(Side side, Facts f, Instant responseTime, String subjectHash) {
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
              subjectHash,
              f.consentId,
              f.consentDigest,
              f.ledgerFindings.isEmpty() ? "" : String.join(",", f.ledgerFindings)));
    } catch (LgspException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.LEDGER_UNAVAILABLE, "exchange could not be recorded", e);
    }
  }

  private void observe(Side side, Facts f, Instant responseTime, long index, String hash) {
    ExchangeObservation o;
    try {
      o = observation(side, f, responseTime, index, hash);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "exchange not observed: " + e.getMessage());
      return;
    }
    for (ExchangeObserver observer : observers) {
      try {
        observer.observed(o);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        LOG.log(Level.WARNING, "exchange observer failed: " + e);
      }
    }
  }

  private ExchangeObservation observation(
      Side side, Facts f, Instant responseTime, long index, String subjectHash) {
    boolean consumer = side == Side.CONSUMER;
    Instant requestIn = f.requestTime;
    Instant responseOut = responseTime.isBefore(requestIn) ? requestIn : responseTime;
    // Sent on but no answer (a timeout, a reset): the wait was the peer's or backend's, not ours.
    Duration outside =
        f.requestOutTime == null
            ? Duration.ZERO
            : nonNegative(
                Duration.between(
                    f.requestOutTime, f.responseInTime != null ? f.responseInTime : responseOut));
    Duration total = Duration.between(requestIn, responseOut);
    Duration inGateway = nonNegative(total.minus(outside));
    String self = address(node);
    String other = f.peer == null ? "" : address(f.peer);
    Optional<ErrorCode> code = ErrorCode.fromCode(f.errorCode);
    int q = f.path.indexOf('?');
    return new ExchangeObservation(
        responseTime,
        hostAddress,
        consumer
            ? ExchangeObservation.SecurityServerType.CLIENT
            : ExchangeObservation.SecurityServerType.PRODUCER,
        requestIn,
        Optional.ofNullable(f.requestOutTime),
        Optional.ofNullable(f.responseInTime),
        responseOut,
        f.client,
        f.service,
        "",
        f.method,
        q < 0 ? f.path : f.path.substring(0, q),
        f.representedParty,
        f.messageId,
        f.userId,
        f.issue,
        "1",
        consumer ? self : other,
        consumer ? other : self,
        f.requestSize,
        f.responseSize,
        f.errorCode.isEmpty(),
        "REST",
        f.errorCode.isEmpty() ? "" : code.map(ErrorCode::xroadType).orElse("Server.ServerProxy"),
        f.errorCode.isEmpty() ? "" : code.map(ErrorCode::title).orElse(f.errorCode),
        f.status < 100 || f.status > 599 ? 500 : f.status,
        VERSION,
        f.errorCode,
        f.issue,
        f.userId,
        subjectHash,
        index,
        inGateway,
        consumer ? outside : Duration.ZERO,
        consumer ? Duration.ZERO : outside,
        f.sourceAddress,
        f.leaks,
        quality(f, responseTime),
        instance);
  }

  /** The schema check's findings; the request key only for checked services. */
  private ExchangeObservation.DataQuality quality(Facts f, Instant responseTime) {
    if (f.qualityMode == org.openlgsp.core.SchemaCheck.OFF) {
      return ExchangeObservation.DataQuality.NONE;
    }
    String key =
        f.requestDigest.isEmpty()
            ? ""
            : subjects
                .map(h -> h.hash("request " + f.method + " " + f.path + " " + f.requestDigest))
                .orElse("");
    return new ExchangeObservation.DataQuality(
        f.qualityMode,
        f.violations,
        f.unchecked,
        key,
        f.responseDigest,
        Optional.ofNullable(f.dataTime).map(t -> SchemaValidation.age(t, f.requestTime)));
  }

  /** The IP address a request came from, empty if the listener does not say. */
  static String sourceAddress(io.helidon.webserver.http.ServerRequest req) {
    return req.remotePeer().address() instanceof java.net.InetSocketAddress a
            && a.getAddress() != null
        ? a.getAddress().getHostAddress()
        : "";
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** The node's address in the directory, else its ID. */
  private String address(NodeId id) {
    return directory
        .flatMap(DirectoryHolder::view)
        .flatMap(d -> d.node(id))
        .map(org.openlgsp.core.Directory.Node::address)
        .orElse(id.toString());
  }

  private static String hostAddress() {
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
