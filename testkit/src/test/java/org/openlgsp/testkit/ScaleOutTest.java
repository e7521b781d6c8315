package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.gateway.ExchangeProtocol;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.Side;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * Scale-out on one PostgreSQL database (docs/scale-out.md): the provider gateway node runs as three
 * processes (same node, same keys, own ports) behind Debian's HAProxy in TCP mode (mutual TLS
 * passes through), at the address the directory names for the node. The consumer drives load from
 * several threads; one instance is killed with SIGKILL mid-load. Every exchange answered 200 is in
 * both ledgers exactly once, the backend saw each message id at most once, the provider's single
 * ledger verifies (and extends the checkpoint signed before the kill), HAProxy sends later calls to
 * the survivors, and a message one instance accepted is refused by another.
 */
class ScaleOutTest {
  private static final int INSTANCES = 3;
  private static final int EXCHANGES = 240;
  private static final int THREADS = 6;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private record Answer(String messageId, int status) {}

  @Test
  @RequiresPeer({Peer.POSTGRES, Peer.HAPROXY})
  void threeInstancesBehindHaproxyOneKilledMidLoadLoseNothingAcknowledgedAndKeepOneLedger()
      throws Exception {
    String schema = TestDatabases.postgresSchema();
    String url = TestDatabases.postgresUrl();
    String database = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    long t0 = System.nanoTime();
    try (Federation f = Federation.start(dir, Federation.Options.exchange(20))) {
      phase(t0, "federation started");
      String providerTls =
          Certificates.fingerprint(f.providerNode().tlsCredentials().chain().getFirst());
      NodeConfig.GatewayRole role =
          NodeConfig.read(dir.resolve("mps-gateway.yaml")).gateway().orElseThrow();
      // the provider node leaves the test's JVM; HAProxy takes its address in the directory
      try (ProviderInstances cluster =
          ProviderInstances.start(
              f,
              database,
              INSTANCES,
              WAIT,
              List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))) {
        try {
          phase(t0, INSTANCES + " provider instances ready behind HAProxy");
          exerciseAndCheck(f, cluster, database, providerTls, role, t0);
        } catch (Throwable t) {
          System.out.println(cluster.logs());
          throw t;
        }
      }
    }
  }

  private void exerciseAndCheck(
      Federation f,
      ProviderInstances cluster,
      String database,
      String providerTls,
      NodeConfig.GatewayRole role,
      long t0)
      throws Exception {
    List<ProviderInstances.Instance> instances = cluster.instances();
    String token = f.portalToken();
    String citizen = f.citizenIds().getFirst();
    WebClient client = WebClient.builder().followRedirects(false).build();
    List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    ExecutorService load = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      work.add(
          load.submit(
              () -> {
                for (int i = 0; i < EXCHANGES / THREADS; i++) {
                  answers.add(call(client, f, token, citizen));
                  done.incrementAndGet();
                }
              }));
    }
    // a checkpoint signed before the kill, which the ledger after it must extend
    await().atMost(WAIT).until(() -> done.get() >= EXCHANGES / 4);
    Optional<SignedNote> before = Optional.empty();
    await().atMost(WAIT).until(() -> latestCheckpoint(database).isPresent());
    before = latestCheckpoint(database);
    cluster.kill(1); // SIGKILL, mid-load
    phase(t0, "instance 2 killed after " + done.get() + " exchanges");
    load.shutdown();
    assertThat(load.awaitTermination(120, TimeUnit.SECONDS)).as("load finished").isTrue();
    for (Future<?> w : work) {
      w.get();
    }

    // HAProxy moved traffic to the survivors: every later call succeeds
    for (int i = 0; i < 20; i++) {
      Answer later = call(client, f, token, citizen);
      assertThat(later.status()).as("call %d after the kill", i).isEqualTo(200);
      answers.add(later);
    }

    List<String> acknowledged =
        answers.stream().filter(a -> a.status() == 200).map(Answer::messageId).toList();
    phase(
        t0,
        "load done: "
            + acknowledged.size()
            + " of "
            + answers.size()
            + " answered 200, the others "
            + answers.stream().filter(a -> a.status() != 200).map(Answer::status).toList());
    assertThat(acknowledged).hasSizeGreaterThan(EXCHANGES / 2);
    Map<String, Integer> backend = f.backendMessageIds();
    try (Database db = Database.open(database)) {
      LedgerReader provider = LedgerReader.open(db);
      for (String id : acknowledged) {
        assertThat(f.consumerNode().ledger().byMessageId(id))
            .as("consumer ledger, message %s", id)
            .singleElement()
            .extracting(e -> e.record().side())
            .isEqualTo(Side.CONSUMER);
        assertThat(provider.byMessageId(id))
            .as("provider ledger, message %s", id)
            .singleElement()
            .extracting(e -> e.record().status())
            .isEqualTo(200);
        assertThat(backend.get(id)).as("backend saw message %s", id).isEqualTo(1);
      }
      assertThat(backend.values()).allMatch(n -> n == 1);
      // no message twice in the provider's ledger, acknowledged or not
      long distinct =
          Sql.read(
              db,
              h ->
                  h.createQuery("SELECT COUNT(DISTINCT message_id) FROM ledger_record")
                      .mapTo(Long.class)
                      .one());
      assertThat(provider.size()).isEqualTo(distinct);

      // a message one instance accepted is refused by another (the shared replay memory)
      WebClient peer = f.peerClientWithConsumerTls(providerTls);
      Map<String, String> signed =
          ExchangeProtocol.signRequest(
              f.consumerSigning().signer(),
              f.portal(),
              f.citizensService(),
              "GET",
              "/citizens/" + citizen,
              UUID.randomUUID().toString(),
              new byte[0],
              System.currentTimeMillis(),
              "HS-2026-000123");
      assertThat(send(peer, instances.get(0).peerPort(), f, citizen, signed)).isEqualTo(200);
      assertThat(send(peer, instances.get(2).peerPort(), f, citizen, signed)).isEqualTo(409);
    }

    // survivors stop cleanly (each signs a last checkpoint); the single ledger verifies
    assertThat(cluster.stop(0)).isTrue();
    assertThat(cluster.stop(2)).isTrue();
    NoteVerifier key = LedgerFiles.checkpointKey(dir, role.ledger(), f.providerNodeId()).verifier();
    Path export = dir.resolve("provider-export");
    try (Database db = Database.open(database);
        LedgerSource source =
            LedgerSource.local(db, key, LedgerFiles.subjectHasher(dir, role.ledger()))) {
      source.export(export, s -> {});
    }
    LedgerVerifier.Result verdict =
        LedgerVerifier.verify(export, List.of(key), List.of(before.orElseThrow()), s -> {});
    assertThat(verdict.problems()).isEmpty();
    assertThat(verdict.sound()).isTrue();
    assertThat(verdict.checkpoints()).isGreaterThanOrEqualTo(2);
    phase(t0, "ledger of " + verdict.records() + " records verified");
  }

  private static void phase(long start, String what) {
    System.out.printf("[scale-out] %5.1f s  %s%n", (System.nanoTime() - start) / 1e9, what);
  }

  /** The portal looks a citizen up through the consumer gateway with a message id of its own. */
  private static Answer call(WebClient client, Federation f, String token, String citizen) {
    String id = UUID.randomUUID().toString();
    try (HttpClientResponse r =
        client
            .get(
                f.consumerHttpUrl()
                    + "/r1/"
                    + f.citizensService().encoded()
                    + "/citizens/"
                    + citizen)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .header(HeaderNames.create("X-Road-Client"), f.portal().toString())
            .header(HeaderNames.create("X-Road-UserId"), "VN072090000001")
            .header(HeaderNames.create("X-Road-Issue"), "HS-2026-000123")
            .header(HeaderNames.create("X-Road-Id"), id)
            .request()) {
      r.as(byte[].class);
      return new Answer(id, r.status().code());
    } catch (RuntimeException e) {
      return new Answer(id, -1); // no answer: not acknowledged
    }
  }

  private static int send(
      WebClient peer, int port, Federation f, String citizen, Map<String, String> headers) {
    HttpClientRequest request =
        peer.get(
            "https://127.0.0.1:"
                + port
                + "/r1/"
                + f.citizensService().encoded()
                + "/citizens/"
                + citizen);
    headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
    try (HttpClientResponse r = request.request()) {
      r.as(byte[].class);
      return r.status().code();
    }
  }

  private static Optional<SignedNote> latestCheckpoint(String database) {
    try (Database db = Database.open(database)) {
      return Sql.read(
          db,
          h ->
              h.createQuery("SELECT note FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1")
                  .mapTo(String.class)
                  .findOne()
                  .map(SignedNote::parse));
    }
  }
}
