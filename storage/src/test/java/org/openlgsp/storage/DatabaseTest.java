package org.openlgsp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void migratesAndCommitsAcrossReopen(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      db.migrate("probe");
      db.migrate("probe"); // idempotent
      Sql.inTransaction(
          db,
          h ->
              h.createUpdate("INSERT INTO probe (id, label, bytes) VALUES (?, ?, ?)")
                  .bind(0, 1L)
                  .bind(1, "một")
                  .bind(2, new byte[] {0, 1, (byte) 0xff})
                  .execute());
      record Probe(String label, byte[] bytes) {}
      Probe probe =
          Sql.read(
              db,
              h ->
                  h.createQuery("SELECT label, bytes FROM probe")
                      .map((r, ctx) -> new Probe(r.getString(1), r.getBytes(2)))
                      .one());
      assertThat(probe.label()).isEqualTo("một");
      assertThat(probe.bytes()).containsExactly(0, 1, 0xff);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aDuplicateKeyIsToldApartFromOtherFailures(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      db.migrate("probe");
      Sql.inTransaction(db, h -> h.execute("INSERT INTO probe (id, label) VALUES (1, 'a')"));
      Sql.inTransaction(
          db, h -> h.execute("CREATE TABLE probe_named (name TEXT NOT NULL UNIQUE, n INTEGER)"));
      Sql.inTransaction(db, h -> h.execute("INSERT INTO probe_named (name) VALUES ('x')"));

      StorageException primaryKey = failure(db, "INSERT INTO probe (id, label) VALUES (1, 'b')");
      StorageException unique = failure(db, "INSERT INTO probe_named (name) VALUES ('x')");
      StorageException notNull = failure(db, "INSERT INTO probe (id) VALUES (2)");
      StorageException syntax = failure(db, "INSERT INTO no_such_table VALUES (1)");

      assertThat(List.of(primaryKey, unique)).allMatch(StorageException::isUniqueViolation);
      assertThat(List.of(notNull, syntax)).noneMatch(StorageException::isUniqueViolation);
      assertThat(primaryKey).hasMessageStartingWith("database operation failed: ");
      long rows =
          Sql.read(db, h -> h.createQuery("SELECT count(*) FROM probe").mapTo(Long.class).one());
      assertThat(rows).isEqualTo(1);
    }
  }

  private static StorageException failure(Database db, String sql) {
    try {
      Sql.inTransaction(db, h -> h.execute(sql));
    } catch (StorageException e) {
      return e;
    }
    throw new AssertionError("expected " + sql + " to fail");
  }

  @Test
  void sqliteRunsInWalModeWithFullSync() {
    try (Database db = TestDatabases.sqlite(dir)) {
      record Pragmas(String journal, String synchronous) {}
      Pragmas pragmas =
          Sql.read(
              db,
              h ->
                  new Pragmas(
                      h.createQuery("PRAGMA journal_mode").mapTo(String.class).one(),
                      h.createQuery("PRAGMA synchronous").mapTo(String.class).one()));
      assertThat(pragmas.journal()).isEqualToIgnoringCase("wal");
      assertThat(pragmas.synchronous()).isEqualTo("2"); // FULL
    }
  }

  @Test
  void failedTransactionLeavesNothingBehind() {
    try (Database db = TestDatabases.sqlite(dir)) {
      db.migrate("probe");
      assertThatThrownBy(
              () ->
                  Sql.inTransaction(
                      db,
                      h -> {
                        h.execute("INSERT INTO probe (id, label) VALUES (7, 'x')");
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class);
      long count =
          Sql.read(db, h -> h.createQuery("SELECT count(*) FROM probe").mapTo(Long.class).one());
      assertThat(count).isZero();
    }
  }

  @Test
  void rejectsUnknownJdbcUrls() {
    assertThatThrownBy(() -> Database.open("jdbc:h2:mem:x"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("unsupported JDBC URL");
  }
}
