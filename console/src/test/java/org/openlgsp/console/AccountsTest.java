package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class AccountsTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-07T01:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void argon2idHashesVerifyOnlyTheirPasswordAndCarryTheirParameters() {
    Passwords.Hash h = Passwords.hash("correct horse battery staple");
    assertThat(Passwords.matches("correct horse battery staple", h)).isTrue();
    assertThat(Passwords.matches("correct horse battery stapler", h)).isFalse();
    assertThat(h.memoryKib()).isEqualTo(19 * 1024);
    assertThat(h.iterations()).isEqualTo(2);
    assertThat(Passwords.hash("correct horse battery staple").salt()).isNotEqualTo(h.salt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void accountsLockAfterFailuresUnlockLaterAndTotpCodesAreUsedOnce(String kind) {
    MovingClock clock = new MovingClock();
    try (Database db = TestDatabases.open(kind, dir)) {
      Accounts accounts =
          new Accounts(
              db,
              new ConsoleOptions(
                  true, null, 0, null, 3, Duration.ofMinutes(10), null, null, null, null),
              clock);
      ClientId tn = ClientId.parse("VN/GOV/000.00.00.H53");
      String password = accounts.create("tn-admin", ConsoleRole.AGENCY_ADMIN, Optional.of(tn));
      assertThat(password).hasSize(20);
      assertThatThrownBy(
              () -> accounts.create("tn-admin", password, ConsoleRole.AUDITOR, Optional.empty()))
          .isInstanceOf(LgspException.class);
      assertThat(accounts.checkPassword("tn-admin", password))
          .hasValueSatisfying(a -> assertThat(a.agency()).hasValue(tn));

      for (int i = 0; i < 3; i++) {
        assertThat(accounts.checkPassword("tn-admin", "wrong")).isEmpty();
      }
      assertThat(accounts.checkPassword("tn-admin", password)).isEmpty();
      clock.now = clock.now.plus(Duration.ofMinutes(11));
      assertThat(accounts.checkPassword("tn-admin", password)).isPresent();

      byte[] secret = Totp.newSecret();
      assertThat(accounts.enrolTotp("tn-admin", secret, "000000x")).isFalse();
      clock.now = clock.now.plusSeconds(30);
      assertThat(accounts.enrolTotp("tn-admin", secret, accounts.currentCode(secret, clock.now)))
          .isTrue();
      assertThat(accounts.find("tn-admin").orElseThrow().totpEnrolled()).isTrue();
      // the enrolment's code cannot be used again; the next step's can, once
      assertThat(accounts.checkTotp("tn-admin", accounts.currentCode(secret, clock.now))).isFalse();
      clock.now = clock.now.plusSeconds(30);
      String next = accounts.currentCode(secret, clock.now);
      assertThat(accounts.checkTotp("tn-admin", next)).isTrue();
      assertThat(accounts.checkTotp("tn-admin", next)).isFalse();
    }
  }
}
