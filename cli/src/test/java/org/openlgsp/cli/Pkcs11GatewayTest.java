package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openlgsp.cli.EnrolmentCommandsTest.ok;
import static org.openlgsp.cli.KeyRotationCommandsTest.await;
import static org.openlgsp.cli.KeyRotationCommandsTest.signingCertificates;
import static org.openlgsp.cli.KeyRotationCommandsTest.tlsCertificates;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeKeys;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.Pkcs11Token;
import org.openlgsp.pki.SoftHsm;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * A gateway whose node TLS key and member signing key live in a real PKCS#11 token (SoftHSM2),
 * started the way {@code lgsp serve --config} starts it: keys made in the token with {@code lgsp
 * keys csr}, enrolled through the registry, chains stored with {@code lgsp keys store-certificate},
 * a configuration naming the aliases and the PIN's environment variable. It exchanges signed
 * messages with the provider gateway and takes a renewed certificate stored in the token while
 * running.
 */
@RequiresPeer(Peer.SOFTHSM)
class Pkcs11GatewayTest {
  /** Set for the test JVM by the surefire configuration, like an operator's environment. */
  static final String PIN_ENV = "LGSP_PKCS11_PIN";

  static Pkcs11Token.Config token;
  @TempDir Path dir;

  @BeforeAll
  static void initialiseToken() throws Exception {
    token = SoftHsm.initialise(System.getenv(PIN_ENV));
  }

