package org.openlgsp.pki;

import java.time.Duration;
import java.util.List;

/** A root and an issuing CA under it, with records in memory. */
final class TestPki {
  static final Duration YEAR = Duration.ofDays(365);
  final CertificateAuthority root = CertificateAuthority.createRoot("Test Root CA", YEAR);
  final CertificateAuthority issuing;

  TestPki() {
    this(Publication.none());
  }

  TestPki(Publication publication) {
    Credentials ca =
        root.issueCredentials(
            CertificateProfile.INTERMEDIATE_CA, "Test Issuing CA", "OpenLGSP", List.of(), YEAR);
    issuing =
        publication.equals(Publication.none())
            ? CertificateAuthority.of(ca)
            : CertificateAuthority.of(
                ca,
                org.openlgsp.storage.TestDatabases.sqlite(tempDir()),
                publication,
                java.time.Clock.systemUTC());
  }

  private static java.nio.file.Path tempDir() {
    try {
      return java.nio.file.Files.createTempDirectory("lgsp-pki");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
