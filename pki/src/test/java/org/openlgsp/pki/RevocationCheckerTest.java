package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.openlgsp.pki.CertificateAuthorityTest.assertCode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;

class RevocationCheckerTest {
  static final Duration FRESHNESS = Duration.ofMinutes(5);
  @TempDir Path dir;
  TrustFixture trust;
  Credentials peer;
  final ShiftedClock clock = new ShiftedClock();
  RevocationChecker checker;

  /** The real time plus a shift the test moves forward. */
  static final class ShiftedClock extends Clock {
    volatile Duration shift = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(shift);
    }
  }

  @BeforeEach
  void start() {
    trust = new TrustFixture(dir);
    peer = trust.issue(CertificateProfile.NODE_TLS, "peer");
    checker = another();
  }

  /** A checker of the test CA on the test clock; each one is another node checking the peer. */
  RevocationChecker another() {
    return new RevocationChecker(
        List.of(trust.issuing.certificate()),
        new OcspClient(Duration.ofSeconds(2), clock),
        FRESHNESS,
        clock);
  }

  @AfterEach
  void stop() {
    trust.close();
  }

  @Test
  void revokedCertificateIsRefusedWithinOneFreshnessWindow() {
    checker.requireGood(peer.certificate(), Optional.empty());
    trust.issuing.revoke(peer.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    clock.shift = FRESHNESS.dividedBy(2).plusSeconds(1);
    assertCode(
        () -> checker.requireGood(peer.certificate(), Optional.empty()),
        ErrorCode.CERTIFICATE_REVOKED);
  }

  @Test
  void stapledAnswerSparesTheResponder() {
    byte[] staple = checker.staple(peer.certificate()).orElseThrow();
    trust.server.close();
    RevocationChecker other = another();
    assertThatNoException()
        .isThrownBy(() -> other.requireGood(peer.certificate(), Optional.of(staple)));
    RevocationChecker third = another();
    assertCode(
        () -> third.requireGood(peer.certificate(), Optional.empty()), ErrorCode.OCSP_UNAVAILABLE);
  }

  @Test
  void sameStapleIsVerifiedOnceWhileFreshAndNotAcceptedOnceStale() {
    byte[] staple = checker.staple(peer.certificate()).orElseThrow();
    RevocationChecker other = another();
    other.requireGood(peer.certificate(), Optional.of(staple));
    assertThat(other.verifiedStaples()).isEqualTo(1);
    // past half the window the answer is due for refresh, but the holder still staples it
    clock.shift = FRESHNESS.dividedBy(2).plusSeconds(1);
    for (int i = 0; i < 5; i++) {
      other.requireGood(peer.certificate(), Optional.of(staple));
    }
    assertThat(other.verifiedStaples()).isEqualTo(1);
    // a refreshed staple is verified (and held) once
    byte[] refreshed = checker.staple(peer.certificate()).orElseThrow();
    assertThat(refreshed).isNotEqualTo(staple);
    other.requireGood(peer.certificate(), Optional.of(refreshed));
    other.requireGood(peer.certificate(), Optional.of(refreshed));
    assertThat(other.verifiedStaples()).isEqualTo(2);
    // once stale, the old answer passes no more, stapled or not (responder down: fail closed)
    trust.server.close();
    clock.shift = FRESHNESS.multipliedBy(2);
    assertCode(
        () -> other.requireGood(peer.certificate(), Optional.of(refreshed)), ErrorCode.OCSP_STALE);
  }

  @Test
  void staleStapleIsNotEnough() {
    byte[] staple = checker.staple(peer.certificate()).orElseThrow();
    trust.server.close();
    clock.shift = FRESHNESS.plusSeconds(1);
    RevocationChecker other = another();
    assertCode(
        () -> other.requireGood(peer.certificate(), Optional.of(staple)),
        ErrorCode.OCSP_UNAVAILABLE);
  }

  @Test
  void responderOutageIsToleratedUntilTheAnswerIsStale() {
    checker.requireGood(peer.certificate(), Optional.empty());
    assertThat(checker.failedFetches()).isZero();
    trust.server.close();
    clock.shift = FRESHNESS.dividedBy(2).plusSeconds(1);
    assertThatNoException()
        .isThrownBy(() -> checker.requireGood(peer.certificate(), Optional.empty()));
    assertThat(checker.failedFetches()).as("covered by the last answer, still a failure").isOne();
    clock.shift = FRESHNESS.plusSeconds(1);
    assertCode(
        () -> checker.requireGood(peer.certificate(), Optional.empty()), ErrorCode.OCSP_STALE);
    assertThat(checker.failedFetches()).isEqualTo(2);
  }

  @Test
  void answersTheResponderGivesAreNoFailuresEvenRevokedOnes() {
    checker.requireGood(peer.certificate(), Optional.empty());
    trust.issuing.revoke(peer.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    clock.shift = FRESHNESS.dividedBy(2).plusSeconds(1);
    assertCode(
        () -> checker.requireGood(peer.certificate(), Optional.empty()),
        ErrorCode.CERTIFICATE_REVOKED);
    assertThat(checker.failedFetches()).isZero();
  }

  @Test
  void revokedStapleIsRefused() {
    trust.issuing.revoke(peer.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);
    byte[] revoked =
        new OcspClient(Duration.ofSeconds(2), clock)
            .status(peer.certificate(), trust.issuing.certificate())
            .response();
    RevocationChecker other = another();
    assertCode(
        () -> other.requireGood(peer.certificate(), Optional.of(revoked)),
        ErrorCode.CERTIFICATE_REVOKED);
  }

  @Test
  void certificateOfAnUnknownCaIsRefused() {
    Credentials stranger =
        new TestPki()
            .issuing.issueCredentials(
                CertificateProfile.NODE_TLS, "x", "o", List.of(), Duration.ofDays(1));
    assertCode(
        () -> checker.requireGood(stranger.certificate(), Optional.empty()),
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN);
    assertThat(checker.failedFetches()).as("the responder was never asked").isZero();
  }

  @Test
  void issuersMayArriveLaterFromTheDirectory() {
    java.util.concurrent.atomic.AtomicReference<List<java.security.cert.X509Certificate>> anchors =
        new java.util.concurrent.atomic.AtomicReference<>(List.of());
    RevocationChecker fromDirectory =
        new RevocationChecker(
            anchors::get, new OcspClient(Duration.ofSeconds(2), clock), FRESHNESS, clock);
    assertCode(
        () -> fromDirectory.requireGood(peer.certificate(), Optional.empty()),
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN);
    anchors.set(List.of(trust.root.certificate(), trust.issuing.certificate()));
    assertThatNoException()
        .isThrownBy(() -> fromDirectory.requireGood(peer.certificate(), Optional.empty()));
  }
}
