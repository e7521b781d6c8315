package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The rules over the node's state, each raised by the state it watches and quiet on a healthy node.
 * (The node wires them to its real certificates, directory, checkpoints and failure counters:
 * NodeAlertsTest in module node.)
 */
class StateRulesTest {
  static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  final AlertRules rules = AlertRules.defaults();

  List<Raised> poll(StateRule rule, NodeSignals s) {
    return rule.poll(s, NOW);
  }

  /** What {@code rule} finds about this latest checkpoint. */
  List<Raised> checkpoint(
      StateRule rule,
      long size,
      Instant createdAt,
      int cosignatures,
      int witnesses,
      boolean timestamped,
      boolean tsa) {
    NodeSignals.CheckpointStatus c =
        new NodeSignals.CheckpointStatus(
            size, createdAt, cosignatures, witnesses, timestamped, tsa);
    return poll(rule, NodeSignals.none().withLatestCheckpoint(() -> Optional.of(c)));
  }

  @Test
  void certificatesCloseToExpiryAreRaisedCriticalWhenVeryClose() {
    StateRule r = new StateRule.CertificateExpiry(rules.certificateExpiry());
    List<Raised> found =
        poll(
            r,
            NodeSignals.none()
                .withCertificates(
                    () ->
                        List.of(
                            new NodeSignals.CertificateValidity(
                                "tls", NOW.plus(Duration.ofDays(20))),
                            new NodeSignals.CertificateValidity(
                                "signing", NOW.plus(Duration.ofDays(3))),
                            new NodeSignals.CertificateValidity(
                                "fresh", NOW.plus(Duration.ofDays(300))))));
    assertThat(found).extracting(Raised::key).containsExactly("tls", "signing");
    assertThat(found)
        .extracting(Raised::severity)
        .containsExactly(Severity.MEDIUM, Severity.CRITICAL);
    assertThat(found.getFirst().evidence().facts())
        .containsEntry("secondsLeft", "" + Duration.ofDays(20).toSeconds());
  }

  @Test
  void certificatesFarFromExpiryAreQuiet() {
    StateRule r = new StateRule.CertificateExpiry(rules.certificateExpiry());
    assertThat(
            poll(
                r,
                NodeSignals.none()
                    .withCertificates(
                        () ->
                            List.of(
                                new NodeSignals.CertificateValidity(
                                    "tls", NOW.plus(Duration.ofDays(31)))))))
        .isEmpty();
  }

  @Test
  void aDirectoryCloseToExpiryIsRaisedAndAnExpiredOneIsCritical() {
    StateRule r = new StateRule.DirectoryExpiry(rules.directoryExpiry());
    assertThat(
            poll(
                r,
                NodeSignals.none()
                    .withDirectoryValidUntil(() -> Optional.of(NOW.plusSeconds(600)))))
        .singleElement()
        .satisfies(x -> assertThat(x.severity()).isEqualTo(Severity.HIGH));
    assertThat(
            poll(
                r,
                NodeSignals.none().withDirectoryValidUntil(() -> Optional.of(NOW.minusSeconds(1)))))
        .singleElement()
        .satisfies(x -> assertThat(x.severity()).isEqualTo(Severity.CRITICAL));
    assertThat(
            poll(
                r,
                NodeSignals.none()
                    .withDirectoryValidUntil(() -> Optional.of(NOW.plusSeconds(3600)))))
        .isEmpty();
    assertThat(poll(r, NodeSignals.none())).isEmpty();
  }

  @Test
  void aCheckpointNotCosignedOrNotTimeStampedAfterItsGraceIsRaised() {
    StateRule r = new StateRule.CheckpointWitnessing(rules.checkpointWitnessing());
    Instant old = NOW.minus(Duration.ofMinutes(10));
    assertThat(checkpoint(r, 12, old, 0, 2, false, true))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.summary()).contains("cosigned by 0 of 1").contains("not time-stamped");
              assertThat(x.evidence().ledgerIndexes()).containsExactly(11L);
            });
    assertThat(checkpoint(r, 12, old, 1, 2, false, true))
        .singleElement()
        .satisfies(
            x -> assertThat(x.summary()).doesNotContain("cosigned").contains("not time-stamped"));
  }

  @Test
  void aNodeConfiguredWithoutWitnessesOrTsaIsNotAlertedForThem() {
    StateRule r = new StateRule.CheckpointWitnessing(rules.checkpointWitnessing());
    Instant old = NOW.minus(Duration.ofMinutes(10));
    assertThat(checkpoint(r, 12, old, 0, 0, false, false)).isEmpty();
  }

  @Test
  void aWitnessedTimeStampedOrStillFreshCheckpointIsQuiet() {
    StateRule r = new StateRule.CheckpointWitnessing(rules.checkpointWitnessing());
    Instant old = NOW.minus(Duration.ofMinutes(10));
    assertThat(checkpoint(r, 12, old, 2, 2, true, true)).isEmpty();
    assertThat(checkpoint(r, 12, NOW.minusSeconds(10), 0, 2, false, true)).isEmpty();
  }

  @Test
  void trustServiceFailuresGrowingByTheThresholdWithinTheWindowAreRaised() {
    StateRule r = new StateRule.TrustServiceFailures(rules.trustServiceFailures());
    AtomicReference<NodeSignals.FailureCounts> counts =
        new AtomicReference<>(new NodeSignals.FailureCounts(0, 0));
    NodeSignals s = NodeSignals.none().withTrustServiceFailures(counts::get);
    assertThat(r.poll(s, NOW)).isEmpty();
    counts.set(new NodeSignals.FailureCounts(1, 3));
    List<Raised> found = r.poll(s, NOW.plusSeconds(60));
    assertThat(found)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.key()).isEqualTo("ocsp");
              assertThat(x.evidence().count()).isEqualTo(3);
            });
    // one failure a poll, each outside the last window: never three within one
    for (int i = 1; i <= 4; i++) {
      counts.set(new NodeSignals.FailureCounts(1 + i, 3));
      assertThat(r.poll(s, NOW.plus(Duration.ofMinutes(6L * i)))).isEmpty();
    }
  }
}
