package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.Database;

/**
 * After a real exchange between two gateways whose operational records are sealed at rest ({@code
 * gateway.monitoring.encryption}, as the federation configures them with its operator APIs): both
 * observer databases and their WAL files, read raw, hold neither the citizen's personal ID (in the
 * REST path) nor the officer's user id nor the case file (issue), while the records are there.
 */
class MonitoringAtRestExchangeTest {
  static final String ISSUE = "HS-2026-004711";
  static final String USER_ID = "VN072090000001"; // the portal's officer, Federation.call

  @TempDir Path dir;

  @Test
  void afterAnExchangeTheObserverDatabasesHoldNoPersonalIdUserIdOrIssue() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withOperatorApis())) {
      String citizen = fed.citizenIds().getFirst();
      Federation.Reply served = fed.lookUpCitizen(citizen, ISSUE);
      assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
      List<Path> observers = observerDatabases();
      assertThat(observers).hasSize(2);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> observers.stream().allMatch(f -> records(f) >= 1));
      String raw = raw();
      assertThat(raw).as("the records are there, sealed").contains("enc1:");
      assertThat(raw).doesNotContain(citizen).doesNotContain(USER_ID).doesNotContain(ISSUE);
    }
    assertThat(raw()).doesNotContain(USER_ID).doesNotContain(ISSUE);
  }

  private List<Path> observerDatabases() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("data"))) {
      return s.filter(f -> f.getFileName().toString().endsWith("-observers.db")).toList();
    }
  }

  /** The observer databases and their WAL, as they are on disk, as text. */
  private String raw() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> s = Files.list(dir.resolve("data"))) {
      for (Path f : s.filter(f -> f.getFileName().toString().contains("-observers.db")).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  private static long records(Path file) {
    try (Database db = Database.open("jdbc:sqlite:" + file);
        Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM opmon_record")) {
      r.next();
      return r.getLong(1);
    } catch (Exception e) {
      return 0;
    }
  }
}
