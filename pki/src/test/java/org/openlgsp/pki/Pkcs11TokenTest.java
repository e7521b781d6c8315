package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.Signatures;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/** Keys in a real PKCS#11 token: SoftHSM2, initialised in a fresh folder ({@link SoftHsm}). */
@RequiresPeer(Peer.SOFTHSM)
class Pkcs11TokenTest {
  static final String PIN = "4711-user";
  static Pkcs11Token.Config config;
  final TestPki pki = new TestPki();

  @BeforeAll
  static void initialiseToken() throws Exception {
    config = SoftHsm.initialise(PIN);
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

  /** A TLS key made in the token, issued for {@code cn}, read back as a restarted node would. */
  private Credentials tokenTlsKey(Pkcs11Token token, String alias, String cn) {
    KeyPair pair = token.generateEcP256(alias);
    CertificateRequest csr =
        CertificateRequest.create(
            pair.getPrivate(), pair.getPublic(), cn, "OpenLGSP", List.of("localhost"));
    X509Certificate cert = pki.issuing.issue(csr, CertificateProfile.NODE_TLS, Duration.ofDays(1));
    // The leaf alone: each test has its own CA, and the token links chains by subject name.
    token.store(alias, pair.getPrivate(), List.of(cert));
    Credentials stored =
        Pkcs11Token.open(config, PIN.toCharArray()).credentials(alias).orElseThrow();
    assertThat(stored.certificate()).isEqualTo(cert);
    return stored;
  }

  private static void awaitPresented(List<Object> seen, Credentials expected) {
    await("handshakes presenting the new key")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !seen.isEmpty() && seen.getLast().equals(expected.certificate()));
  }

  @Test
  void tlsKeysInTheTokenRotateInARunningServerWithoutAFailedHandshake() throws Exception {
    Pkcs11Token token = Pkcs11Token.open(config, PIN.toCharArray());
    Credentials software =
        pki.issuing.issueCredentials(
            CertificateProfile.NODE_TLS, "gw", "o", List.of("localhost"), Duration.ofDays(1));
    Credentials hsm1 = tokenTlsKey(token, "node-tls-1", "gw");
    Credentials hsm2 = tokenTlsKey(token, "node-tls-2", "gw");
    assertThat(hsm1.key().getEncoded()).as("a token key cannot be exported").isNull();
    // The client's key is in the token too: both ends of mutual TLS sign inside it.
    Credentials client = tokenTlsKey(token, "client-tls", "peer");
    java.util.Set<String> serverPins = new java.util.HashSet<>();
    for (Credentials c : List.of(software, hsm1, hsm2)) {
      serverPins.add(org.openlgsp.core.Certificates.fingerprint(c.certificate()));
    }
    SwitchableKeyManager keys = new SwitchableKeyManager(software);
    javax.net.ssl.SSLServerSocket server =
        (javax.net.ssl.SSLServerSocket)
            TlsContexts.create(
                    keys,
                    new PinnedTrustManager(
                        () ->
                            java.util.Set.of(
                                org.openlgsp.core.Certificates.fingerprint(client.certificate()))))
                .getServerSocketFactory()
                .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    Thread acceptor =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!server.isClosed()) {
                    try (java.net.Socket s = server.accept()) {
                      s.getInputStream().read();
                      s.getOutputStream().write('k');
                    } catch (IOException e) {
                      // a closed server ends the loop; a failed handshake shows at the client
                    }
                  }
                });
    javax.net.ssl.SSLContext clientContext =
        TlsContexts.create(client, new PinnedTrustManager(() -> serverPins));
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Object> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread traffic =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (running.get()) {
                    try (javax.net.ssl.SSLSocket s =
                        (javax.net.ssl.SSLSocket)
                            clientContext
                                .getSocketFactory()
                                .createSocket("127.0.0.1", server.getLocalPort())) {
                      s.getOutputStream().write('p');
                      if (s.getInputStream().read() != 'k') {
                        throw new IOException("no answer");
                      }
                      seen.add(s.getSession().getPeerCertificates()[0]);
                    } catch (IOException e) {
                      seen.add(e);
                    }
                  }
                });
    try {
      awaitPresented(seen, software);
      keys.use(hsm1); // software key → key in the token
      awaitPresented(seen, hsm1);
      keys.use(hsm2); // one token key → another
      awaitPresented(seen, hsm2);
      // A key with another key's certificate is refused; the server keeps presenting hsm2.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> keys.use(new Credentials(hsm1.key(), hsm2.chain())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not belong to certificate");
      int count = seen.size();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= count + 5);
    } finally {
      running.set(false);
      traffic.join();
      server.close();
      acceptor.join();
    }
    assertThat(seen).allSatisfy(o -> assertThat(o).isInstanceOf(X509Certificate.class));
    assertThat(seen)
        .contains(software.certificate(), hsm1.certificate(), hsm2.certificate())
        .endsWith(hsm2.certificate());
  }

  @Test
  void wrongPinIsRefusedWithAHint() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Pkcs11Token.open(config, "0000".toCharArray()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("PIN");
  }

  @Test
  void refreshShowsACertificateAnotherSessionStored() {
    Pkcs11Token node = Pkcs11Token.open(config, PIN.toCharArray());
    Pkcs11Token operator = Pkcs11Token.open(config, PIN.toCharArray());
    KeyPair pair = operator.generateEcP256("renewed-later");
    node.refresh();
    Credentials placeholder = node.credentials("renewed-later").orElseThrow();
    CertificateRequest csr =
        CertificateRequest.create(
            pair.getPrivate(), pair.getPublic(), "VN:GOV:000.00.00.G01", "o", List.of());
    X509Certificate issued =
        pki.issuing.issue(csr, CertificateProfile.MEMBER_SIGNING, Duration.ofDays(1));
    operator.store("renewed-later", pair.getPrivate(), List.of(issued));

    assertThat(node.credentials("renewed-later").orElseThrow().certificate())
        .as("before refresh the node still sees what it read")
        .isEqualTo(placeholder.certificate());
    node.refresh();
    Credentials now = node.credentials("renewed-later").orElseThrow();
    assertThat(now.certificate()).isEqualTo(issued);
    now.requireMatchingKey();
  }
}
