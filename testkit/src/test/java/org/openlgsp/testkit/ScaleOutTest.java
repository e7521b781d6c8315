package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  private record Instance(int peerPort, Path log, Process process) {}

  private record Answer(String messageId, int status) {}

  @Test
  @RequiresPeer({Peer.POSTGRES, Peer.HAPROXY})
  void threeInstancesBehindHaproxyOneKilledMidLoadLoseNothingAcknowledgedAndKeepOneLedger()
      throws Exception {
    String schema = TestDatabases.postgresSchema();
    String url = TestDatabases.postgresUrl();
    String database = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    List<Instance> instances = new ArrayList<>();
    Process haproxy = null;
    try (Federation f = Federation.start(dir, Federation.Options.exchange(20))) {
      String providerTls =
          Certificates.fingerprint(f.providerNode().tlsCredentials().chain().getFirst());
      // the provider node leaves the test's JVM; its directory address becomes HAProxy's
      int balanced = f.ports().provider().peer();
      f.providerNode().close();
      Path yaml = dir.resolve("mps-gateway.yaml");
      NodeConfig.GatewayRole role = NodeConfig.read(yaml).gateway().orElseThrow();
      // the first instance migrates the shared schema; the others start on it together
      instances.add(startInstance(yaml, 1, database));
      awaitReady(instances.getFirst());
      for (int i = 2; i <= INSTANCES; i++) {
        instances.add(startInstance(yaml, i, database));
      }
      for (Instance in : instances) {
        awaitReady(in);
      }
      haproxy = startHaproxy(balanced, instances);
      awaitPort(balanced);

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
      Instance victim = instances.get(1);
      victim.process().destroyForcibly(); // SIGKILL, mid-load
      victim.process().waitFor(10, TimeUnit.SECONDS);
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
      for (Instance in : List.of(instances.get(0), instances.get(2))) {
        in.process().destroy();
        assertThat(in.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      NoteVerifier key =
          LedgerFiles.checkpointKey(dir, role.ledger(), f.providerNodeId()).verifier();
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
    } catch (Throwable t) {
      for (Instance in : instances) {
        System.out.println("--- instance on " + in.peerPort() + "\n" + tail(in.log()));
      }
      throw t;
    } finally {
      for (Instance in : instances) {
        in.process().destroyForcibly();
      }
      if (haproxy != null) {
        haproxy.destroy();
        haproxy.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Instance {@code i}: the provider's configuration with its own ports, on the shared database.
   */
  private Instance startInstance(Path yaml, int i, String database) throws IOException {
    ObjectNode tree = (ObjectNode) YAML.readTree(yaml.toFile());
    ObjectNode gateway = (ObjectNode) tree.get("gateway");
    int peer = Federation.free();
    gateway.put("peerPort", peer);
    gateway.put("clientTlsPort", Federation.free());
    gateway.put("database", database);
    // operational records and statistics: per instance (they are not the ledger)
    gateway.put("observerDatabase", "jdbc:sqlite:data/mps-gateway-" + i + "-observers.db");
    ObjectNode ledger = (ObjectNode) gateway.get("ledger");
    ledger.put("checkpointInterval", "PT1S");
    Path config = dir.resolve("mps-gateway-" + i + ".yaml");
    YAML.writeValue(config.toFile(), tree);
    Path log = dir.resolve("mps-gateway-" + i + ".log");
    Process p =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                GatewayInstanceMain.class.getName(),
                config.toString(),
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new Instance(peer, log, p);
  }

  /** HAProxy in TCP mode on {@code port}, balancing the instances, health-checked every 200 ms. */
  private Process startHaproxy(int port, List<Instance> instances) throws IOException {
    StringBuilder cfg = new StringBuilder();
    cfg.append("global\n  maxconn 1000\n  pidfile ")
        .append(dir.resolve("haproxy.pid"))
        .append("\ndefaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n")
        .append("  timeout server 60s\n  retries 2\n  option redispatch\n")
        .append("frontend gateway\n  bind 127.0.0.1:")
        .append(port)
        .append("\n  default_backend instances\nbackend instances\n  balance roundrobin\n")
        .append("  default-server inter 200ms fall 2 rise 2\n");
    for (int i = 0; i < instances.size(); i++) {
      cfg.append("  server i")
          .append(i + 1)
          .append(" 127.0.0.1:")
          .append(instances.get(i).peerPort())
          .append(" check\n");
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg);
    return new ProcessBuilder("haproxy", "-db", "-f", file.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()))
        .start();
  }

  private static void awaitReady(Instance in) throws IOException {
    await()
        .atMost(WAIT)
        .until(() -> Files.readString(in.log()).contains("READY") || !in.process().isAlive());
    assertThat(in.process().isAlive()).as(tail(in.log())).isTrue();
  }

  private static void awaitPort(int port) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
              }
            });
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

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
