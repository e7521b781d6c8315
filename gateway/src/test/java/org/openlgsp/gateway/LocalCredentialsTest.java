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
}
