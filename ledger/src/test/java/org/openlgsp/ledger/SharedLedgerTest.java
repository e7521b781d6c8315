package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Several instances of one node on one PostgreSQL database (docs/scale-out.md): two {@link Ledger}s
 * with their own connection pools, as two processes have, append concurrently and publish
 * checkpoints; the records keep one dense order, the tree is one RFC 9162 tree over all of them,
 * every checkpoint extends the previous one, and the export verifies.
 */
class SharedLedgerTest {
  private static final NoteKey KEY = NoteKey.generate("lgsp.test/shared", NoteKey.TYPE_ED25519);
  @TempDir Path dir;

  @Test
  void twoInstancesAppendingToOnePostgresqlLedgerKeepOneTotalOrderAndOneTree() throws Exception {
    String schema = TestDatabases.postgresSchema();
    String url = TestDatabases.postgresUrl();
    String shared = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    List<Long> indices = Collections.synchronizedList(new ArrayList<>());
    try (Database dbA = Database.open(shared);
        Database dbB = Database.open(shared);
        Ledger a = Ledger.open(dbA, LedgerOptions.defaults());
        Ledger b = Ledger.open(dbB, LedgerOptions.defaults())) {
      Checkpoints cpA = checkpoints(dbA, a);
      Checkpoints cpB = checkpoints(dbB, b);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        Ledger ledger = t % 2 == 0 ? a : b;
        Checkpoints cps = t % 2 == 0 ? cpA : cpB;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; i < 150; i++) {
                        indices.add(ledger.append(Records.sample("s" + thread + "-" + i)));
                        if (i % 50 == 49) {
                          cps.publish();
                        }
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      cpA.publish();

      assertThat(indices)
          .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 1200).boxed().toList());
      // each instance learns the other's appends: both see the same single tree
      assertThat(a.head()).isEqualTo(b.head());
      assertThat(a.head().size()).isEqualTo(1200);
      List<byte[]> leaves = new ArrayList<>();
      for (LedgerEntry e : a.range(0, 2000)) {
        leaves.add(Merkle.leafHash(e.record().canonical()));
      }
      assertThat(a.head().rootHash()).isEqualTo(NaiveTree.mth(leaves));
      // the checkpoints both instances signed extend each other (no fork, none out of order)
      List<StoredCheckpoint> all = cpB.all();
      assertThat(all).hasSizeGreaterThan(1);
      assertThat(all.getLast().size()).isEqualTo(1200);
      for (int i = 1; i < all.size(); i++) {
        long first = all.get(i - 1).size();
        long second = all.get(i).size();
        assertThat(
                Merkle.verifyConsistency(
                    first,
                    second,
                    all.get(i - 1).checkpoint().rootHash(),
                    all.get(i).checkpoint().rootHash(),
                    b.consistencyProof(first, second)))
            .as("checkpoint %d extends %d", second, first)
            .isTrue();
      }
      Path export = dir.resolve("export");
      LedgerExport.write(dbA, Optional.of(KEY.verifier()), export, s -> {});
      LedgerVerifier.Result verdict =
          LedgerVerifier.verify(export, List.of(KEY.verifier()), List.of(), s -> {});
      assertThat(verdict.problems()).isEmpty();
      assertThat(verdict.sound()).isTrue();
      assertThat(verdict.records()).isEqualTo(1200);
    }
  }

  private static Checkpoints checkpoints(Database db, Ledger ledger) {
    return new Checkpoints(
        db,
        ledger,
        KEY,
        Timestamper.none(),
        CheckpointPolicy.defaults(),
        List.of(),
        Clock.systemUTC());
  }
}
