package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.storage.Database;

/**
 * {@code gateway.observerDatabase}: where the operational records, statistics and alerts of a
 * running gateway are written; on SQLite by default a file of their own beside the gateway's, so
 * that their commits stay off the ledger's write lock.
 */
class ObserverDatabaseSettingsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final MonitoringSettingsTest monitoring = new MonitoringSettingsTest();

  /** A gateway on {@code data/gw.db} with the monitoring API open, plus {@code lines}. */
  Path config(String lines) throws Exception {
    Files.deleteIfExists(dir.resolve("node.yaml"));
    return GatewayNodeSettingsTest.config(
        dir,
        ca,
        "  clientTlsPort: 0\n  peerPort: 0\n  monitoring: {"
            + MonitoringSettingsTest.API
            + "}\n"
            + lines);
  }

  GatewayNode start(Path file) {
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(),
        dir,
        Clock.systemUTC(),
        new SimpleMeterRegistry());
  }

  static boolean hasTable(Path file, String table) throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + file);
        Connection c = db.connection();
        ResultSet tables = c.getMetaData().getTables(null, null, table, null)) {
      return tables.next();
    }
  }

  static long rows(Path file, String table, String where) throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + file);
        Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Two observations handed to the node's observers, and the query API read once (audited). */
  void observeTwiceAndReadThem(GatewayNode node) throws Exception {
    MonitoringSettingsTest.feed(node, MonitoringSettingsTest.observed(Instant.now()));
    MonitoringSettingsTest.feed(node, MonitoringSettingsTest.observed(Instant.now()));
    await().atMost(Duration.ofSeconds(10)).until(() -> monitoring.records(node) == 2);
  }

  static HealthCheck.Result check(GatewayNode node, String name) {
    return node.healthChecks().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow()
        .run();
  }

  static List<String> checks(GatewayNode node) {
    return node.healthChecks().stream().map(HealthCheck::name).toList();
  }

  @Test
  void byDefaultOnSqliteTheObserversWriteToAFileBesideTheGatewaysAndNothingToIt() throws Exception {
    Path file = config("");
    assertThat(NodeConfig.read(file).gateway().orElseThrow().observerDatabaseUrl())
        .isEqualTo("jdbc:sqlite:data/gw-observers.db");
    try (GatewayNode node = start(file)) {
      observeTwiceAndReadThem(node);
      assertThat(checks(node)).contains("gateway.database", "gateway.observers.database");
      assertThat(check(node, "gateway.observers.database").ok()).isTrue();
      assertThat(check(node, "gateway.database").ok()).isTrue();
    }
    Path gateway = dir.resolve("data/gw.db");
    Path observers = dir.resolve("data/gw-observers.db");
    assertThat(rows(observers, "opmon_record", "1 = 1")).isEqualTo(2);
    for (String table : List.of("opmon_record", "stats_hour", "alert")) {
      assertThat(hasTable(observers, table)).as(table).isTrue();
      assertThat(hasTable(gateway, table)).as(table).isFalse();
    }
    // the ledger stays in the gateway's file, and so does the audit of the records read
    assertThat(hasTable(gateway, "ledger_record")).isTrue();
    assertThat(hasTable(observers, "ledger_record")).isFalse();
    assertThat(rows(gateway, "edge_audit", "action = 'monitoring.records.read'")).isPositive();
    assertThat(hasTable(observers, "edge_audit")).isFalse();
  }

  @Test
  void observerDatabaseNamesTheFileTheRecordsStatisticsAndAlertsGoTo() throws Exception {
    Path file = config("  observerDatabase: jdbc:sqlite:ops/observed.db\n");
    try (GatewayNode node = start(file)) {
      observeTwiceAndReadThem(node);
      assertThat(check(node, "gateway.observers.database").ok()).isTrue();
      // readiness asks the observers' database itself: closed, its check fails, the gateway's not
      node.observerDatabase().close();
      assertThat(check(node, "gateway.observers.database").ok()).isFalse();
      assertThat(check(node, "gateway.database").ok()).isTrue();
    }
    Path observers = dir.resolve("ops/observed.db");
    assertThat(rows(observers, "opmon_record", "1 = 1")).isEqualTo(2);
    assertThat(hasTable(observers, "stats_hour")).isTrue();
    assertThat(hasTable(observers, "alert")).isTrue();
    assertThat(hasTable(dir.resolve("data/gw.db"), "opmon_record")).isFalse();
    assertThat(dir.resolve("data/gw-observers.db")).doesNotExist();
  }

  @Test
  void setToTheGatewaysOwnDatabaseTheObserversShareItAndTheNodeStillStartsAndStops()
      throws Exception {
    Path file = config("  observerDatabase: jdbc:sqlite:data/gw.db\n");
    GatewayNode node = start(file);
    try {
      observeTwiceAndReadThem(node);
      assertThat(checks(node))
          .contains("gateway.database")
          .doesNotContain("gateway.observers.database");
      assertThat(node.observerDatabase()).isSameAs(node.database());
    } finally {
      node.close(); // the shared database closed once, after the observers wrote what they held
    }
    assertThat(rows(dir.resolve("data/gw.db"), "opmon_record", "1 = 1")).isEqualTo(2);
    assertThat(dir.resolve("data/gw-observers.db")).doesNotExist();
    // and started again on it, the records are still there
    try (GatewayNode again = start(file)) {
      assertThat(monitoring.records(again)).isEqualTo(2);
    }
  }

  @Test
  void theDefaultIsDerivedFromTheGatewaysSqliteFileAndIsTheGatewaysOwnOnPostgresql() {
    assertThat(role("jdbc:sqlite:data/gateway.db").observerDatabaseUrl())
        .isEqualTo("jdbc:sqlite:data/gateway-observers.db");
    assertThat(role("jdbc:sqlite:/var/lib/lgsp/gw").observerDatabaseUrl())
        .isEqualTo("jdbc:sqlite:/var/lib/lgsp/gw-observers");
    assertThat(role("jdbc:sqlite:my.data/gw").observerDatabaseUrl())
        .isEqualTo("jdbc:sqlite:my.data/gw-observers");
    String pg = "jdbc:postgresql://db:5432/lgsp?user=lgsp&currentSchema=gateway";
    assertThat(role(pg).observerDatabaseUrl()).isEqualTo(pg);
  }

  private static NodeConfig.GatewayRole role(String database) {
    NodeConfig.GatewayRole sample =
        new NodeConfig.GatewayRole(
            "VN/GOV/000.00.00.H53/gw1",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            database,
            NodeConfig.KeyFiles.pem("tls.pem", "tls.key"),
            List.of(NodeConfig.MemberSigning.pem("VN/GOV/000.00.00.H53", "s.pem", "s.key")),
            "http://127.0.0.1:1",
            List.of("registry.pem"),
            null,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            null,
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            java.util.Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return sample;
  }

  @Test
  void serveCheckShowsTheObserversDatabaseInEffect() throws Exception {
    assertThat(ConfigCheck.effectiveConfiguration(config("")))
        .contains("observerDatabase: \"jdbc:sqlite:data/gw-observers.db\"");
    assertThat(
            ConfigCheck.effectiveConfiguration(
                config("  observerDatabase: jdbc:sqlite:ops/observed.db\n")))
        .contains("observerDatabase: \"jdbc:sqlite:ops/observed.db\"");
  }

  @Test
  void aValueThatIsNoUsableJdbcUrlOrAMisspelledKeyIsRefused() throws Exception {
    for (String bad : List.of("\"\"", "data/observers.db", "mysql://db/lgsp")) {
      Path file = config("  observerDatabase: " + bad + "\n");
      assertThatThrownBy(() -> NodeConfig.read(file))
          .as(bad)
          .isInstanceOf(NodeConfig.ConfigException.class)
          .hasMessageContaining("observerDatabase must be a JDBC URL");
    }
    Path memory = config("  observerDatabase: \"jdbc:sqlite::memory:\"\n");
    assertThatThrownBy(() -> NodeConfig.read(memory))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("observerDatabase must name a file");
    Path misspelled = config("  observersDatabase: jdbc:sqlite:ops/observed.db\n");
    assertThatThrownBy(() -> NodeConfig.read(misspelled))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("observersDatabase");
  }
}
