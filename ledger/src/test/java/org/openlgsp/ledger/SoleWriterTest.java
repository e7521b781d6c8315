package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.StorageException;
import org.openlgsp.storage.TestDatabases;

/** An embedded SQLite ledger has one writer: a second one on the same file is refused. */
class SoleWriterTest {
  @TempDir Path dir;

  @Test
  void aSecondProcessOpeningTheSameSqliteLedgerIsRefusedUntilTheFirstIsKilled() throws Exception {
    Path file = dir.resolve("ledger.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                file.toString(),
                NoteKey.generate("sole-writer-test", NoteKey.TYPE_ED25519).privateText())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");

      try (Database db = Database.sqlite(file)) {
        assertThatThrownBy(() -> Ledger.open(db, LedgerOptions.defaults()))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("already open in another process")
            .hasMessageContaining("PostgreSQL");
      }
    } finally {
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // the operating system dropped the killed process's claim: no stale lock to clean by hand
    try (Database db = Database.sqlite(file);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      long size = ledger.size();
      assertThat(ledger.append(Records.sample("after-kill"))).isEqualTo(size);
    }
  }

  @Test
  void aSecondLedgerOnTheSameFileInOneProcessIsRefusedAndAClosedOneFreesIt() {
    Path file = dir.resolve("one.db");
    try (Database first = Database.sqlite(file);
        Database second = Database.sqlite(file)) {
      Ledger ledger = Ledger.open(first, LedgerOptions.defaults());
      assertThatThrownBy(() -> Ledger.open(second, LedgerOptions.defaults()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("one writer");
      ledger.close();
      try (Ledger reopened = Ledger.open(second, LedgerOptions.defaults())) {
        assertThat(reopened.append(Records.sample("after-close"))).isZero();
      }
    }
  }

  @Test
  void ledgersOnOnePostgresqlDatabaseAreNotRefused() {
    try (Database a = TestDatabases.open("postgresql", dir);
        Ledger first = Ledger.open(a, LedgerOptions.defaults());
        Ledger second = Ledger.open(a, LedgerOptions.defaults())) {
      first.append(Records.sample("pg-1"));
      assertThat(second.append(Records.sample("pg-2"))).isEqualTo(1);
    }
  }
}
