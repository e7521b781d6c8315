package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.Signatures;

/**
 * Keys in a real PKCS#11 token: SoftHSM2, initialised here in a fresh folder. The surefire
 * configuration points SOFTHSM2_CONF at target/softhsm2/softhsm2.conf, written below.
 */
class Pkcs11TokenTest {
  static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  static final String PIN = "4711-user";
  static Pkcs11Token.Config config;
  final TestPki pki = new TestPki();

  @BeforeAll
  static void initialiseToken() throws Exception {
    boolean required = Boolean.parseBoolean(System.getProperty("lgsp.softhsm.required", "false"));
    if (!Files.exists(LIBRARY)) {
      if (required) {
        fail("SoftHSM2 is required (lgsp.softhsm.required=true): apt-get install softhsm2");
      }
      assumeTrue(false, "SoftHSM2 not installed, skipping");
    }
    String confPath = System.getenv("SOFTHSM2_CONF");
    assertThat(confPath).as("SOFTHSM2_CONF set by surefire").isNotBlank();
    Path conf = Path.of(confPath);
    Path tokens = conf.getParent().resolve("tokens-" + UUID.randomUUID());
    Files.createDirectories(tokens);
    Files.writeString(
        conf,
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    String out =
        run(
            conf,
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "lgsp-test",
            "--so-pin",
            "4711-so",
            "--pin",
            PIN);
    Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    assertThat(m.find()).as("slot in: " + out).isTrue();
    config = new Pkcs11Token.Config(LIBRARY, Long.parseLong(m.group(1)));
  }

  static String run(Path conf, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void keyGeneratedInTheTokenGetsACertificateFromACsrAndSignsThroughCoreSignatures() {
    Pkcs11Token token = Pkcs11Token.open(config, PIN.toCharArray());
    KeyPair pair = token.generateEcP256();
    assertThat(pair.getPrivate().getEncoded()).as("a token key cannot be exported").isNull();

    CertificateRequest csr =
        CertificateRequest.create(
            pair.getPrivate(), pair.getPublic(), "VN:GOV:000.00.00.G01", "Bộ Công an", List.of());
    X509Certificate cert =
        pki.issuing.issue(csr, CertificateProfile.MEMBER_SIGNING, Duration.ofDays(30));
    List<X509Certificate> chain = List.of(cert, pki.issuing.certificate(), pki.root.certificate());
    token.store("member-signing", pair.getPrivate(), chain);

    // Reopen the token as a restarted node would, and sign with the stored key.
    Pkcs11Token again = Pkcs11Token.open(config, PIN.toCharArray());
    assertThat(again.aliases()).contains("member-signing");
    Credentials stored = again.credentials("member-signing").orElseThrow();
    assertThat(stored.chain()).containsExactlyElementsOf(chain);
    MessageSigner signer = Signatures.jca(stored.key(), stored.certificate());
    byte[] data = "lgsp-request/1\nPOST\n".getBytes(StandardCharsets.UTF_8);
    byte[] signature = signer.sign(data);
    assertThat(Signatures.verifier(cert.getPublicKey()).verify(data, signature)).isTrue();
    assertThat(
            Signatures.verifier(cert.getPublicKey())
                .verify("other".getBytes(StandardCharsets.UTF_8), signature))
        .isFalse();
  }

  @Test
  void caWhoseKeyIsInTheTokenIssuesCertificatesOpensslVerifies() throws Exception {
    Pkcs11Token token = Pkcs11Token.open(config, PIN.toCharArray());
    KeyPair caKey = token.generateEcP256();
    X509Certificate caCert =
        pki.root.issue(
            CertificateProfile.INTERMEDIATE_CA,
            "HSM Issuing CA",
            "OpenLGSP",
            caKey.getPublic(),
            List.of(),
            Duration.ofDays(30));
    CertificateAuthority hsmCa =
        CertificateAuthority.of(
            new Credentials(caKey.getPrivate(), List.of(caCert, pki.root.certificate())));
    Credentials leaf =
        hsmCa.issueCredentials(
            CertificateProfile.NODE_TLS, "gw", "o", List.of("localhost"), Duration.ofDays(1));
    Path dir = Files.createTempDirectory("lgsp-hsm");
    OpenSsl.write(dir, "root.pem", Pem.write(pki.root.certificate()));
    OpenSsl.write(dir, "ca.pem", Pem.write(caCert));
    OpenSsl.write(dir, "leaf.pem", Pem.write(leaf.certificate()));
    assertThat(
            OpenSsl.run(
                    dir,
                    "verify",
                    "-CAfile",
                    "root.pem",
                    "-untrusted",
                    "ca.pem",
                    "-purpose",
                    "sslserver",
                    "leaf.pem")
                .requireSuccess()
                .output())
        .contains("leaf.pem: OK");
  }

  @Test
  void wrongPinIsRefusedWithAHint() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Pkcs11Token.open(config, "0000".toCharArray()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("PIN");
  }
}
