package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicationTest {
  @Test
  void baseUrlNamesTheResponderAndTheCrl() {
    Publication p = Publication.at("http://ca.example:8080/trust/");
    assertThat(p.ocspUrl()).contains("http://ca.example:8080/trust/ocsp");
    assertThat(p.crlUrl()).contains("http://ca.example:8080/trust/crl");
    assertThat(p.caIssuersUrl()).contains("http://ca.example:8080/trust/ca.cer");
    Publication root = Publication.root("http://ca.example:8080/trust");
    assertThat(root.ocspUrl()).contains("http://ca.example:8080/trust/ocsp");
    assertThat(root.crlUrl()).contains("http://ca.example:8080/trust/root.crl");
    assertThat(root.caIssuersUrl()).contains("http://ca.example:8080/trust/root.cer");
  }

  @Test
  void onlyHttpUrlsArePublished() {
    assertThatThrownBy(
            () -> new Publication(Optional.of("ldap://x"), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Publication(Optional.empty(), Optional.empty(), Optional.of("file:/x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void profilesAreNamedByLabel() {
    assertThat(CertificateProfile.fromLabel("node-tls")).contains(CertificateProfile.NODE_TLS);
    assertThat(CertificateProfile.fromLabel("nope")).isEmpty();
    assertThat(RevocationReason.fromLabel("key-compromise"))
        .contains(RevocationReason.KEY_COMPROMISE);
  }
}
