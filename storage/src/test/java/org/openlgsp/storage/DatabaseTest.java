package org.openlgsp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
          c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO probe VALUES (?, ?)")) {
              p.setLong(1, 1);
              p.setString(2, "một");
              return p.executeUpdate();
            }
          });
      String label =
          Sql.read(
              db,
              c -> {
                try (ResultSet r = c.createStatement().executeQuery("SELECT label FROM probe")) {
                  r.next();
                  return r.getString(1);
                }
              });
      assertThat(label).isEqualTo("một");
    }
  }

  @Test
  void sqliteRunsInWalModeWithFullSync() {
    try (Database db = TestDatabases.sqlite(dir)) {
      String[] pragmas =
          Sql.read(
              db,
              c -> {
                try (var s = c.createStatement()) {
                  ResultSet j = s.executeQuery("PRAGMA journal_mode");
                  j.next();
                  String journal = j.getString(1);
                  ResultSet y = s.executeQuery("PRAGMA synchronous");
                  y.next();
                  return new String[] {journal, y.getString(1)};
                }
              });
      assertThat(pragmas[0]).isEqualToIgnoringCase("wal");
      assertThat(pragmas[1]).isEqualTo("2"); // FULL
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
                      c -> {
                        c.createStatement().executeUpdate("INSERT INTO probe VALUES (7, 'x')");
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class);
      long count =
          Sql.read(
              db,
              c -> {
                ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM probe");
                r.next();
                return r.getLong(1);
              });
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
