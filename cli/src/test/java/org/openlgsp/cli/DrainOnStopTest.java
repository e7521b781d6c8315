package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;

/**
 * SIGTERM drains: the consumer gateway runs in its own JVM ({@code lgsp serve}); while an exchange
 * waits on a slow backend it gets SIGTERM, refuses new connections at once, still answers the
 * exchange, records it in its ledger and exits 0.
 */
class DrainOnStopTest {
  private static final Duration BACKEND_DELAY = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void sigtermFinishesTheExchangeInFlightRecordsItRefusesNewConnectionsAndExitsZero()
      throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(5).withRevocationChecking(false))) {
      fed.consumerNode().close(); // the consumer gateway moves to its own JVM, same file and data
      long recordsBefore = fed.consumerNode().ledger().size();
      Path config = fed.workDir().resolve("tay-ninh-gateway.yaml");
      Files.writeString(config, Files.readString(config) + "shutdown: {drainTimeout: PT30S}\n");
      Path log = dir.resolve("consumer.log");
      Process child = ServeProcess.start(config, log);
      try {
        int port = fed.ports().consumer().clientHttp();
        await().atMost(Duration.ofSeconds(60)).until(() -> ServeProcess.accepts(port));
        fed.delayBackend(BACKEND_DELAY);
        String citizen = fed.citizenIds().getFirst();
        CompletableFuture<Federation.Reply> exchange =
            CompletableFuture.supplyAsync(() -> fed.lookUpCitizen(citizen, "HS-2026-001"));
        awaitAtBackend(fed, exchange);

        child.destroy(); // SIGTERM

        await().atMost(Duration.ofSeconds(3)).until(() -> !ServeProcess.accepts(port));
        assertThat(exchange).as("still in flight when new connections are refused").isNotDone();
        Federation.Reply reply = exchange.get(30, TimeUnit.SECONDS);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("stopping: refusing new connections");

        try (Database db =
            Database.open("jdbc:sqlite:" + fed.workDir().resolve("data/tay-ninh-gateway.db"))) {
          LedgerReader ledger = LedgerReader.open(db);
          assertThat(ledger.size()).isEqualTo(recordsBefore + 1);
          LedgerEntry last = ledger.get(recordsBefore).orElseThrow();
          assertThat(last.record().status()).isEqualTo(200);
          assertThat(last.record().path()).doesNotContain(citizen);
        }
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }
    }
  }

  @Test
  void anExchangeLongerThanTheDrainTimeoutIsCutOffAndTheNodeStillStops() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(5).withRevocationChecking(false))) {
      fed.consumerNode().close();
      Path config = fed.workDir().resolve("tay-ninh-gateway.yaml");
      Files.writeString(config, Files.readString(config) + "shutdown: {drainTimeout: PT1S}\n");
      List<AutoCloseable> running =
          NodeRoles.start(NodeConfig.read(config), fed.workDir(), System.out);
      fed.delayBackend(Duration.ofSeconds(10));
      CompletableFuture<Federation.Reply> exchange =
          CompletableFuture.supplyAsync(
              () -> fed.lookUpCitizen(fed.citizenIds().getFirst(), "HS-2026-001"));
      awaitAtBackend(fed, exchange);

      long start = System.nanoTime();
      NodeRoles.closeAll(running);
      Duration stopping = Duration.ofNanos(System.nanoTime() - start);

      assertThat(stopping).isLessThan(Duration.ofSeconds(6)); // 1 s drain, not the 10 s backend
      assertThat(exchange)
          .failsWithin(Duration.ofSeconds(15))
          .withThrowableThat()
          .as("the connection was closed under the exchange");
    }
  }

  /** Until the exchange waits on the backend; fails with the answer when it came back instead. */
  private static void awaitAtBackend(Federation fed, CompletableFuture<Federation.Reply> exchange)
      throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> exchange.isDone() || fed.backendLookupsInProgress() == 1);
    if (exchange.isDone()) {
      throw new AssertionError("the exchange did not wait on the backend: " + exchange.get());
    }
  }
}
