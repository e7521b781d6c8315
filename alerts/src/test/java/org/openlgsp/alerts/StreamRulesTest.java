package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.Observed;

/**
 * Edges of the stream rules that real traffic cannot reach on demand: exchanges refused because
 * OCSP or the TSA failed, and windows that slide past old events.
 */
class StreamRulesTest {
  static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  static final ClientId PORTAL = Observed.PORTAL;
  static final ServiceId CITIZENS = Observed.CITIZENS;

  /** A successful exchange. */
  static ExchangeObservation succeeded(Instant at, long index) {
    return Observed.from(refused(at, ErrorCode.ACCESS_DENIED, index))
        .responseSize(120)
        .ok(200)
        .build();
  }

  static ExchangeObservation refused(Instant at, ErrorCode code, long index) {
    return Observed.at(at, PORTAL, CITIZENS)
        .securityServerInternalIp("10.0.0.3")
        .responseOutTs(at.plusMillis(5))
        .messageId("msg-" + index)
        .clientSecurityServerAddress("")
        .serviceSecurityServerAddress("")
        .failed(code.code(), code.httpStatus(), code.xroadType(), code.title())
        .xRoadVersion("")
        .ledgerIndex(index)
        .gatewayTime(Duration.ofMillis(5))
        .sourceAddress("10.0.0.9")
        .build();
  }

  final AlertRules rules = AlertRules.defaults();

  @Test
  void aResponseWhoseLeakDetectorsAlertOrBlockRaisesDataLeakAndAMaskedOneDoesNot() {
    StreamRule r = new StreamRule.Leak(rules.dataLeak());

    Optional<Raised> alerted =
        r.observe(
            Observed.from(succeeded(T0, 1)).leaks(List.of("cccd:alert", "phone:mask")).build());
    Optional<Raised> blocked =
        r.observe(
            Observed.from(refused(T0, ErrorCode.LEAK_BLOCKED, 2))
                .leaks(List.of("classification:block"))
                .build());
    Optional<Raised> masked =
        r.observe(Observed.from(succeeded(T0, 3)).leaks(List.of("cccd:mask")).build());
    Optional<Raised> clean = r.observe(succeeded(T0, 4));

    assertThat(alerted)
        .hasValueSatisfying(
            x -> {
              assertThat(x.rule()).isEqualTo("dataLeak");
              assertThat(x.severity()).isEqualTo(Severity.HIGH);
              assertThat(x.evidence().facts()).containsEntry("findings", "cccd:alert");
              assertThat(x.evidence().ledgerIndexes()).containsExactly(1L);
            });
    assertThat(blocked)
        .hasValueSatisfying(x -> assertThat(x.summary()).contains("classification:block"));
    assertThat(masked).isEmpty();
    assertThat(clean).isEmpty();
  }

  @Test
  void exchangesRefusedBecauseOcspFailedRaiseTrustServiceFailures() {
    StreamRule r = new StreamRule.TrustRefusals(rules.trustServiceFailures());
    assertThat(r.observe(refused(T0, ErrorCode.OCSP_UNAVAILABLE, 1))).isEmpty();
    assertThat(r.observe(refused(T0.plusSeconds(1), ErrorCode.TIMESTAMP_UNAVAILABLE, 2))).isEmpty();
    assertThat(r.observe(refused(T0.plusSeconds(2), ErrorCode.OCSP_INVALID, 3))).isEmpty();
    Optional<Raised> found = r.observe(refused(T0.plusSeconds(3), ErrorCode.OCSP_STALE, 4));
    assertThat(found)
        .hasValueSatisfying(
            x -> {
              assertThat(x.rule()).isEqualTo("trustServiceFailures");
              assertThat(x.key()).isEqualTo("ocsp");
              assertThat(x.evidence().ledgerIndexes()).containsExactly(1L, 3L, 4L);
              assertThat(x.evidence().from()).isEqualTo(T0);
            });
  }

  @Test
  void otherRefusalsAreNoTrustServiceFailure() {
    StreamRule r = new StreamRule.TrustRefusals(rules.trustServiceFailures());
    for (int i = 0; i < 10; i++) {
      assertThat(r.observe(refused(T0.plusSeconds(i), ErrorCode.ACCESS_DENIED, i))).isEmpty();
    }
  }

  @Test
  void refusalsSpreadWiderThanTheWindowAreNoBurst() {
    StreamRule r =
        new StreamRule.RefusalBurst(
            new AlertRules.RefusalBurst(null, null, Duration.ofMinutes(1), 3, null));
    // two refusals, then one more every 40 s: never three within a minute
    assertThat(r.observe(refused(T0, ErrorCode.SIGNATURE_INVALID, 1))).isEmpty();
    for (int i = 1; i <= 5; i++) {
      assertThat(r.observe(refused(T0.plusSeconds(40L * i), ErrorCode.SIGNATURE_INVALID, i + 1)))
          .isEmpty();
    }
    // and three within a minute are
    assertThat(r.observe(refused(T0.plusSeconds(201), ErrorCode.MESSAGE_REPLAYED, 9)))
        .hasValueSatisfying(
            x -> assertThat(x.evidence().facts()).containsEntry("count.message.replayed", "1"));
  }
}
