package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

class CertificateValidatorTest {
  final TestPki pki = new TestPki();
  final Credentials tls =
      pki.issuing.issueCredentials(
          CertificateProfile.NODE_TLS, "gw", "o", List.of("localhost"), Duration.ofDays(30));

  private CertificateValidator at(Instant when, CertificateAuthority anchor) {
    return new CertificateValidator(
        List.of(anchor.certificate()), Clock.fixed(when, ZoneOffset.UTC));
  }

  private void assertCode(Runnable r, ErrorCode code, String hint) {
    assertThatThrownBy(r::run)
        .isInstanceOf(LgspException.class)
        .hasMessageContaining(hint)
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(((LgspException) e).code())
                    .isEqualTo(code));
  }

  @Test
  void chainThroughTheIssuingCaToTheRootIsAccepted() {
    assertThatNoException()
        .isThrownBy(
            () -> at(Instant.now(), pki.root).validate(tls.chain(), CertificateProfile.NODE_TLS));
  }

  @Test
  void expiredCertificateSaysToEnrolANewOne() {
    assertCode(
        () ->
            at(Instant.now().plus(Duration.ofDays(31)), pki.root)
                .validate(tls.chain(), CertificateProfile.NODE_TLS),
        ErrorCode.CERTIFICATE_EXPIRED,
        "enrol a new key");
  }

  @Test
  void notYetValidCertificatePointsAtTheClocks() {
    assertCode(
        () ->
            at(Instant.now().minus(Duration.ofHours(1)), pki.root)
                .validate(tls.chain(), CertificateProfile.NODE_TLS),
        ErrorCode.CERTIFICATE_NOT_YET_VALID,
        "NTP");
  }

  @Test
  void certificateFromAnotherCaHasAnUnknownIssuer() {
    TestPki other = new TestPki();
    assertCode(
        () -> at(Instant.now(), other.root).validate(tls.chain(), CertificateProfile.NODE_TLS),
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
        "trust anchor");
  }

  @Test
  void missingIntermediateMeansTheIssuerIsUnknown() {
    assertCode(
        () ->
            at(Instant.now(), pki.root)
                .validate(List.of(tls.certificate()), CertificateProfile.NODE_TLS),
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
        "does not chain");
  }

  @Test
  void tlsCertificateUsedForSigningHasTheWrongKeyUsage() {
    assertCode(
        () -> at(Instant.now(), pki.root).validate(tls.chain(), CertificateProfile.MEMBER_SIGNING),
        ErrorCode.CERTIFICATE_KEY_USAGE,
        "profile member-signing");
  }

  @Test
  void importedIssuingCaAloneIsEnoughAsAnchor() {
    assertThatNoException()
        .isThrownBy(
            () ->
                at(Instant.now(), pki.issuing).validate(tls.chain(), CertificateProfile.NODE_TLS));
  }
}
