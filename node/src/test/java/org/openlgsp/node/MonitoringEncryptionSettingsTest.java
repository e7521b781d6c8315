package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.storage.KeyEncryptionKey;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * {@code gateway.monitoring.encryption}: with it the operational records' free text (user id,
 * issue, purpose, officer, REST path, represented party, fault string) is sealed in the database —
 * neither the SQLite file nor its WAL nor a PostgreSQL row holds a personal ID, user id or purpose
 * — while the query API answers them as observed; without it they are stored as they are; a
 * missing, open or wrong key file stops the node at start.
 */
class MonitoringEncryptionSettingsTest {
  static final String ID = "079190004321";
  static final String USER = "canbo.nguyenvana";
  static final String PURPOSE = "Cấp căn cước cho công dân";
  static final String ISSUE = "HS-2026-7788";

  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final MonitoringSettingsTest api = new MonitoringSettingsTest();

  static ExchangeObservation personal() {
    return Observed.at(Instant.now(), Observed.PORTAL, Observed.CITIZENS)
        .securityServerInternalIp("127.0.0.1")
        .restPath("/citizens/" + ID)
        .messageUserId(USER)
        .messageIssue(ISSUE)
        .purpose(PURPOSE)
        .officer("CB-" + ID)
        .failed("backend.failed", 502, "Server.ServerProxy", "no citizen " + ID)
        .build();
  }

  GatewayNode start(String lines) throws Exception {
    return start(lines, "");
  }

  /**
   * A gateway on {@code data/gw.db}, its monitoring API open, plus monitoring and gateway lines.
   */
  GatewayNode start(String lines, String gatewayLines) throws Exception {
    Files.deleteIfExists(dir.resolve("node.yaml"));
    Path file =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw.db\n"
                + "  monitoring: {"
                + MonitoringSettingsTest.API
                + lines
                + "}\n"
                + gatewayLines);
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(),
        dir,
        Clock.systemUTC(),
        new SimpleMeterRegistry());
  }

  /** One personal observation fed to the node, read back through the query API. */
  JsonNode observeAndRead(GatewayNode node) throws Exception {
    MonitoringSettingsTest.feed(node, personal());
    await().atMost(Duration.ofSeconds(10)).until(() -> api.records(node) == 1);
    return api.json(node, "/monitoring/v1/records?" + MonitoringSettingsTest.RANGE)
        .get("records")
        .get(0);
  }

  @Test
  void withEncryptionTheDatabaseFilesHoldNoPersonalTextAndTheApiStillAnswersIt() throws Exception {
    KeyEncryptionKey.generateKeyFile(dir.resolve("at-rest.key"));
    try (GatewayNode node = start(", encryption: {keyFile: at-rest.key}")) {
      JsonNode r = observeAndRead(node);
      assertThat(r.get("messageUserId").asText()).isEqualTo(USER);
      assertThat(r.get("purpose").asText()).isEqualTo(PURPOSE);
      assertThat(r.get("restPath").asText()).isEqualTo("/citizens/" + ID);
      assertThat(r.get("faultString").asText()).isEqualTo("no citizen " + ID);
      // read while the node runs: the WAL holds the newest pages
      assertThat(Files.exists(dir.resolve("data/gw-observers.db-wal"))).isTrue();
      assertNoPersonalText(onDisk());
    }
    assertNoPersonalText(onDisk());
    assertThat(Files.exists(dir.resolve("data/monitoring/keyring.json"))).isTrue();
    // the keyring holds wrapped keys only; a node restarted with the same key reads the records
    try (GatewayNode node = start(", encryption: {keyFile: at-rest.key}")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> api.records(node) == 1);
    }
  }

  @Test
  void withoutEncryptionTheRecordsAreStoredAsTheyAre() throws Exception {
    try (GatewayNode node = start("")) {
      observeAndRead(node);
    }
    assertThat(onDisk()).contains(ID).contains(USER).contains(PURPOSE);
  }

  @Test
  void aMissingOpenOrWrongKeyFileStopsTheNode() throws Exception {
    assertThatThrownBy(() -> start(", encryption: {keyFile: missing.key}"))
        .hasMessageContaining("at_rest.key_file")
        .hasMessageContaining("does not exist");
    Path key = KeyEncryptionKey.generateKeyFile(dir.resolve("at-rest.key"));
    start(", encryption: {keyFile: at-rest.key}").close();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> start(", encryption: {keyFile: at-rest.key}"))
        .hasMessageContaining("chmod 600");
    KeyEncryptionKey.generateKeyFile(dir.resolve("other.key"));
    assertThatThrownBy(() -> start(", encryption: {keyFile: other.key}"))
        .hasMessageContaining("at_rest.wrong_kek");
  }

  @Test
  @RequiresPeer(Peer.POSTGRES)
  void onPostgresqlTheRowsHoldNoPersonalText() throws Exception {
    String schema = TestDatabases.postgresSchema();
    String base = TestDatabases.postgresUrl();
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    KeyEncryptionKey.generateKeyFile(dir.resolve("at-rest.key"));
    try (GatewayNode node =
        start(", encryption: {keyFile: at-rest.key}", "  observerDatabase: \"" + url + "\"\n")) {
      JsonNode r = observeAndRead(node);
      assertThat(r.get("purpose").asText()).isEqualTo(PURPOSE);
    }
    StringBuilder rows = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM opmon_record")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          rows.append(rs.getString(i)).append('|');
        }
      }
    }
    assertThat(rows).contains("enc1:");
    assertNoPersonalText(rows.toString());
  }

  static void assertNoPersonalText(String stored) {
    assertThat(stored)
        .doesNotContain(ID)
        .doesNotContain(USER)
        .doesNotContain(PURPOSE)
        .doesNotContain(ISSUE);
  }

  /** Every file of the data folder (databases, WAL, keyring) as it is on disk, as text. */
  private String onDisk() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }
}
