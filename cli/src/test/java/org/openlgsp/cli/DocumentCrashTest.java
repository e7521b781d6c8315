package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.testkit.Federation;

/**
 * The receiving agency's axis runs in its own JVM ({@code lgsp serve}) and is killed with SIGKILL
 * while documents are being delivered to it; after a restart every document arrives exactly once.
 */
class DocumentCrashTest {
  /** How long a delivery may take, the receiving JVM's start included. */
  private static final Duration DELIVERY = Duration.ofSeconds(60);

  @TempDir Path dir;

  private Process startAxis(Path config, Path log) throws Exception {
    return ServeProcess.start(config, log);
  }

  private static void awaitUp(AxisClient client) {
    await().atMost(DELIVERY).ignoreExceptions().untilAsserted(() -> client.inbox(1));
  }

  @Test
  void receivingNodeKilledMidDeliveryLosesNothing() throws Exception {
    try (Federation fed =
        Federation.start(
            dir,
            Federation.Options.documents().withGovernmentAxisElsewhere().withOut(System.out))) {
      Path config = fed.workDir().resolve("vpcp-axis.yaml");
      File log = dir.resolve("vpcp-axis.log").toFile();
      AxisClient province = new AxisClient(fed.provinceAxisUrl(), fed.provinceToken());
      AxisClient government = new AxisClient(fed.governmentAxisUrl(), fed.governmentToken());
      Process child = startAxis(config, log.toPath());
      try {
        awaitUp(government);
        int total = 40;
        List<String> ids = new ArrayList<>();
        byte[] filler = new byte[48 * 1024];
        for (int i = 0; i < total; i++) {
          DocumentPackage doc =
              Federation.sampleDocument(
                  String.valueOf(5000 + i), List.of(Federation.GOVERNMENT_OFFICE));
          Packages.attach(doc, "phu-luc.pdf", "application/pdf", filler);
          ids.add(doc.documentId());
          province.send(SignedPackages.sign(doc, fed.provinceKey()));
          if (i == 8) {
            await().atMost(DELIVERY).until(() -> !government.inbox(1000).isEmpty());
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor();
          }
        }
        child = startAxis(config, log.toPath());
        awaitUp(government);
        await().atMost(DELIVERY).until(() -> government.inbox(1000).size() >= total);
        // a late duplicate would show up within a second
        await()
            .during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(5))
            .until(() -> government.inbox(1000).size() == total);

        Map<String, Integer> copies = new HashMap<>();
        for (InboxItem item : government.inbox(1000)) {
          copies.merge(item.documentId(), 1, Integer::sum);
        }
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(copies.values()).containsOnly(1);
        System.out.println(
            "crash test: "
                + total
                + " documents sent, receiving node killed with SIGKILL after the 9th send, all"
                + " present exactly once after restart");
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }
    }
  }
}
