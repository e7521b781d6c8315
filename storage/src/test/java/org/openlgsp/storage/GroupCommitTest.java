package org.openlgsp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jdbi.v3.core.Handle;
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
    if (db != null) { // null when the test was skipped for want of PostgreSQL
      db.close();
    }
  }

  private void open(String kind, int maxBatch, int capacity) {
    db = TestDatabases.open(kind, dir);
    Sql.inTransaction(db, h -> h.execute("CREATE TABLE item (name VARCHAR(64) PRIMARY KEY)"));
    // Each item is inserted in its own savepoint; "bad" items throw after inserting.
    writer =
        new GroupCommit<String, String>(
            db,
            "test",
            new GroupCommit.Options(maxBatch, Duration.ofMillis(2), capacity),
            (c, items) -> GroupCommit.isolated(c, items, GroupCommitTest::insert),
            StorageException::new);
  }

  private static String insert(Handle h, String name) {
    h.execute("INSERT INTO item (name) VALUES (?)", name);
    if (name.startsWith("bad")) {
      throw new IllegalArgumentException("refused " + name);
    }
    return "stored " + name;
  }

  private List<String> stored() {
    return Sql.read(db, h -> h.createQuery("SELECT name FROM item").mapTo(String.class).list());
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
                  public List<GroupCommit.Outcome<String>> write(Handle h, List<String> items) {
                    List<GroupCommit.Outcome<String>> out = new ArrayList<>();
                    for (String item : items) {
                      out.add(new GroupCommit.Outcome.Done<>(insert(h, item)));
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
  @ValueSource(strings = {"sqlite", "postgresql"})
  void anIsolatedItemBreakingAKeyFailsAloneAsAUniqueViolation(String kind) {
    open(kind, 64, 100);
    writer.start();
    assertThat(writer.submit("ok-a").join()).isEqualTo("stored ok-a");

    CompletableFuture<String> twin = writer.submit("ok-a");
    CompletableFuture<String> other = writer.submit("ok-b");

    assertThatThrownBy(twin::join)
        .cause()
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.isUniqueViolation()).isTrue())
        .hasMessageStartingWith("write failed: ");
    assertThat(other.join()).isEqualTo("stored ok-b");
    assertThat(stored()).containsExactlyInAnyOrder("ok-a", "ok-b");
  }

  private static final String INSERT_IF_ABSENT =
      "INSERT INTO checked (name) VALUES (?) ON CONFLICT (name) DO NOTHING";

  private List<GroupCommit.Outcome<Integer>> batchedAfterAnEarlierWrite(List<String> names) {
    return Sql.inTransaction(
        db,
        h -> {
          h.execute("INSERT INTO checked (name) VALUES (?)", "earlier");
          return GroupCommit.batched(
              h,
              names,
              java.util.Comparator.naturalOrder(),
              INSERT_IF_ABSENT,
              (statement, name) -> statement.bind(0, name));
        });
  }

  private void openChecked(String kind) {
    db = TestDatabases.open(kind, dir);
    Sql.inTransaction(
        db,
        h ->
            h.execute(
                "CREATE TABLE checked (name VARCHAR(200) PRIMARY KEY CHECK (LENGTH(name) <= 8))"));
    Sql.inTransaction(db, h -> h.execute("INSERT INTO checked (name) VALUES (?)", "b"));
  }

  private List<String> checked() {
    return Sql.read(
        db,
        h -> h.createQuery("SELECT name FROM checked ORDER BY name").mapTo(String.class).list());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aBatchedStatementAnswersEachItemsUpdateCountInTheOrderTheItemsCame(String kind) {
    openChecked(kind);

    List<GroupCommit.Outcome<Integer>> counts = batchedAfterAnEarlierWrite(List.of("c", "b", "a"));

    assertThat(counts)
        .containsExactly(
            new GroupCommit.Outcome.Done<>(1),
            new GroupCommit.Outcome.Done<>(0), // present already: nothing written
            new GroupCommit.Outcome.Done<>(1));
    assertThat(checked()).containsExactly("a", "b", "c", "earlier");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void anItemTheDatabaseRefusesInABatchFailsAloneAndTheTransactionsEarlierWritesStay(String kind) {
    openChecked(kind);

    List<GroupCommit.Outcome<Integer>> counts =
        batchedAfterAnEarlierWrite(List.of("c", "much-too-long", "b", "a"));

    assertThat(counts.get(0)).isEqualTo(new GroupCommit.Outcome.Done<>(1));
    assertThat(counts.get(1)).isInstanceOf(GroupCommit.Outcome.Failed.class);
    assertThat(counts.get(2)).isEqualTo(new GroupCommit.Outcome.Done<>(0));
    assertThat(counts.get(3)).isEqualTo(new GroupCommit.Outcome.Done<>(1));
    assertThat(checked()).containsExactly("a", "b", "c", "earlier");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aLaneCommitsInTheWritersTransactionAfterItsItemsAndFailsWithIt(String kind) {
    open(kind, 64, 100);
    Sql.inTransaction(db, h -> h.execute("CREATE TABLE other (name VARCHAR(64) PRIMARY KEY)"));
    List<String> order = new ArrayList<>();
    GroupCommit.Lane<String, Integer> lane =
        writer.lane(
            "other",
            (h, items) -> {
              order.add("lane " + items);
              List<GroupCommit.Outcome<Integer>> out = new ArrayList<>();
              for (String item : items) {
                h.execute("INSERT INTO other (name) VALUES (?)", item);
                out.add(new GroupCommit.Outcome.Done<>(item.length()));
              }
              return out;
            },
            (detail, cause) -> new IllegalStateException("lane: " + detail, cause));
    // queued before the writer starts: one batch holding both kinds
    CompletableFuture<Integer> x = lane.submit("x");
    CompletableFuture<String> a = writer.submit("ok-a");
    CompletableFuture<Integer> yy = lane.submit("yy");
    writer.start();

    assertThat(x.join()).isEqualTo(1);
    assertThat(yy.join()).isEqualTo(2);
    assertThat(a.join()).isEqualTo("stored ok-a");
    assertThat(writer.commits()).isEqualTo(1); // one transaction, one fsync, for both
    assertThat(order).containsExactly("lane [x, yy]");
    List<String> others =
        Sql.read(db, h -> h.createQuery("SELECT name FROM other").mapTo(String.class).list());
    assertThat(others).containsExactlyInAnyOrder("x", "yy");

    // the lane's key broken: the whole transaction rolls back, the writer's item with it
    writer.close();
    writer =
        new GroupCommit<String, String>(
            db,
            "test",
            new GroupCommit.Options(64, Duration.ZERO, 100),
            (c, items) -> GroupCommit.isolated(c, items, GroupCommitTest::insert),
            StorageException::new);
    GroupCommit.Lane<String, Integer> strict =
        writer.lane(
            "other",
            (h, items) -> {
              items.forEach(item -> h.execute("INSERT INTO other (name) VALUES (?)", item));
              return items.stream()
                  .<GroupCommit.Outcome<Integer>>map(i -> new GroupCommit.Outcome.Done<>(1))
                  .toList();
            },
            (detail, cause) -> new IllegalStateException("lane: " + detail, cause));
    CompletableFuture<String> b = writer.submit("ok-b");
    CompletableFuture<Integer> again = strict.submit("x");
    writer.start();
    assertThatThrownBy(again::join)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lane: other could not write durably");
    assertThatThrownBy(b::join).hasMessageContaining("test could not write durably");
    assertThat(stored()).containsExactly("ok-a");

    writer.close();
    assertThatThrownBy(() -> lane.submit("z").join()).hasMessageContaining("other is closed");
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
