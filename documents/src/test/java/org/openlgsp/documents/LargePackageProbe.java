package org.openlgsp.documents;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.openlgsp.storage.Database;

/**
 * Run in a child JVM with a small heap: signs the unsigned package file given as argument by
 * streaming (as a sender would), then accepts it the way the axis does (spool, stream-verify, check
 * the signer, validate, store), fetches it back, prints the peak heap.
 */
public final class LargePackageProbe {
  private LargePackageProbe() {}

  public static void main(String[] args) throws Exception {
    Path unsigned = Path.of(args[0]);
    Path data = Path.of(args[1]);
    Path file = data.resolve("signed.edxml");
    java.nio.file.Files.createDirectories(data);
    XmlSignatures.signStreaming(unsigned, file, TestKeys.ec(TestKeys.PROVINCE.value()));
    try (Database db = Database.sqlite(data.resolve("axis.db"));
        DocumentAxis axis =
            new DocumentAxis(
                db,
                AxisOptions.defaults(data.resolve("axis")),
                TestKeys.trust().requiringSenderMatch(true),
                Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
                RemoteDelivery.NONE,
                Clock.systemUTC());
        InputStream in = Files.newInputStream(file)) {
      Receipt r = axis.submit(TestKeys.PROVINCE, in);
      InboxItem item = axis.inbox(TestKeys.DEPARTMENT, 10).get(0);
      long stored = axis.fetch(TestKeys.DEPARTMENT, item.deliveryId()).size();
      long peak = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peak += p.getPeakUsage().getUsed();
        }
      }
      System.out.printf(
          "ACCEPTED %s unsigned=%d size=%d stored=%d peakHeapMiB=%d maxHeapMiB=%d%n",
          r.documentId(),
          Files.size(unsigned),
          item.size(),
          stored,
          peak >> 20,
          Runtime.getRuntime().maxMemory() >> 20);
    }
  }
}
