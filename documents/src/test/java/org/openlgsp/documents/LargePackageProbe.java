package org.openlgsp.documents;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.Database;

/**
 * Run in a child JVM with a small heap: accepts the package file given as argument the way the axis
 * does (spool, stream-verify, check the signer against the CA in the third argument, validate,
 * store), fetches it back, prints the peak heap.
 */
public final class LargePackageProbe {
  private LargePackageProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Path data = Path.of(args[1]);
    try (Database db = Database.sqlite(data.resolve("axis.db"));
        DocumentAxis axis =
            new DocumentAxis(
                db,
                AxisOptions.defaults(data.resolve("axis")),
                SignerTrust.anchoredAt(
                    Pem.certificates(Files.readString(Path.of(args[2]))), Clock.systemUTC()),
                Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
                RemoteDelivery.NONE,
                Clock.systemUTC());
        InputStream in = Files.newInputStream(file)) {
      Receipt r = axis.submit(TestKeys.PROVINCE, in);
      InboxItem item = axis.inbox(TestKeys.DEPARTMENT, 10).get(0);
      long stored = Files.size(axis.fetch(TestKeys.DEPARTMENT, item.deliveryId()));
      long peak = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peak += p.getPeakUsage().getUsed();
        }
      }
      System.out.printf(
          "ACCEPTED %s size=%d stored=%d peakHeapMiB=%d maxHeapMiB=%d%n",
          r.documentId(), item.size(), stored, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }
  }
}
