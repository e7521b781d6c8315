package org.openlgsp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupCommitTest {
  @TempDir Path dir;
  Database db;
  GroupCommit<String, String> writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
    db.close();
  }

  private void open(String kind, int maxBatch, int capacity) {
    db = TestDatabases.open(kind, dir);
    Sql.inTransaction(
        db, c -> c.createStatement().execute("CREATE TABLE item (name VARCHAR(64) PRIMARY KEY)"));
    // Each item is inserted in its own savepoint; "bad" items throw after inserting.
    writer =
        new GroupCommit<String, String>(
            db,
            "test",
            new GroupCommit.Options(maxBatch, Duration.ofMillis(2), capacity),
            (c, items) -> GroupCommit.isolated(c, items, GroupCommitTest::insert),
            StorageException::new);
  }

  private static String insert(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO item (name) VALUES (?)")) {
      p.setString(1, name);
      p.executeUpdate();
    }
    if (name.startsWith("bad")) {
      throw new IllegalArgumentException("refused " + name);
    }
    return "stored " + name;
  }

  private List<String> stored() {
    return Sql.read(
        db,
        c -> {
          List<String> out = new ArrayList<>();
          try (ResultSet r = c.createStatement().executeQuery("SELECT name FROM item")) {
            while (r.next()) {
              out.add(r.getString(1));
            }
          }
          return out;
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void concurrentWritesShareTransactionsAndEachCallerLearnsItsOwnOutcome(String kind) {
    open(kind, 64, 10_000);
    writer.start();
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      futures.add(writer.submit((i % 100 == 7 ? "bad-" : "ok-") + i));
    }

    int ok = 0;
    int refused = 0;
    for (int i = 0; i < futures.size(); i++) {
      try {
        assertThat(futures.get(i).join()).isEqualTo("stored ok-" + i);
        ok++;
      } catch (CompletionException e) {
        assertThat(e.getCause()).hasMessage("refused bad-" + i);
        refused++;
      }
    }

    assertThat(ok).isEqualTo(1980);
    assertThat(refused).isEqualTo(20);
    // a refused item's insert was rolled back with its savepoint, its neighbours' were not
    assertThat(stored()).hasSize(1980).allSatisfy(n -> assertThat(n).startsWith("ok-"));
    assertThat(writer.commits()).isLessThan(2000 / 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aBatchThatFailsAsAWholeWritesNothingAndFailsEveryCaller(String kind) {
    open(kind, 64, 10_000);
    List<List<String>> committed = new ArrayList<>();
    GroupCommit<String, String> all =
        new GroupCommit<String, String>(
                db,
                "all-or-nothing",
                new GroupCommit.Options(64, Duration.ofMillis(50), 100),
                new GroupCommit.Batch<>() {
                  @Override
                  public List<GroupCommit.Outcome<String>> write(Connection c, List<String> items)
                      throws SQLException {
                    List<GroupCommit.Outcome<String>> out = new ArrayList<>();
                    for (String item : items) {
                      out.add(new GroupCommit.Outcome.Done<>(insert(c, item)));
                    }
                    return out;
                  }

                  @Override
                  public void committed(
                      List<String> items, List<GroupCommit.Outcome<String>> outcomes) {
                    committed.add(items);
                  }
                },
                StorageException::new)
            .start();
    try {
      CompletableFuture<String> a = all.submit("ok-a");
      CompletableFuture<String> b = all.submit("ok-a"); // breaks the primary key: whole batch fails

      assertThatThrownBy(a::join)
          .hasCauseInstanceOf(StorageException.class)
          .hasMessageContaining("all-or-nothing could not write durably");
      assertThatThrownBy(b::join).hasCauseInstanceOf(StorageException.class);
      assertThat(stored()).isEmpty();
      assertThat(committed).isEmpty();

      assertThat(all.submit("ok-c").join()).isEqualTo("stored ok-c");
      assertThat(committed).containsExactly(List.of("ok-c"));
    } finally {
      all.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite"})
  void afterCloseAndWhenFullWritesFailAtOnce(String kind) {
    open(kind, 1, 1);
    // not started: the queue fills up
    CompletableFuture<String> first = writer.submit("ok-a");
    CompletableFuture<String> second = writer.submit("ok-b");
    assertThatThrownBy(second::join).hasMessageContaining("test queue is full");

    writer.start();
    assertThat(first.join()).isEqualTo("stored ok-a");
    writer.close();
    assertThatThrownBy(() -> writer.submit("ok-c").join()).hasMessageContaining("test is closed");
  }
}
