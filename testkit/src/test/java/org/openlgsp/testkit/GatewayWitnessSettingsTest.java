package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.ledger.WitnessHttp;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.ledger.witnessFor} reaches the running provider gateway: with its ledger API on
 * and without the key it serves no witness routes (404); with Tây Ninh's checkpoint key listed it
 * cosigns Tây Ninh's checkpoints on that port, with a key it publishes at {@code
 * /ledger/v1/witness/vkey}.
 */
class GatewayWitnessSettingsTest {
  @TempDir Path dir;

  @Test
  void witnessForMakesTheLedgerApiCosignTheListedLogsCheckpoints() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      Federation.Reply r = fed.lookUpCitizen(fed.citizenIds().getFirst(), "HS-2026-000123");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      StoredCheckpoint tayNinh = fed.consumerNode().checkpoints().publish();
      NoteVerifier tayNinhKey =
          LedgerFiles.checkpointKey(
                  dir,
                  NodeConfig.read(dir.resolve("tay-ninh-gateway.yaml"))
                      .gateway()
                      .orElseThrow()
                      .ledger(),
                  Federation.TN_NODE)
              .verifier();

      Path file = dir.resolve("mps-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).contains("\n    witnessFor: []\n");
      int port = freePort();
      String api =
          "\n    apiPort: "
              + port
              + "\n    auditorTokenSha256: "
              + Federation.sha256Hex("auditor")
              + "\n";
      String url = "http://127.0.0.1:" + port;
      fed.providerNode().close();

      Files.writeString(file, written.replace("\n    witnessFor: []\n", api));
      try (GatewayNode provider = start(file)) {
        assertThat(status(url + "/ledger/v1/witness/vkey")).isEqualTo(404);
        assertThat(status(url + "/ledger/v1/vkey", "Bearer auditor")) // the API itself is up
            .isEqualTo(200);
      }

      Files.writeString(
          file,
          written.replace(
              "\n    witnessFor: []\n", api + "    witnessFor: [\"" + tayNinhKey + "\"]\n"));
      try (GatewayNode provider = start(file)) {
        NoteVerifier witness =
            NoteVerifier.parse(RegistryWitnessTest.get(url + "/ledger/v1/witness/vkey").strip());
        SignedNote.Line line = WitnessHttp.client("mps", url).cosign(0, List.of(), tayNinh.note());
        SignedNote cosigned = tayNinh.note().with(line);
        assertThat(cosigned.verifiedBy(witness)).isTrue();
        assertThat(cosigned.verifiedBy(tayNinhKey)).isTrue();
      }
    }
  }

  private GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private static int status(String url, String... authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (authorization.length > 0) {
      b.header("Authorization", authorization[0]);
    }
    return HttpClient.newHttpClient()
        .send(b.build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
