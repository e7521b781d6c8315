package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.DocumentAxis;
import org.openlgsp.documents.RemoteDelivery;
import org.openlgsp.documents.SignerTrust;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.storage.Database;

/**
 * {@code registry.console.documents}: the running registry node's console asks the named document
 * axis with the token of each agency's file.
 */
class DocumentsConsoleSettingsTest {
  static final AgencyCode TN = AgencyCode.parse("000.00.00.H53");
  static final String TOKEN = "tn-axis-token-0123456789";

  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  Database axisDb;
  DocumentAxis axis;
  AxisServer server;
  int accounts;

  @BeforeEach
  void startAxis() {
    axisDb = Database.sqlite(dir.resolve("axis.db"));
    axis =
        new DocumentAxis(
                axisDb,
                AxisOptions.defaults(dir.resolve("axis")),
                SignerTrust.anchoredAt(List.of(ca.certificate()), Clock.systemUTC()),
                Set.of(TN),
                RemoteDelivery.NONE,
                Clock.systemUTC())
            .start();
    server =
        AxisServer.start(
            axis, Map.of(TN, AxisServer.hashToken(TOKEN)), "127.0.0.1", 0, Optional.empty(), 0);
  }

  @AfterEach
  void stopAxis() {
    server.close();
    axis.close();
    axisDb.close();
  }

  private RegistryNode start(String consoleSection) throws Exception {
    Path file = ManagementListenerTest.registryConfig(dir, ca, consoleSection);
    return RegistryNode.start(
        "VN",
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private String section(int port) {
    return "  console: {enabled: true, port: "
        + port
        + ", documents: {url: 'http://127.0.0.1:"
        + server.port()
        + "', agencies: [{member: VN/GOV/000.00.00.H53, tokenFile: tn-axis.token}]}}\n";
  }

  /** The inbox page as a new agency administrator of TN sees it. */
  private HttpResponse<String> inbox(RegistryNode registry, int port) throws Exception {
    var console = registry.console().orElseThrow().accounts();
    String name = "tn" + ++accounts;
    String password =
        console.create(
            name, ConsoleRole.AGENCY_ADMIN, Optional.of(ClientId.parse("VN/GOV/000.00.00.H53")));
    ConsoleClient c = new ConsoleClient("http://127.0.0.1:" + port);
    assertThat(c.signIn(name, password, console).statusCode()).isEqualTo(303);
    return c.get("/documents");
  }

  @Test
  void documentsNameTheAxisTheConsoleAsksWithEachAgencysTokenFile() throws Exception {
    Files.writeString(dir.resolve("tn-axis.token"), TOKEN + "\n");
    int port = freePort();
    try (RegistryNode registry = start(section(port))) {
      HttpResponse<String> page = inbox(registry, port);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains("<code id=\"agency-shown\">VN/GOV/000.00.00.H53</code>")
          .contains("Không có mục nào.");
    }
    // another token in the file: the axis refuses the console, the page says the axis is unusable
    Files.writeString(dir.resolve("tn-axis.token"), "another-token-0123456789\n");
    port = freePort();
    try (RegistryNode registry = start(section(port))) {
      HttpResponse<String> page = inbox(registry, port);
      assertThat(page.statusCode()).isEqualTo(502);
      assertThat(page.body()).contains("Trục liên thông văn bản hiện không phản hồi");
    }
    // without the key: no axis is asked
    port = freePort();
    try (RegistryNode registry = start("  console: {enabled: true, port: " + port + "}\n")) {
      assertThat(inbox(registry, port).body())
          .contains("chưa được cấu hình để kết nối trục liên thông văn bản");
    }
    // a token file that cannot be read stops the node, naming the key
    Files.delete(dir.resolve("tn-axis.token"));
    int stopped = freePort();
    assertThatThrownBy(() -> start(section(stopped)))
        .hasMessageContaining("registry.console.documents")
        .hasMessageContaining("tn-axis.token");
  }

  @Test
  void aMemberThatIsNoAgencyOrNoAgencyAtAllIsRefused() throws Exception {
    assertThatThrownBy(
            () ->
                start(
                    "  console: {enabled: true, port: 0, documents: {url: 'http://127.0.0.1:1',"
                        + " agencies: [{member: VN/COM/0101, tokenFile: x.token}]}}\n"))
        .hasMessageContaining("must be an agency");
    assertThatThrownBy(
            () ->
                start(
                    "  console: {enabled: true, port: 0, documents: {url: 'http://127.0.0.1:1',"
                        + " agencies: []}}\n"))
        .hasMessageContaining("at least one agency");
  }
}
