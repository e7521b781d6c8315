package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.testkit.Federation;

/** The {@code lgsp} command line end to end: serve from configuration, registry admin. */
class LgspCommandLineTest {
  @TempDir Path dir;

  @Test
  void serveStartsAGatewayFromItsConfigurationFile() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      NodeConfig original = NodeConfig.read(dir.resolve("tay-ninh-gateway.yaml"));
      Federation.Ports fresh = Federation.Ports.ephemeral();
      NodeConfig copy =
          secondInstance(
              original,
              fresh,
              "jdbc:sqlite:data/second-instance.db",
              original.gateway().orElseThrow().tls(),
              original.gateway().orElseThrow().signing());
      copy.write(dir.resolve("second.yaml"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<AutoCloseable> running =
          NodeRoles.start(NodeConfig.read(dir.resolve("second.yaml")), dir, new PrintStream(out));
      try {
        String token =
            fed.portalToken(); // tokens are per gateway: get one from the second instance
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> tok =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fresh.consumer().clientHttp() + "/token"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&client_id=portal&client_secret="
                                + java.nio.file.Files.readString(dir.resolve("pki/portal.secret"))
                                    .strip()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tok.statusCode()).as(tok.body()).isEqualTo(200);
        assertThat(token).isNotBlank();
        String secondToken =
            (String)
                org.openlgsp.core.Json.mapper()
                    .readValue(tok.body(), java.util.Map.class)
                    .get("access_token");
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + fresh.consumer().clientHttp()
                                + "/r1/"
                                + Federation.CITIZEN_SERVICE
                                + "/citizens/"
                                + fed.citizenIds().get(0)))
                    .header("Authorization", "Bearer " + secondToken)
                    .header("X-Road-Client", Federation.PORTAL.toString())
                    .header("X-Road-Issue", "HS-2026-000123")
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(out.toString(StandardCharsets.UTF_8))
            .contains("gateway VN/GOV/000.00.00.H53/gw1")
            .contains("directory serial");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains(fed.citizenIds().get(0));
      } finally {
        NodeRoles.closeAll(running);
      }
    }
  }

  /** Another instance of the consumer gateway: its own ports, database and keys. */
  static NodeConfig secondInstance(
      NodeConfig original,
      Federation.Ports fresh,
      String database,
      NodeConfig.KeyFiles tls,
      List<NodeConfig.MemberSigning> signing) {
    NodeConfig.GatewayRole g = original.gateway().orElseThrow();
    return NodeConfig.gatewayOnly(
        original.instance(),
        new NodeConfig.GatewayRole(
            g.node(),
            g.host(),
            java.util.Optional.of(fresh.consumer().clientTls()),
            java.util.Optional.of(fresh.consumer().clientHttp()),
            java.util.Optional.of(fresh.consumer().peer()),
            database,
            tls,
            signing,
            g.registryUrl(),
            g.directoryTrust(),
            g.directoryRefresh(),
            g.directoryGrace(),
            g.directoryCache(),
            g.replayWindow(),
            g.maxBodyBytes(),
            g.limits(),
            g.localSystems(),
            g.revocation(),
            g.ledger(),
            g.monitoring(),
            g.rawPathServices(),
            g.statistics(),
            g.alerts(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            java.util.Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
  }

  @Test
  void registryCommandsTalkToTheAdminApi() {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      String token = dir.resolve("pki/admin.token").toString();
      CommandRun members =
          CommandRun.run(
              "registry", "member", "list", "--url", fed.registryUrl(), "--token-file", token);
      assertThat(members.exit()).as(members.err()).isZero();
      assertThat(members.out()).contains("UBND tỉnh Tây Ninh").contains("Bộ Công an");

      CommandRun add =
          CommandRun.run(
              "registry",
              "member",
              "add",
              "VN/GOV/000.00.00.G22",
              "--name",
              "Văn phòng Chính phủ",
              "--url",
              fed.registryUrl(),
              "--token-file",
              token);
      assertThat(add.exit()).as(add.err()).isZero();

      CommandRun duplicate =
          CommandRun.run(
              "registry",
              "member",
              "add",
              "VN/GOV/000.00.00.G22",
              "--name",
              "again",
              "--url",
              fed.registryUrl(),
              "--token-file",
              token);
      assertThat(duplicate.exit()).isEqualTo(2);
      assertThat(duplicate.err()).contains("resource.conflict");

      CommandRun badCode =
          CommandRun.run(
              "registry",
              "member",
              "add",
              "VN/GOV/01.02.G22",
              "--name",
              "x",
              "--url",
              fed.registryUrl(),
              "--token-file",
              token);
      assertThat(badCode.err()).contains("identifier.invalid").contains("Decision 20/2020");

      CommandRun directory =
          CommandRun.run(
              "registry", "directory", "--url", fed.registryUrl(), "--token-file", token);
      assertThat(directory.out()).contains("3 members, 2 systems, 2 nodes, 1 services, 1 grants");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "serve --help",
        "registry --help",
        "registry member add --help",
        "registry grant add --help",
        "registry grant revoke --help",
        "registry directory --help",
        "ca --help",
        "ca init --help",
        "ca issue --help",
        "ca revoke --help",
        "ca list --help",
        "ca crl --help",
        "ca serve --help",
        "keys --help",
        "keys csr --help",
        "keys store-certificate --help",
        "ledger --help",
        "ledger checkpoint --help",
        "ledger record --help",
        "ledger prove --help",
        "ledger consistency --help",
        "ledger export --help",
        "ledger verify --help",
        "edoc --help",
        "edoc send --help",
        "edoc inbox --help",
        "edoc get --help",
        "edoc status --help",
        "edoc history --help",
        "registry enrolment --help",
        "registry enrolment submit --help",
        "registry enrolment list --help",
        "registry enrolment approve --help",
        "registry enrolment reject --help",
        "ledger archive --help",
        "registry trust-anchor --help",
        "registry trust-anchor add --help",
        "registry trust-anchor list --help",
        "ledger subject --help",
        "registry service schema-check --help",
        "quality --help",
        "quality report --help"
      })
  void everyCommandHasHelp(String args) {
    CommandRun r = CommandRun.run(args.split(" "));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: lgsp");
  }

  @Test
  void serveWithABrokenConfigurationExplainsAndFails() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    java.nio.file.Files.writeString(cfg, "instance: VN\n");
    CommandRun r = CommandRun.run("serve", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("at least one role").doesNotContain("Exception");
  }
}
