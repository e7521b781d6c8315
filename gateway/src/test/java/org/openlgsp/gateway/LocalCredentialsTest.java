package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ClientId;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/** Two gateway instances sharing one credential store, on SQLite and PostgreSQL. */
class LocalCredentialsTest {
  static final ClientId PORTAL = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  static final List<LocalSystem> SYSTEMS = List.of(new LocalSystem(PORTAL, Set.of(), "", ""));
  final MutableClock clock = MutableClock.standingAt(Instant.ofEpochMilli(1_000_000));
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aRevocationByOneInstanceDropsTheTokensTheOtherIssuedWithinItsPollPeriod(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      TokenService a = new TokenService(List.of(), Duration.ofHours(1), clock);
      TokenService b = new TokenService(List.of(), Duration.ofHours(1), clock);
      LocalCredentials storeA =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      LocalCredentials storeB =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      a.attach(storeA);
      b.attach(storeB);
      storeB.pollEvery(Duration.ofMillis(100));
      try {
        LocalCredentials.Issued issued = storeA.create(PORTAL, "alice");
        String clientId = issued.credential().clientId();
        TokenService.Token fromA = a.issue(clientId, issued.secret());
        TokenService.Token fromB = b.issue(clientId, issued.secret());
        assertThat(b.verify(fromB.accessToken())).contains(PORTAL);

        storeA.revoke(clientId, "alice");
        assertThat(a.verify(fromA.accessToken())).as("the revoking instance: at once").isEmpty();
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> b.verify(fromB.accessToken()).isEmpty());
        assertThatThrownBy(() -> b.issue(clientId, issued.secret()))
            .hasMessageContaining("unknown client id or wrong secret");
      } finally {
        storeB.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void onlyTheSecretsHashIsStoredListsCarryNeitherAndAnUnservedSystemGetsNothing(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      LocalCredentials store =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      LocalCredentials.Issued issued = store.create(PORTAL, "alice");
      String stored =
          Sql.read(
              db,
              h ->
                  h.createQuery("SELECT secret_sha256 FROM gateway_credential")
                      .mapTo(String.class)
                      .one());
      assertThat(stored).isEqualTo(LocalSystem.hashSecret(issued.secret())).hasSize(64);
      assertThat(issued.toString()).doesNotContain(issued.secret());
      assertThat(store.list(Optional.of(PORTAL)).toString())
          .doesNotContain(issued.secret())
          .doesNotContain(stored);
      assertThat(store.check(issued.credential().clientId(), issued.secret())).isPresent();
      assertThat(store.check(issued.credential().clientId(), issued.secret() + "x")).isEmpty();
      assertThat(store.check("portal", issued.secret())).as("not a run-time client id").isEmpty();
      ClientId other = ClientId.parse("VN/GOV/000.00.00.H53/HTTT");
      LocalCredentials withoutPortal =
          LocalCredentials.open(
              db,
              List.of(new LocalSystem(other, Set.of(), "", "")),
              CredentialOptions.defaults(),
              clock);
      assertThat(withoutPortal.check(issued.credential().clientId(), issued.secret()))
          .as("its system no longer served here")
          .isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void aTokenRequestWaitingOnTheCredentialStoreHoldsUpNoRevocation() throws Exception {
    try (Database db = TestDatabases.open("postgresql", dir)) {
      TokenService tokens = new TokenService(List.of(), Duration.ofHours(1), clock);
      LocalCredentials store =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      tokens.attach(store);
      LocalCredentials.Issued issued = store.create(PORTAL, "alice");
      java.util.concurrent.CompletableFuture<TokenService.Token> waiting;
      // own threads: the common pool may have a single one on a small machine
      var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
      // another session locks the credential table: a credential check waits on the database
      try (threads;
          java.sql.Connection locker = db.connection()) {
        locker.setAutoCommit(false);
        try {
          locker
              .createStatement()
              .execute("LOCK TABLE gateway_credential IN ACCESS EXCLUSIVE MODE");
          waiting =
              java.util.concurrent.CompletableFuture.supplyAsync(
                  () -> tokens.issue(issued.credential().clientId(), issued.secret()), threads);
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> waitingOnLocks(db) > 0);
          // meanwhile a revocation (another instance's, read by the poll) drops tokens at once
          assertThat(
                  java.util.concurrent.CompletableFuture.runAsync(
                      () -> tokens.dropTokensOf("lgsp-00000000000000000000"), threads))
              .succeedsWithin(Duration.ofSeconds(5));
          assertThat(waiting).isNotDone();
        } finally {
          locker.rollback();
        }
        assertThat(waiting).succeedsWithin(Duration.ofSeconds(10));
      }
      assertThat(tokens.verify(waiting.get().accessToken())).contains(PORTAL);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aTokenIssuedWhileItsCredentialIsRevokedNeverOutlivesTheRevocation(String kind)
      throws Exception {
    try (Database db = TestDatabases.open(kind, dir)) {
      TokenService tokens = new TokenService(List.of(), Duration.ofHours(1), clock);
      LocalCredentials store =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      tokens.attach(store);
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
        for (int round = 0; round < 40; round++) {
          LocalCredentials.Issued issued = store.create(PORTAL, "alice");
          String id = issued.credential().clientId();
          java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
          var issuing =
              pool.submit(
                  () -> {
                    start.await();
                    return Optional.of(tokens.issue(id, issued.secret()));
                  });
          var revoking =
              pool.submit(
                  () -> {
                    start.await();
                    return store.revoke(id, "bob");
                  });
          revoking.get();
          Optional<TokenService.Token> token;
          try {
            token = issuing.get();
          } catch (java.util.concurrent.ExecutionException refused) {
            assertThat(refused.getCause()).hasMessageContaining("unknown client id");
            continue;
          }
          assertThat(tokens.verify(token.orElseThrow().accessToken()))
              .as("round %d: a token issued while its credential was revoked", round)
              .isEmpty();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theRevocationPollReadsEachRevocationOnceAndForgetsThoseItCannotReadAgain(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      LocalCredentials writer =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      LocalCredentials reader =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      List<String> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
      reader.onRevoke(dropped::add);
      for (int i = 0; i < 3; i++) {
        writer.revoke(writer.create(PORTAL, "alice").credential().clientId(), "bob");
      }
      assertThat(reader.pollRevocations()).isEqualTo(3);
      assertThat(reader.pollRevocations()).as("read again, not passed on again").isZero();
      assertThat(reader.revocationsHeld()).isEqualTo(3);

      clock.advance(LocalCredentials.REVOCATION_LOOKBACK.plusSeconds(1));
      writer.revoke(writer.create(PORTAL, "alice").credential().clientId(), "bob");
      assertThat(reader.pollRevocations()).isEqualTo(1);
      assertThat(reader.revocationsHeld()).as("the three older ones forgotten").isEqualTo(1);

      // stamped by an instance whose clock is 30 s behind, committed after the poll moved on
      MutableClock behind = MutableClock.standingAt(clock.instant().minusSeconds(30));
      LocalCredentials late =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), behind);
      late.revoke(late.create(PORTAL, "carol").credential().clientId(), "bob");
      assertThat(reader.pollRevocations()).as("within the look-back: still seen").isEqualTo(1);
      assertThat(reader.pollRevocations()).isZero();
      assertThat(dropped).hasSize(5).doesNotHaveDuplicates();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aStartingInstanceReadsNoRevocationMadeBeforeItStarted(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      LocalCredentials writer =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      writer.revoke(writer.create(PORTAL, "alice").credential().clientId(), "bob");
      clock.advance(LocalCredentials.REVOCATION_LOOKBACK.plusSeconds(1));
      LocalCredentials starting =
          LocalCredentials.open(db, SYSTEMS, CredentialOptions.defaults(), clock);
      List<String> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
      starting.onRevoke(dropped::add);
      starting.pollEvery(Duration.ofHours(1));
      try {
        writer.revoke(writer.create(PORTAL, "alice").credential().clientId(), "bob");
        assertThat(starting.pollRevocations()).isEqualTo(1);
        assertThat(starting.revocationsHeld()).isEqualTo(1);
        assertThat(dropped).hasSize(1);
      } finally {
        starting.close();
      }
    }
  }

  private static long waitingOnLocks(Database db) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM pg_locks WHERE NOT granted"
                        + " AND relation = 'gateway_credential'::regclass")
                .mapTo(Long.class)
                .one());
  }
}
