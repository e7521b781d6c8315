package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
  @Test
  void secondUseWithinTheRetentionIsAReplay() {
    ReplayGuard g = new ReplayGuard(Duration.ofSeconds(60));
    assertThat(g.firstUse("c", "m", 1_000)).isTrue();
    assertThat(g.firstUse("c", "m", 100_000)).isFalse();
    assertThat(g.firstUse("other-client", "m", 100_000)).isTrue();
  }

  @Test
  void entriesAreForgottenAfterTwiceTheWindow() {
    ReplayGuard g = new ReplayGuard(Duration.ofSeconds(60));
    g.firstUse("c", "m", 0);
    g.firstUse("c", "n", 0);
    assertThat(g.firstUse("c", "x", 200_000)).isTrue(); // triggers a purge
    assertThat(g.size()).isEqualTo(1);
    assertThat(g.firstUse("c", "m", 200_001)).isTrue();
  }
}
