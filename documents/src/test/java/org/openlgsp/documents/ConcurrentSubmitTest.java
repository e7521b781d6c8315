package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** Many senders at once, duplicates among them: every package is accepted exactly once. */
class ConcurrentSubmitTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void concurrentSendersAndDuplicatesAreAllAnsweredCorrectly(String kind) throws Exception {
    SigningKey key = TestKeys.ec("UBND");
    List<byte[]> packages = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      packages.add(DocumentAxisTest.signed(TestKeys.document("c" + i), key));
    }
    try (Database db = TestDatabases.open(kind, dir);
        DocumentAxis axis =
            new DocumentAxis(
                    db,
                    AxisOptions.defaults(dir.resolve("axis")),
                    TestKeys.trust(),
                    Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
                    RemoteDelivery.NONE,
                    Clock.systemUTC())
                .start();
        ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<Receipt>> results = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (byte[] p : packages) {
          results.add(
              pool.submit(() -> axis.submit(TestKeys.PROVINCE, new ByteArrayInputStream(p))));
        }
      }
      List<Receipt> receipts = new ArrayList<>();
      for (Future<Receipt> f : results) {
        receipts.add(f.get());
      }

      assertThat(receipts.stream().filter(r -> !r.duplicate())).hasSize(40);
      assertThat(receipts.stream().map(Receipt::packageId).distinct()).hasSize(40);
      assertThat(axis.inbox(TestKeys.DEPARTMENT, 1000)).hasSize(40);
    }
  }
}
