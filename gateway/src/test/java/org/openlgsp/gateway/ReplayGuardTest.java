package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
  static final Duration WINDOW = Duration.ofSeconds(60);
  final MutableClock clock = MutableClock.standingAt(Instant.ofEpochMilli(1_000));
  final ReplayGuard guard = new ReplayGuard(WINDOW, clock);

  @Test
  void secondUseWithinTheRetentionIsAReplay() {
    assertThat(guard.firstUse("c", "m")).isTrue();
    clock.advance(Duration.ofMillis(99_000));
    assertThat(guard.firstUse("c", "m")).isFalse();
    assertThat(guard.firstUse("other-client", "m")).isTrue();
  }

  @Test
  void aReplayExactlyTwiceTheWindowLaterIsStillRefused() {
    // The time check admits a message one window early at first use and one window late at the
    // replay, so the memory must cover that last instant.
    guard.firstUse("c", "m");
    clock.advance(WINDOW.multipliedBy(2));
    assertThat(guard.firstUse("c", "m")).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(guard.firstUse("c", "m")).isTrue();
  }

  @Test
  void entriesAreForgottenAfterTwiceTheWindow() {
    guard.firstUse("c", "m");
    guard.firstUse("c", "n");
    assertThat(guard.size()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(200));
    assertThat(guard.firstUse("c", "x")).isTrue();
    assertThat(guard.size()).isEqualTo(1);
    assertThat(guard.firstUse("c", "m")).isTrue();
  }

  @Test
  void theMemoryStaysBoundedByTrafficWithinTwiceTheWindow() {
    for (int second = 0; second < 1_000; second++) {
      for (int i = 0; i < 10; i++) {
        assertThat(guard.firstUse("c", second + "-" + i)).isTrue();
      }
      clock.advance(Duration.ofSeconds(1));
    }
    // Ten ids a second, each kept 120 s (plus the boundary millisecond).
    assertThat(guard.size()).isBetween(1_200L, 1_210L);
  }
}
