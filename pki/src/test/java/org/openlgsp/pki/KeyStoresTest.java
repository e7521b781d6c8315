package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One PKCS#12 write (600,000 PBKDF2 rounds are slow on purpose), read by the JDK and openssl. */
class KeyStoresTest {
  @TempDir Path dir;

  @Test
  void keyStoreUsesOwaspIterationsIsOwnerOnlyAndReadsBackHereAndInOpenssl() throws Exception {
    TestPki pki = new TestPki();
    Credentials node =
        pki.issuing.issueCredentials(
            CertificateProfile.NODE_TLS, "gw1", "Test", List.of("gw1.example.vn"), TestPki.YEAR);
    Path file = dir.resolve("node.p12");
    char[] password = "correct horse battery staple".toCharArray();
    KeyStores.write(file, node, password);

    assertThat(Files.getPosixFilePermissions(file).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    Credentials back = KeyStores.read(file, password);
    assertThat(back.chain()).isEqualTo(node.chain());
    assertThat(back.key().getEncoded()).isEqualTo(node.key().getEncoded());
    assertThatThrownBy(() -> KeyStores.read(file, "wrong password here".toCharArray()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("wrong password");

    OpenSsl.write(dir, "pass.txt", new String(password));
    OpenSsl.Result info =
        OpenSsl.run(dir, "pkcs12", "-info", "-in", "node.p12", "-passin", "file:pass.txt", "-noout")
            .requireSuccess();
    assertThat(info.output())
        .contains("MAC: sha256, Iteration 600000")
        .contains("PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256")
        .doesNotContain("Iteration 10000,")
        .doesNotContain("Iteration 2048");
  }
}
