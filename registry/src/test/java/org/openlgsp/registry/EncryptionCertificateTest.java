package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Members' encryption certificates (hub mode, docs/federation.md): published in the signed
 * directory next to the signing ones, only of the member-encryption profile, and removable.
 */
class EncryptionCertificateTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aMemberEncryptionCertificateIsPublishedAndNothingElseIsTakenForOne(String vendor) {
    try (Database db = TestDatabases.open(vendor, dir)) {
      Registry r = RegistryTest.registry(db);
      RegistryTest.populate(r);
      X509Certificate encryption =
          RegistryTest.tls("mps-encryption", CertificateProfile.MEMBER_ENCRYPTION);
      long before = r.directory().serial();

      r.addEncryptionCertificate(RegistryTest.MPS, encryption);

      Directory d = r.directory();
      assertThat(d.serial()).isGreaterThan(before);
      Directory.Member mps = d.member(RegistryTest.MPS).orElseThrow();
      assertThat(mps.encryptionCertificates()).containsExactly(Certificates.base64(encryption));
      assertThat(mps.signingCertificates())
          .hasSize(1)
          .doesNotContain(Certificates.base64(encryption));
      // and it survives the signed directory's JSON (what gateways read)
      Directory read =
          org.openlgsp.core.Json.read(org.openlgsp.core.Json.write(d), Directory.class);
      assertThat(read.member(RegistryTest.MPS).orElseThrow().encryptionCertificates())
          .containsExactly(Certificates.base64(encryption));

      // a signing certificate is no encryption certificate, nor the other way round
      X509Certificate signing = RegistryTest.tls("tn-sign", CertificateProfile.MEMBER_SIGNING);
      assertThatThrownBy(() -> r.addEncryptionCertificate(RegistryTest.TN, signing))
          .isInstanceOf(LgspException.class);
      assertThatThrownBy(() -> r.addSigningCertificate(RegistryTest.TN, encryption))
          .isInstanceOf(LgspException.class);
      assertThat(r.directory().member(RegistryTest.TN).orElseThrow().encryptionCertificates())
          .isEmpty();

      r.removeEncryptionCertificate(RegistryTest.MPS, Certificates.fingerprint(encryption));
      assertThat(r.directory().member(RegistryTest.MPS).orElseThrow().encryptionCertificates())
          .isEqualTo(List.of());
    }
  }
}
