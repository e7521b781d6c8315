package org.openlgsp.documents;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.KeyPairs;

/**
 * Agency document-signing keys certified by a test CA (the pki module's, as in production), and
 * sample documents.
 */
final class TestKeys {
  static final AgencyCode PROVINCE = AgencyCode.parse("000.00.00.H41");
  static final AgencyCode DEPARTMENT = AgencyCode.parse("000.00.15.H41");
  static final CertificateAuthority CA =
      CertificateAuthority.createRoot("OpenLGSP documents test CA", Duration.ofDays(30));

  private TestKeys() {}

  /** Signers must chain to the test CA. */
  static SignerTrust trust() {
    return SignerTrust.anchoredAt(List.of(CA.certificate()), Clock.systemUTC());
  }

  static SigningKey rsa(String cn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return key(g.generateKeyPair(), cn);
  }

  static SigningKey ec(String cn) throws Exception {
    return key(KeyPairs.ecP256(), cn);
  }

  private static SigningKey key(KeyPair pair, String cn) {
    X509Certificate cert =
        CA.issue(
            CertificateProfile.MEMBER_SIGNING,
            cn,
            "OpenLGSP test",
            pair.getPublic(),
            List.of(),
            Duration.ofDays(1));
    return new SigningKey(pair.getPrivate(), cert);
  }

  static DocumentPackage document(String number) {
    return Packages.document(
        new Packages.NewDocument(
            PROVINCE,
            "UBND Tỉnh Nghệ An",
            List.of(DEPARTMENT),
            number,
            "UBND-VX",
            LocalDate.of(2026, 11, 23),
            "V/v triển khai trục liên thông văn bản",
            "Nội dung văn bản " + number,
            "Nguyễn Văn A"),
        Instant.parse("2026-11-23T03:00:00Z"));
  }
}
