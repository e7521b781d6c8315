package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.KeyedHash;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;

/**
 * The tracker's merge and deadline against real listeners: a gateway that answers, one that accepts
 * the connection and never answers (named NOT_ANSWERED once the deadline has passed, not waited
 * for), one with a wrong token (NOT_ANSWERED with the refusal's code) and a directory node the
 * tracker has no entry for (NOT_CONFIGURED). The report then verifies offline with the answering
 * gateway's key.
 */
class CitizenTrackerTest {
  private static final String CITIZEN = "079090001234";
  private static final NoteKey KEY =
      NoteKey.generate("VN/GOV/000.00.00.G01/gw1", NoteKey.TYPE_ED25519);

  @TempDir Path dir;

  @Test
  void aSilentGatewayIsNamedAfterTheDeadlineAndAnUnconfiguredOneIsNamedToo() throws Exception {
    SubjectHasher hasher = new SubjectHasher(SubjectHasher.newSecret());
    try (Database db = Database.sqlite(dir.resolve("g.db"));
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
        ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      ledger.append(Records.withSubject(Records.sample("m-0"), hasher.hash(CITIZEN)));
      ledger.append(Records.sample("m-1"));
      new Checkpoints(
              db,
              ledger,
              KEY,
              Timestamper.none(),
              CheckpointPolicy.defaults(),
              List.of(),
              Clock.systemUTC())
          .publish();
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      List<Socket> held = new java.util.ArrayList<>();
                      while (!Thread.currentThread().isInterrupted()) {
                        held.add(silent.accept()); // accepted, never answered
                      }
                    } catch (java.io.IOException closed) {
                      // the test is over
                    }
                  });
      try (LedgerHttp api =
          LedgerHttp.builder(
                  LedgerReader.open(db),
                  KEY.verifier(),
                  new SubjectAccess(LedgerReader.open(db), hasher, id -> "UBND tỉnh Tây Ninh"))
              .auditorToken(BearerTokens.hash("auditor"))
              .trackerToken(BearerTokens.hash("tracker"))
              .auditLog(DatabaseAuditLog.open(db))
              .start("127.0.0.1", 0)) {
        String answering = "http://127.0.0.1:" + api.port();
        CitizenTracker tracker =
            new CitizenTracker(
                List.of(
                    new CitizenTracker.Gateway("VN/GOV/000.00.00.G01/gw1", answering, "tracker"),
                    new CitizenTracker.Gateway(
                        "VN/GOV/000.00.00.H53/gw1",
                        "http://127.0.0.1:" + silent.getLocalPort(),
                        "tracker"),
                    new CitizenTracker.Gateway("VN/GOV/000.00.00.G12/gw1", answering, "wrong")),
                () ->
                    java.util.stream.Stream.of(
                            "VN/GOV/000.00.00.G01/gw1",
                            "VN/GOV/000.00.00.H53/gw1",
                            "VN/GOV/000.00.00.G16/gw1")
                        .map(
                            n ->
                                new org.openlgsp.core.Directory.Node(
                                    org.openlgsp.core.NodeId.parse(n),
                                    "https://127.0.0.1:1",
                                    List.of()))
                        .toList(),
                java.util.Optional.of("tracker"),
                Duration.ofSeconds(2),
                new KeyedHash(KeyedHash.newSecret()),
                Clock.systemUTC(),
                java.util.Optional.empty(),
                id -> List.of(),
                target -> List.of());
        // a first look-up loads the HTTP client's classes (seconds on a loaded machine), so the
        // timed one below measures the deadline, not the client's cold start
        tracker.lookup(new CitizenTracker.Lookup(CITIZEN, "1.001234:HS-0"), "portal");
        long start = System.nanoTime();
        TrackerReport report =
            tracker.lookup(new CitizenTracker.Lookup(CITIZEN, "1.001234:HS-1"), "portal");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(5));
        assertThat(report.complete()).isFalse();
        assertThat(report.gateways())
            .extracting(g -> g.node() + " " + g.status() + " " + g.reason())
            .containsExactly(
                "VN/GOV/000.00.00.G01/gw1 ANSWERED ",
                "VN/GOV/000.00.00.H53/gw1 NOT_ANSWERED no answer within PT2S",
                "VN/GOV/000.00.00.G12/gw1 NOT_ANSWERED admin.unauthenticated",
                "VN/GOV/000.00.00.G16/gw1 NOT_CONFIGURED the tracker has no address or credential"
                    + " for this gateway");
        assertThat(report.accesses()).hasSize(1);
        assertThat(report.accesses().get(0).access().agency()).isEqualTo("UBND tỉnh Tây Ninh");

        TrackerReportVerifier.Result r =
            new TrackerReportVerifier(List.of(KEY.verifier())).verify(report);
        assertThat(r.sound()).as(r.problems().toString()).isTrue();
        assertThat(r.verifiedEntries()).isEqualTo(1);
        assertThat(r.warnings()).hasSize(3);
        assertThat(new TrackerReportVerifier(List.of()).verify(report).sound()).isFalse();
      } finally {
        silent.close();
        acceptor.interrupt();
      }
    }
  }
}
