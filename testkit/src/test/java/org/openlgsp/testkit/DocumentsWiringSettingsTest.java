package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;

/**
 * {@code documents.host / port / relayHost / relayPort / database / dataDir / agencies} reach the
 * running axis: it listens on the written addresses and no other, keeps its rows in the written
 * database and its package bytes under the written folder (not the defaults), and serves the
 * written agencies' document systems by their tokens only; {@code documents.gateway.*}: a package
 * for an agency it does not serve goes to the written gateway URL, with a token asked for the
 * written oauthClientId and the secret in secretFile, as the written client, to the axis service
 * named by subsystem and service.
 */
class DocumentsWiringSettingsTest {
  @TempDir Path dir;

  @Test
  void theAxisListensStoresServesAgenciesAndRelaysWhereItsFileSays() throws Exception {
    List<String> gatewaySaw = new CopyOnWriteArrayList<>();
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          boolean token = x.getRequestURI().getPath().equals("/token");
          gatewaySaw.add(
              x.getRequestMethod()
                  + " "
                  + x.getRequestURI().getPath()
                  + (token
                      ? " " + body
                      : " client="
                          + x.getRequestHeaders().getFirst("X-Road-Client")
                          + " auth="
                          + x.getRequestHeaders().getFirst("Authorization")));
          byte[] answer =
              (token ? "{\"access_token\":\"gw-token-1\",\"expires_in\":300}" : "{}")
                  .getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(200, answer.length);
          x.getResponseBody().write(answer);
          x.close();
        });
    gateway.start();
    try {
      wiredAxis(gateway.getAddress().getPort(), gatewaySaw);
    } finally {
      gateway.stop(0);
    }
  }

  private void wiredAxis(int gatewayPort, List<String> gatewaySaw) throws Exception {
    Files.writeString(dir.resolve("axis-at-gateway.secret"), "axis-secret-0123456789\n");
    int port = AxisFiles.freePort();
    int relayPort = AxisFiles.freePort();
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    Path file = dir.resolve("axis.yaml");
    Files.writeString(
        file,
        "instance: VN\n"
            + "documents:\n"
            + "  host: 127.0.0.2\n"
            + "  port: "
            + port
            + "\n  relayHost: 127.0.0.3\n"
            + "  relayPort: "
            + relayPort
            + "\n  database: jdbc:sqlite:store/edoc-wired.db\n"
            + "  dataDir: packages-wired\n"
            + "  signatureRequired: false\n"
            + "  trustAnchors: [agency-ca.pem]\n"
            + "  agencies:\n"
            + "    - {code: "
            + Federation.PROVINCE.value()
            + ", tokenSha256: "
            + AxisServer.hashToken("province-token")
            + "}\n"
            + "    - {code: "
            + Federation.DEPARTMENT.value()
            + ", tokenSha256: "
            + AxisServer.hashToken("department-token")
            + "}\n"
            + "  gateway: {url: 'http://127.0.0.1:"
            + gatewayPort
            + "', client: VN/GOV/000.00.00.H41/EDOCW, oauthClientId: axis-at-gateway,"
            + " secretFile: axis-at-gateway.secret, subsystem: EDOCX, service: relay-in}\n");
    byte[] edxml = EdxmlCodec.write(Federation.sampleDocument("8", List.of(Federation.DEPARTMENT)));
    try (DocumentsNode axis =
        DocumentsNode.start(
            NodeConfig.read(file).documents().orElseThrow(), dir, Clock.systemUTC())) {
      // host / port, relayHost / relayPort: there and nowhere else
      assertThat(accepts("127.0.0.2", port)).isTrue();
      assertThat(accepts("127.0.0.1", port)).isFalse();
      assertThat(accepts("127.0.0.3", relayPort)).isTrue();
      assertThat(accepts("127.0.0.1", relayPort)).isFalse();

      // agencies: the province's token sends, the department's reads its inbox
      String url = "http://127.0.0.2:" + port;
      assertThat(new AxisClient(url, "province-token").send(edxml).recipients())
          .containsExactly(Federation.DEPARTMENT.value());
      assertThat(new AxisClient(url, "department-token").inbox(10)).hasSize(1);
      // an agency not written has no token that works
      assertThatThrownBy(() -> new AxisClient(url, "government-token").inbox(10))
          .isInstanceOfSatisfying(
              LgspException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(401));

      // database and dataDir: the written ones, not the defaults
      assertThat(dir.resolve("store/edoc-wired.db")).exists();
      try (Stream<Path> stored = Files.list(dir.resolve("packages-wired/packages"))) {
        assertThat(stored.count()).isPositive();
      }
      assertThat(dir.resolve("data")).doesNotExist();

      // gateway.*: the government office is not served here, so its package goes through the
      // written gateway, with the written credentials, to the written subsystem and service
      new AxisClient(url, "province-token")
          .send(
              EdxmlCodec.write(
                  Federation.sampleDocument("9", List.of(Federation.GOVERNMENT_OFFICE))));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> gatewaySaw.stream().anyMatch(l -> l.contains("/relay")));
      assertThat(gatewaySaw.getFirst())
          .isEqualTo(
              "POST /token grant_type=client_credentials&client_id=axis-at-gateway"
                  + "&client_secret=axis-secret-0123456789");
      assertThat(gatewaySaw)
          .contains(
              "POST /r1/VN/GOV/000.00.00.G22/EDOCX/relay-in/relay"
                  + " client=VN/GOV/000.00.00.H41/EDOCW auth=Bearer gw-token-1");
    }
  }

  private static boolean accepts(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1_000);
      return true;
    } catch (java.io.IOException refused) {
      return false;
    }
  }
}
