package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;

/**
 * {@code lgsp keys rotate-data-key | reencrypt --keyring monitoring} beside a running gateway whose
 * operational records are sealed ({@code gateway.monitoring.encryption}): the records written under
 * the first data key are re-sealed under the new one, the retired key is destroyed, a second pass
 * finds nothing left, and the gateway goes on serving and recording; a documents-only or a
 * gateway-without-encryption file is refused.
 */
class MonitoringKeyCommandsTest {
  @TempDir Path dir;

  @Test
  void monitoringRecordsAreResealedUnderARotatedKeyBesideARunningGateway() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withOperatorApis())) {
      String citizen = fed.citizenIds().getFirst();
      assertThat(fed.lookUpCitizen(citizen, "HS-2026-1").statusCode()).isEqualTo(200);
      String config = dir.resolve("tay-ninh-gateway.yaml").toString();
      // records are written asynchronously: the first one is there before the key changes
      await().atMost(Duration.ofSeconds(20)).until(() -> records() >= 1);

      CommandRun rotated =
          CommandRun.run("keys", "rotate-data-key", "--keyring", "monitoring", "--config", config);
      assertThat(rotated.exit()).as(rotated.err()).isZero();
      assertThat(rotated.out()).contains("is now current").contains("(retired)");
      Matcher retired = Pattern.compile("(\\d+) created \\S+ \\(retired\\)").matcher(rotated.out());
      assertThat(retired.find()).isTrue();

      CommandRun re =
          CommandRun.run(
              "keys",
              "reencrypt",
              "--keyring",
              "monitoring",
              "--config",
              config,
              "--destroy-retired");
      assertThat(re.exit()).as(re.err()).isZero();
      assertThat(re.out())
          .contains("re-encrypted operational record")
          .contains("destroyed data key " + retired.group(1));
      assertThat(itemsIn(re)).isPositive();

      CommandRun again =
          CommandRun.run("keys", "reencrypt", "--keyring", "monitoring", "--config", config);
      assertThat(again.exit()).as(again.err()).isZero();
      assertThat(itemsIn(again)).as("nothing is left under a retired key").isZero();

      // the running gateway seals with the new key and still answers
      assertThat(fed.lookUpCitizen(citizen, "HS-2026-2").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aFileWithoutMonitoringEncryptionOrWithoutAGatewayIsRefused() throws Exception {
    Path documentsOnly = DataKeyCommandsTest.nodeFile(dir);
    CommandRun noGateway =
        CommandRun.run(
            "keys",
            "rotate-data-key",
            "--keyring",
            "monitoring",
            "--config",
            documentsOnly.toString());
    assertThat(noGateway.exit()).isNotZero();
    assertThat(noGateway.err()).contains("runs no gateway role").doesNotContain("Exception");

    CommandRun unknown =
        CommandRun.run(
            "keys", "rotate-data-key", "--keyring", "ledger", "--config", documentsOnly.toString());
    assertThat(unknown.exit()).isNotZero();
    assertThat(unknown.err()).contains("documents").contains("monitoring");
  }

  /** The consumer gateway's operational records, counted in its observer database. */
  private long records() {
    try (Database db =
            Database.open("jdbc:sqlite:" + dir.resolve("data/tay-ninh-gateway-observers.db"));
        Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM opmon_record")) {
      r.next();
      return r.getLong(1);
    } catch (Exception e) {
      return 0;
    }
  }

  private static int itemsIn(CommandRun run) {
    Matcher m = Pattern.compile("(\\d+) items re-encrypted").matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
