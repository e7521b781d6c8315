package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * What the accounts page asks of {@link Accounts}, on SQLite and PostgreSQL: a password reset
 * replaces the hash, a TOTP reset forgets the secret, an unlock ends a lockout, a role change keeps
 * at least one platform administrator; unknown accounts are not found.
 */
class AccountAdministrationTest {
  @TempDir Path dir;

  static void assertCode(Runnable r, ErrorCode code) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(LgspException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void resetsUnlocksAndRoleChangesKeepAPlatformAdministrator(String kind) {
    AccountsTest.MovingClock clock = new AccountsTest.MovingClock();
    try (Database db = TestDatabases.open(kind, dir)) {
      Accounts accounts =
          new Accounts(
              db,
              new ConsoleOptions(
                  true, null, 0, null, 2, Duration.ofMinutes(10), null, null, null, null),
              clock);
      String ops = "ops"; // each database is new: SQLite's file, PostgreSQL's schema
      String aud = "aud";
      String first = accounts.create(ops, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
      accounts.create(aud, ConsoleRole.AUDITOR, Optional.empty());

      String second = accounts.resetPassword(ops);
      assertThat(second).hasSize(20).isNotEqualTo(first);
      assertThat(accounts.checkPassword(ops, first)).isEmpty();
      assertThat(accounts.checkPassword(ops, second)).isPresent();

      byte[] secret = Totp.newSecret();
      assertThat(accounts.enrolTotp(aud, secret, accounts.currentCode(secret, clock.now))).isTrue();
      accounts.resetTotp(aud);
      assertThat(accounts.find(aud).orElseThrow().totpEnrolled()).isFalse();
      // a new secret can be set up again
      byte[] another = Totp.newSecret();
      clock.now = clock.now.plusSeconds(30);
      assertThat(accounts.enrolTotp(aud, another, accounts.currentCode(another, clock.now)))
          .isTrue();

      accounts.checkPassword(aud, "wrong one");
      accounts.checkPassword(aud, "wrong two");
      assertThat(accounts.locked(aud)).isTrue();
      assertThat(accounts.overview())
          .filteredOn(o -> o.account().username().equals(aud))
          .singleElement()
          .satisfies(o -> assertThat(o.locked()).isTrue());
      accounts.unlock(aud);
      assertThat(accounts.locked(aud)).isFalse();

      // the only platform administrator keeps the role
      assertCode(
          () -> accounts.changeRole(ops, ConsoleRole.AUDITOR, Optional.empty()),
          ErrorCode.RESOURCE_CONFLICT);
      assertThat(accounts.find(ops).orElseThrow().role()).isEqualTo(ConsoleRole.PLATFORM_ADMIN);
      ClientId tn = ClientId.parse("VN/GOV/000.00.00.H53");
      Account changed = accounts.changeRole(aud, ConsoleRole.AGENCY_ADMIN, Optional.of(tn));
      assertThat(changed.role()).isEqualTo(ConsoleRole.AGENCY_ADMIN);
      assertThat(changed.agency()).hasValue(tn);
      accounts.changeRole(aud, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
      accounts.changeRole(ops, ConsoleRole.AUDITOR, Optional.empty());
      assertThat(accounts.find(ops).orElseThrow().role()).isEqualTo(ConsoleRole.AUDITOR);
      assertThatThrownBy(() -> accounts.changeRole(aud, ConsoleRole.AGENCY_ADMIN, Optional.empty()))
          .isInstanceOf(IllegalArgumentException.class);

      String nobody = "nobody";
      assertCode(() -> accounts.resetPassword(nobody), ErrorCode.RESOURCE_NOT_FOUND);
      assertCode(() -> accounts.resetTotp(nobody), ErrorCode.RESOURCE_NOT_FOUND);
      assertCode(() -> accounts.unlock(nobody), ErrorCode.RESOURCE_NOT_FOUND);
      assertCode(
          () -> accounts.changeRole(nobody, ConsoleRole.AUDITOR, Optional.empty()),
          ErrorCode.RESOURCE_NOT_FOUND);
    }
  }
}
