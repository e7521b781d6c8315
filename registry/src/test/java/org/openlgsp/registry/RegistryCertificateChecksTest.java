package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The registry publishes only certificates usable for what they are registered as. */
class RegistryCertificateChecksTest {
  @TempDir Path dir;

  private static void assertCode(Runnable r, ErrorCode code, String hint) {
    assertThatThrownBy(r::run)
        .isInstanceOf(LgspException.class)
        .hasMessageContaining(hint)
        .satisfies(e -> assertThat(((LgspException) e).code()).isEqualTo(code));
  }

  @Test
  void wrongPurposeAndExpiredCertificatesAreRefusedWithTheirCodes() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = RegistryTest.registry(db);
      r.addMember(RegistryTest.MPS, "Bộ Công an");
      X509Certificate tls = RegistryTest.tls("mps-gw", CertificateProfile.NODE_TLS);
      assertCode(
          () -> r.addSigningCertificate(RegistryTest.MPS, tls),
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "profile member-signing");
      X509Certificate signing = RegistryTest.tls("mps-sign", CertificateProfile.MEMBER_SIGNING);
      assertCode(
          () -> r.addNode(RegistryTest.MPS_NODE, "https://127.0.0.1:5501", List.of(signing)),
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "profile node-tls");

      Clock lastYear = Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC);
      CertificateAuthority old =
          CertificateAuthority.createRoot("Old CA", Duration.ofDays(500), lastYear);
      X509Certificate expired =
          old.issueCredentials(
                  CertificateProfile.MEMBER_SIGNING, "m", "o", List.of(), Duration.ofDays(30))
              .certificate();
      assertCode(
          () -> r.addSigningCertificate(RegistryTest.MPS, expired),
          ErrorCode.CERTIFICATE_EXPIRED,
          "enrol a new key");
      assertThat(r.directory().member(RegistryTest.MPS).orElseThrow().signingCertificates())
          .isEmpty();
    }
  }

  @Test
  void onceAnchorsAreImportedOnlyCertificatesTheyIssuedArePublished() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = RegistryTest.registry(db);
      r.addMember(RegistryTest.MPS, "Bộ Công an");
      CertificateAuthority governmentCa =
          CertificateAuthority.createRoot("Government CA", Duration.ofDays(30));
      X509Certificate notACa = RegistryTest.tls("mps-gw", CertificateProfile.NODE_TLS);
      assertCode(() -> r.addTrustAnchor(notACa), ErrorCode.CERTIFICATE_KEY_USAGE, "not a CA");
      long serial = r.serial();
      r.addTrustAnchor(governmentCa.certificate());
      assertThat(r.serial()).isGreaterThan(serial);
      assertThat(r.directory().trustAnchors())
          .containsExactly(org.openlgsp.core.Certificates.base64(governmentCa.certificate()));

      X509Certificate fromElsewhere =
          RegistryTest.tls("mps-sign", CertificateProfile.MEMBER_SIGNING);
      assertCode(
          () -> r.addSigningCertificate(RegistryTest.MPS, fromElsewhere),
          ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
          "trust anchor");
      X509Certificate issued =
          governmentCa
              .issueCredentials(
                  CertificateProfile.MEMBER_SIGNING,
                  "VN/GOV/000.00.00.G01",
                  "Bộ Công an",
                  List.of(),
                  Duration.ofDays(10))
              .certificate();
      r.addSigningCertificate(RegistryTest.MPS, issued);
      assertThat(r.directory().member(RegistryTest.MPS).orElseThrow().signingCertificates())
          .containsExactly(org.openlgsp.core.Certificates.base64(issued));
    }
  }
}
