package org.openlgsp.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.documents.DocumentAxis;
import org.openlgsp.ledger.Checkpoints;
import org.openlgsp.pki.RevocationChecker;

/**
 * The meters whose data lives in the roles' objects, registered as gauges over suppliers so the
 * other modules need not know about Prometheus (docs/ops.md lists them). Every label value comes
 * from configuration or a fixed set, never from a request: the cardinality rule of docs/ops.md. A
 * gauge whose value is unknown (no directory yet, no OCSP answer held) reads NaN.
 */
final class NodeMeters {
  /** Outbox states the axis stores (DocumentStore): a fixed set, so the label stays bounded. */
  static final List<String> OUTBOX_STATES = List.of("pending", "done", "dead");

  private NodeMeters() {}

  /** A gateway role's meters: ledger, checkpoints, admission, directory, certificates, OCSP. */
  static void gateway(
      MeterRegistry registry,
      GatewayNode node,
      List<ClientId> members,
      Optional<RevocationChecker> revocation,
      Clock clock) {
    node.ledger().bindTo(registry);
    node.gateway().bindTo(registry);
    checkpoints(registry, node.checkpoints(), clock);
    Supplier<Optional<Directory>> directory = () -> node.directory().current();
    Gauge.builder("lgsp.directory.serial", () -> orNaN(directory.get().map(Directory::serial)))
        .description("serial of the signed directory in use")
        .register(registry);
    Gauge.builder(
            "lgsp.directory.age",
            () -> orNaN(directory.get().map(d -> seconds(d.issuedAt(), clock.instant()))))
        .description("time since the directory in use was issued")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "lgsp.directory.expiry",
            () -> orNaN(directory.get().map(d -> seconds(clock.instant(), d.expiresAt()))))
        .description("time until the directory in use expires (negative once expired)")
        .baseUnit("seconds")
        .register(registry);
    String own = node.gateway().options().node().toString();
    certificate(registry, "gateway_tls", own, () -> node.gateway().nodeTlsCertificate(), clock);
    for (ClientId member : members) {
      certificate(
          registry,
          "gateway_signing",
          member.toString(),
          () -> node.gateway().signingCertificate(member).orElseThrow(),
          clock);
    }
    revocation.ifPresent(
        r ->
            Gauge.builder(
                    "lgsp.ocsp.answer.age",
                    () ->
                        orNaN(
                            r.answerTime(node.gateway().nodeTlsCertificate())
                                .map(t -> seconds(t, clock.instant()))))
                .description(
                    "age (since thisUpdate) of the OCSP answer held for the node's TLS"
                        + " certificate, the one stapled to what the gateway signs")
                .baseUnit("seconds")
                .tag("certificate", "gateway_tls")
                .register(registry));
    revocation.ifPresent(
        r ->
            FunctionCounter.builder("lgsp.ocsp.failures", r, RevocationChecker::failedFetches)
                .description(
                    "OCSP questions the responder did not answer usably (unreachable, timed out,"
                        + " error status, answer that does not verify)")
                .register(registry));
  }

  static void checkpoints(MeterRegistry registry, Checkpoints checkpoints, Clock clock) {
    Gauge.builder(
            "lgsp.checkpoint.age",
            () -> orNaN(checkpoints.health().published().map(t -> seconds(t, clock.instant()))))
        .description("time since the newest ledger checkpoint was published")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "lgsp.checkpoint.timestamped.age",
            () -> orNaN(checkpoints.health().timestamped().map(t -> seconds(t, clock.instant()))))
        .description("time since a checkpoint was last time-stamped (NaN: none since start)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "lgsp.checkpoint.cosigned.age",
            () -> orNaN(checkpoints.health().cosigned().map(t -> seconds(t, clock.instant()))))
        .description(
            "time since a checkpoint was last cosigned by every witness (NaN: none since start)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("lgsp.checkpoint.witnesses", () -> checkpoints.health().witnesses())
        .description("witnesses asked to cosign each checkpoint")
        .register(registry);
    FunctionCounter.builder(
            "lgsp.checkpoint.timestamp.failures", checkpoints, c -> c.health().timestampFailures())
        .description("checkpoints the TSA did not time-stamp")
        .register(registry);
    FunctionCounter.builder(
            "lgsp.checkpoint.witness.failures", checkpoints, c -> c.health().witnessFailures())
        .description("cosignatures a witness did not give")
        .register(registry);
  }

  /** The registry role's meters: its directory-signing certificate. */
  static void registry(MeterRegistry registry, X509Certificate signing, String instance) {
    certificate(registry, "registry_signing", instance, () -> signing, Clock.systemUTC());
  }

  /**
   * The daily summaries a registry sends a peer by itself (docs/statistics.md, "Reported upward"):
   * those taken, the attempts that failed, and when one was last taken (alert when it is more than
   * a day old).
   */
  static void summaries(MeterRegistry registry, org.openlgsp.registry.SummaryReporter reporter) {
    FunctionCounter.builder("lgsp.federation.summaries.sent", reporter, r -> (double) r.sent())
        .description("daily statistics summaries the peer took")
        .tag("peer", reporter.peer())
        .register(registry);
    FunctionCounter.builder("lgsp.federation.summaries.failed", reporter, r -> (double) r.failed())
        .description("attempts to send a daily statistics summary that failed")
        .tag("peer", reporter.peer())
        .register(registry);
    Gauge.builder(
            "lgsp.federation.summaries.last.sent",
            reporter,
            r -> (double) r.lastSentAt().getEpochSecond())
        .description("when the peer last took a summary, seconds since the epoch (0: never)")
        .tag("peer", reporter.peer())
        .register(registry);
  }

  /** A document axis's meters: outbox by state, failed delivery attempts, deliveries given up. */
  static void documents(MeterRegistry registry, DocumentAxis axis) {
    for (String state : OUTBOX_STATES) {
      Gauge.builder("lgsp.documents.outbox", () -> axis.outboxCounts().getOrDefault(state, 0))
          .description("document deliveries in the axis outbox by state")
          .tag("state", state)
          .register(registry);
    }
    FunctionCounter.builder(
            "lgsp.documents.delivery.retries", axis, a -> a.deliveryFailures().failedAttempts())
        .description("delivery attempts that failed and were scheduled again or given up")
        .register(registry);
    FunctionCounter.builder(
            "lgsp.documents.delivery.dead", axis, a -> a.deliveryFailures().givenUp())
        .description("deliveries given up after their last attempt")
        .register(registry);
    List<String> detectors = new java.util.ArrayList<>();
    for (org.openlgsp.core.LeakDetectors.Kind kind :
        org.openlgsp.core.LeakDetectors.Kind.values()) {
      detectors.add(kind.label());
    }
    detectors.add(DocumentAxis.UNREADABLE);
    detectors.add(DocumentAxis.UNSCANNABLE);
    for (String detector : detectors) {
      for (String action : List.of("alert", "block")) {
        String finding = detector + ":" + action;
        FunctionCounter.builder(
                "lgsp.documents.leaks", axis, a -> a.leakFindings().getOrDefault(finding, 0L))
            .description(
                "document packages in which a leak detector found something: passed (alert) or"
                    + " refused (block)")
            .tag("detector", detector)
            .tag("action", action)
            .register(registry);
      }
    }
    FunctionCounter.builder(
            "lgsp.documents.leak.attachments.unscanned", axis, DocumentAxis::attachmentsNotScanned)
        .description("attachments of scanned packages not scanned for leaks (not a read format)")
        .register(registry);
    FunctionCounter.builder(
            "lgsp.documents.leak.attachments.unreadable", axis, DocumentAxis::attachmentsUnreadable)
        .description("PDF and Office attachments of scanned packages that could not be read safely")
        .register(registry);
  }

  /**
   * {@code lgsp_certificate_expiry_seconds{role, holder}}: time until the certificate expires,
   * negative once expired. Seconds, not days, as Prometheus's base unit (promtool refuses days);
   * rules and dashboard divide by 86400.
   */
  private static void certificate(
      MeterRegistry registry,
      String role,
      String holder,
      Supplier<X509Certificate> certificate,
      Clock clock) {
    Gauge.builder(
            "lgsp.certificate.expiry",
            () -> seconds(clock.instant(), certificate.get().getNotAfter().toInstant()))
        .description("time until the certificate expires (negative once expired)")
        .baseUnit("seconds")
        .tag("role", role)
        .tag("holder", holder)
        .register(registry);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static double orNaN(Optional<? extends Number> value) {
    return value.map(Number::doubleValue).orElse(Double.NaN);
  }
}
