package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.AtRestException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.KeyEncryptionKey;
import org.openlgsp.storage.TestDatabases;

/**
 * The operational records' free text sealed at rest: what the columns hold, what reads back, what a
 * moved ciphertext does, and re-encryption after a data key rotation.
 */
class OperationalStoreAtRestTest {
  static final Instant T0 = OperationalStoreTest.T0;
  static final String ID = "079190004321";
  @TempDir Path dir;

  AtRest keys() {
    return AtRest.open(
        dir.resolve("keyring.json"),
        KeyEncryptionKey.keyFile(KeyEncryptionKey.generateKeyFile(dir.resolve("kek"))),
        AtRest.DEFAULT_TENANT);
  }

  static ExchangeObservation personal(Instant at, String messageId) {
    return Observed.at(at, Observed.PORTAL, Observed.CITIZENS)
        .messageId(messageId)
        .restPath("/citizens/" + ID)
        .representedParty(ID)
        .messageUserId("canbo." + ID)
        .messageIssue("HS " + ID)
        .purpose("Cấp căn cước " + ID)
        .officer("CB-" + ID)
        .failed("backend.failed", 502, "Server.ServerProxy", "no citizen " + ID)
        .build();
  }

  static String rawRow(Database db, long id) throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM opmon_record WHERE id = " + id)) {
      rs.next();
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        row.append(rs.getString(i)).append('|');
      }
      return row.toString();
    }
  }

  static List<OperationalRecord> all(OperationalStore store) {
    List<OperationalRecord> out = new ArrayList<>();
    store.query(OperationalStoreTest.range(T0, T0.plusSeconds(60), 100, 0), out::add);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theFreeTextColumnsAreSealedAndReadBackAsObserved(String kind) throws Exception {
    try (Database db = TestDatabases.open(kind, dir)) {
      OperationalStore store = new OperationalStore(db, Optional.of(keys()));
      OperationalRecord observed = OperationalRecord.of(personal(T0, "m-1"));
      store.insert(List.of(observed));
      OperationalRecord read = all(store).getFirst();
      assertThat(read).usingRecursiveComparison().ignoringFields("id").isEqualTo(observed);
      String raw = rawRow(db, read.id());
      assertThat(raw).doesNotContain(ID).contains("enc1:");
      // the filters and the health figures work on the plaintext columns as before
      assertThat(store.health(T0.minusSeconds(1))).hasSize(1);
    }
  }

  @Test
  void aCiphertextMovedToAnotherRecordIsRefusedAndNoKeyringIsSaidPlainly() throws Exception {
    try (Database db = TestDatabases.open("sqlite", dir)) {
      OperationalStore store = new OperationalStore(db, Optional.of(keys()));
      store.insert(
          List.of(
              OperationalRecord.of(personal(T0, "m-1")),
              OperationalRecord.of(personal(T0.plusSeconds(1), "m-2"))));
      try (Connection c = db.connection();
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "UPDATE opmon_record SET purpose = (SELECT purpose FROM opmon_record WHERE"
                + " message_id = 'm-1') WHERE message_id = 'm-2'");
      }
      assertThatThrownBy(() -> all(store))
          .isInstanceOf(AtRestException.class)
          .hasMessageContaining("at_rest.tampered");
      assertThatThrownBy(() -> all(new OperationalStore(db)))
          .hasMessageContaining("gateway.monitoring.encryption");
    }
  }

  @Test
  void afterARotationReencryptionMovesPlaintextAndOldRowsToTheNewKey() throws Exception {
    try (Database db = TestDatabases.open("sqlite", dir)) {
      new OperationalStore(db).insert(List.of(OperationalRecord.of(personal(T0, "plain"))));
      AtRest keys = keys();
      OperationalStore store = new OperationalStore(db, Optional.of(keys));
      store.insert(List.of(OperationalRecord.of(personal(T0.plusSeconds(1), "old-key"))));
      int old = keys.dataKeys().getFirst().id();
      keys.rotateDataKey();
      store.insert(List.of(OperationalRecord.of(personal(T0.plusSeconds(2), "new-key"))));

      assertThat(filesOf(dir)).as("the plaintext row, before the pass").contains(ID);

      List<Long> seen = new ArrayList<>();
      assertThat(Monitoring.reencryptAtRest(db, keys, seen::add)).isEqualTo(2);
      assertThat(filesOf(dir))
          .as("no replaced plaintext version left in the file or its WAL")
          .doesNotContain(ID);
      assertThat(seen).hasSize(2);
      assertThat(Monitoring.reencryptAtRest(db, keys, seen::add)).isZero();
      List<OperationalRecord> read = all(store);
      assertThat(read).hasSize(3).allSatisfy(r -> assertThat(r.purpose()).endsWith(ID));
      for (OperationalRecord r : read) {
        assertThat(rawRow(db, r.id())).doesNotContain(ID);
      }
      keys.destroyDataKey(old);
      assertThat(all(store)).hasSize(3);
    }
  }

  /** Every SQLite file under {@code dir} (database, WAL), as it is on disk, as text. */
  private static String filesOf(Path dir) throws java.io.IOException {
    StringBuilder all = new StringBuilder();
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        all.append(
            new String(
                java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }
}
