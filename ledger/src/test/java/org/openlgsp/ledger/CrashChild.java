package org.openlgsp.ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;

/**
 * Run in a child JVM by {@link CrashTest}: appends as fast as it can from many threads, publishing
 * checkpoints, and prints {@code ACK <index> <messageId>} for each acknowledged append until
 * killed.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Database db = Database.sqlite(Path.of(args[0]));
    NoteKey key = NoteKey.parse(args[1]);
    Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
    new Checkpoints(
            db,
            ledger,
            key,
            Timestamper.none(),
            new CheckpointPolicy(Duration.ofMillis(100), 2000),
            List.of(),
            Clock.systemUTC())
        .start();
    System.out.println("READY");
    List<Thread> appenders = new java.util.ArrayList<>();
    for (int t = 0; t < 32; t++) {
      int thread = t;
      appenders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (long i = 0; ; i++) {
                      String id = "crash-" + thread + "-" + i;
                      long idx = ledger.append(Records.sample(id));
                      System.out.println("ACK " + idx + " " + id);
                    }
                  }));
    }
    // The appenders never finish: this keeps the JVM alive until the test kills it.
    for (Thread appender : appenders) {
      appender.join();
    }
  }
}
