package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.gateway.ExchangeProtocol;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;

/**
 * A captured signed request replayed after the provider gateway was killed (SIGKILL, no shutdown
 * hook) and restarted is refused: the replay memory is in the gateway's database, not its heap.
 */
class ReplayAfterKillTest {
  @TempDir Path dir;

  @Test
  void aRequestReplayedAfterKillNineAndRestartIsRefusedAndTheBackendCalledOnce() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(5).withRevocationChecking(false))) {
      String providerTls =
          Certificates.fingerprint(fed.providerNode().tlsCredentials().certificate());
      fed.providerNode().close(); // the provider gateway moves to its own JVM, same file and data
      Path config = fed.workDir().resolve("mps-gateway.yaml");
      Path log = dir.resolve("provider.log");
      int port = fed.ports().provider().peer();
      WebClient stolenTls = fed.peerClientWithConsumerTls(providerTls);
      String citizen = fed.citizenIds().getFirst();
      String messageId = UUID.randomUUID().toString();

      Process first = ServeProcess.start(config, log);
      int firstStatus;
      long lookupsBefore;
      Map<String, String> captured;
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> ServeProcess.accepts(port));
        lookupsBefore = fed.backendLookups();
        // Dated 30 s ahead (the window is 60 s either side), so the copy is still fresh after the
        // restart and only the replay memory can refuse it.
        captured =
            ExchangeProtocol.signRequest(
                fed.consumerSigning().signer(),
                Federation.PORTAL,
                Federation.CITIZENS,
                "GET",
                "/citizens/" + citizen,
                messageId,
                new byte[0],
                System.currentTimeMillis() + 30_000,
                "HS-2026-000123");
        firstStatus = send(fed, stolenTls, captured, citizen).status();
      } finally {
        first.destroyForcibly(); // kill -9
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(firstStatus).as(Files.readString(log)).isEqualTo(200);
      assertThat(fed.backendLookups()).isEqualTo(lookupsBefore + 1);

      Process second = ServeProcess.start(config, log);
      Answer replayed;
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> ServeProcess.accepts(port));
        replayed = send(fed, stolenTls, captured, citizen);
      } finally {
        second.destroyForcibly();
        second.waitFor();
      }

      assertThat(replayed.status()).as(replayed.body()).isEqualTo(409);
      assertThat(replayed.body()).contains("message.replayed");
      assertThat(fed.backendLookups())
          .as("the backend was called once")
          .isEqualTo(lookupsBefore + 1);
      try (Database db =
          Database.open("jdbc:sqlite:" + fed.workDir().resolve("data/mps-gateway.db"))) {
        LedgerReader ledger = LedgerReader.open(db);
        List<LedgerEntry> ours =
            LongStream.range(0, ledger.size())
                .mapToObj(i -> ledger.get(i).orElseThrow())
                .filter(e -> e.record().messageId().equals(messageId))
                .toList();
        assertThat(ours).extracting(e -> e.record().status()).containsExactly(200, 409);
        assertThat(ours.getLast().record().errorCode()).isEqualTo("message.replayed");
      }
    }
  }

  private record Answer(int status, String body) {}

  private static Answer send(
      Federation fed, WebClient client, Map<String, String> headers, String citizen) {
    HttpClientRequest request =
        client.get(
            fed.providerPeerUrl() + "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/" + citizen);
    headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
    try (HttpClientResponse r = request.request()) {
      return new Answer(r.status().code(), r.as(String.class));
    }
  }
}