  @Test
  void gatewayWithItsKeysInATokenCompletesSignedExchangesAndTakesARenewedCertificate()
      throws Exception {
    String pin = System.getenv(PIN_ENV);
    List<String> logs = captureLogs();
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      Files.writeString(dir.resolve("admin.token"), fed.adminToken());
      GatewayNode provider = fed.providerNode();
      List<String> cli = new ArrayList<>();
      X509Certificate tlsCert =
          enrolInToken(fed, "tls", "node-tls", Federation.TN_NODE.toString(), "hsm-tls", cli);
      X509Certificate signingCert =
          enrolInToken(
              fed, "signing", "member-signing", Federation.TAY_NINH.toString(), "hsm-signing", cli);
      // The provider must know the new certificates before the token gateway calls it.
      await(
          () ->
              tlsCertificates(provider).contains(tlsCert)
                  && signingCertificates(provider).contains(signingCert));

      Federation.Ports fresh = Federation.Ports.ephemeral();
      Path config = writeTokenConfig(fresh);
      String yaml = Files.readString(config);
      assertThat(yaml).contains("pinEnv: \"" + PIN_ENV + "\"").doesNotContain(pin);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<AutoCloseable> running =
          NodeRoles.start(NodeConfig.read(config), dir, new PrintStream(out));
      try {
        GatewayNode hsm = (GatewayNode) running.getFirst();
        assertThat(hsm.gateway().nodeTlsCertificate()).isEqualTo(tlsCert);
        assertThat(hsm.gateway().signingCertificate(Federation.TAY_NINH)).contains(signingCert);
        assertThat(hsm.tlsCredentials().key().getEncoded())
            .as("the TLS key is a token key: it cannot be exported")
            .isNull();

        String bearer = bearer(fresh.consumer().clientHttp());
        long providerRecords = provider.ledger().size();
        HttpResponse<String> r = citizen(fed, fresh.consumer().clientHttp(), bearer);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains(fed.citizenIds().getFirst());
        // The provider took mTLS from the token key and verified the request signed inside the
        // token (the gateway holds no other key for the member), and recorded the exchange.
        assertThat(provider.ledger().size()).isGreaterThan(providerRecords);

        // Renewal: a new certificate for the same token key (lgsp keys csr --renew), stored by the
        // operator while the gateway runs; the gateway switches to it by itself and keeps
        // exchanging.
        X509Certificate renewed = renewInToken(fed, "hsm-tls", cli);
        assertThat(renewed.getPublicKey()).isEqualTo(tlsCert.getPublicKey());
        assertThat(renewed).isNotEqualTo(tlsCert);
        await(() -> tlsCertificates(provider).contains(renewed));
        await(() -> hsm.gateway().nodeTlsCertificate().equals(renewed));
        HttpResponse<String> after = citizen(fed, fresh.consumer().clientHttp(), bearer);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      } finally {
        NodeRoles.closeAll(running);
      }
      String printed = out.toString(StandardCharsets.UTF_8) + String.join("\n", cli);
      assertThat(printed).contains("gateway " + Federation.TN_NODE);
      assertThat(printed).doesNotContain(pin);
      assertThat(String.join("\n", logs))
          .contains("node TLS key: switched to certificate")
          .doesNotContain(pin);
    } finally {
      releaseLogs();
    }
  }

  @Test
  void aMissingPinVariableOrAnAliasWithoutItsCertificateIsAClearStartError() throws Exception {
    NodeKeys keys = new NodeKeys(dir);
    NodeConfig.Pkcs11Key unset =
        NodeConfig.Pkcs11Key.pinFromEnvironment(
            SoftHsm.LIBRARY.toString(), token.slot(), "x", "LGSP_TEST_UNSET_PIN");
    assertThatThrownBy(() -> keys.credentials("gateway.tls", NodeConfig.KeyFiles.token(unset)))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessage(
            "gateway.tls: environment variable LGSP_TEST_UNSET_PIN (pkcs11.pinEnv) is not set");

    // A key made by `lgsp keys csr` whose chain was never stored: only its placeholder.
    ok(
        KeyRotationCommandsTest.csr(
            "tls",
            Federation.TN_NODE.toString(),
            dir.resolve("awaiting.csr"),
            tokenArgs("awaiting")));
    Files.writeString(dir.resolve("pin"), System.getenv(PIN_ENV) + "\n");
    NodeConfig.Pkcs11Key awaiting =
        NodeConfig.Pkcs11Key.pinFromFile(
            SoftHsm.LIBRARY.toString(), token.slot(), "awaiting", "pin");
    assertThatThrownBy(() -> keys.credentials("gateway.tls", NodeConfig.KeyFiles.token(awaiting)))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("no issued certificate yet")
        .hasMessageContaining("lgsp keys store-certificate");
    NodeConfig.Pkcs11Key absent =
        NodeConfig.Pkcs11Key.pinFromFile(SoftHsm.LIBRARY.toString(), token.slot(), "absent", "pin");
    assertThatThrownBy(() -> keys.credentials("gateway.tls", NodeConfig.KeyFiles.token(absent)))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("no key 'absent'");
    // And `lgsp keys csr` will not replace a key a gateway may be using.
    CommandRun again =
        CommandRun.run(
            KeyRotationCommandsTest.csr(
                "tls", "x", dir.resolve("again.csr"), tokenArgs("awaiting")));
    assertThat(again.exit()).isNotZero();
    assertThat(again.err()).contains("already holds 'awaiting'");
    CommandRun renewFile =
        CommandRun.run(
            KeyRotationCommandsTest.csr(
                "tls",
                "x",
                dir.resolve("file.csr"),
                List.of("--key-out", dir.resolve("file.key").toString(), "--renew")));
    assertThat(renewFile.exit()).isNotZero();
    assertThat(renewFile.err()).contains("--renew is for keys in a token");
  }

  /** {@code lgsp keys csr} into the token, enrolment, {@code lgsp keys store-certificate}. */
  private X509Certificate enrolInToken(
      Federation fed,
      String keyKind,
      String enrolmentKind,
      String target,
      String alias,
      List<String> printed)
      throws Exception {
    Path csr = dir.resolve(alias + ".csr");
    printed.add(ok(KeyRotationCommandsTest.csr(keyKind, target, csr, tokenArgs(alias))).out());
    return approveAndStore(fed, enrolmentKind, target, csr, alias, printed);
  }

  /** {@code lgsp keys csr --renew}: a request for the key already under {@code alias}. */
  private X509Certificate renewInToken(Federation fed, String alias, List<String> printed)
      throws Exception {
    Path csr = dir.resolve(alias + "-renewal.csr");
    List<String> args = new ArrayList<>(tokenArgs(alias));
    args.add("--renew");
    String target = Federation.TN_NODE.toString();
    printed.add(ok(KeyRotationCommandsTest.csr("tls", target, csr, args)).out());
    return approveAndStore(fed, "node-tls", target, csr, alias, printed);
  }

  private X509Certificate approveAndStore(
      Federation fed,
      String enrolmentKind,
      String target,
      Path csr,
      String alias,
      List<String> printed)
      throws Exception {
    Path pem =
        KeyRotationCommandsTest.approve(
            dir, fed, enrolmentKind, target, csr, dir.resolve(csr.getFileName() + ".pem"));
    List<String> store =
        new ArrayList<>(List.of("keys", "store-certificate", "--certificate", pem.toString()));
    store.addAll(tokenArgs(alias));
    printed.add(ok(store.toArray(String[]::new)).out());
    return Pem.certificates(Files.readString(pem)).getFirst();
  }

  private static List<String> tokenArgs(String alias) {
    return List.of(
        "--pkcs11-library",
        SoftHsm.LIBRARY.toString(),
        "--slot",
        Long.toString(token.slot()),
        "--alias",
        alias);
  }

  /** The consumer gateway's configuration with both keys in the token, on fresh ports. */
  private Path writeTokenConfig(Federation.Ports fresh) {
    NodeConfig original = NodeConfig.read(dir.resolve("tay-ninh-gateway.yaml"));
    NodeConfig.Pkcs11Key tls =
        NodeConfig.Pkcs11Key.pinFromEnvironment(
            SoftHsm.LIBRARY.toString(), token.slot(), "hsm-tls", PIN_ENV);
    NodeConfig.Pkcs11Key signing =
        NodeConfig.Pkcs11Key.pinFromEnvironment(
            SoftHsm.LIBRARY.toString(), token.slot(), "hsm-signing", PIN_ENV);
    NodeConfig copy =
        LgspCommandLineTest.secondInstance(
            original,
            fresh,
            "jdbc:sqlite:data/hsm-gateway.db",
            NodeConfig.KeyFiles.token(tls),
            List.of(NodeConfig.MemberSigning.token(Federation.TAY_NINH.toString(), signing)));
    Path file = dir.resolve("hsm-gateway.yaml");
    copy.write(file);
    return file;
  }

  private String bearer(int httpPort) throws Exception {
    HttpResponse<String> tok =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/token"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&client_id=portal&client_secret="
                                + Files.readString(dir.resolve("pki/portal.secret")).strip()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(tok.statusCode()).as(tok.body()).isEqualTo(200);
    return (String) Json.mapper().readValue(tok.body(), Map.class).get("access_token");
  }

  private static HttpResponse<String> citizen(Federation fed, int httpPort, String bearer)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + httpPort
                            + "/r1/"
                            + Federation.CITIZEN_SERVICE
                            + "/citizens/"
                            + fed.citizenIds().getFirst()))
                .header("Authorization", "Bearer " + bearer)
                .header("X-Road-Client", Federation.PORTAL.toString())
                .header("X-Road-Issue", "HS-2026-000123")
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
  private Handler handler;

  /** Every log record of the JVM, formatted as the console would print it. */
  private List<String> captureLogs() {
    SimpleFormatter format = new SimpleFormatter();
    handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logLines.add(format.format(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(java.util.logging.Level.ALL);
    Logger.getLogger("").addHandler(handler);
    return logLines;
  }

  private void releaseLogs() {
    Logger.getLogger("").removeHandler(handler);
  }
}
