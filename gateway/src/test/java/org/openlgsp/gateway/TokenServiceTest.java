package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

class TokenServiceTest {
  static final ClientId PORTAL = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  static final Duration TTL = Duration.ofMinutes(5);
  final MutableClock clock = MutableClock.standingAt(Instant.ofEpochMilli(1_000_000));
  final TokenService tokens =
      new TokenService(List.of(LocalSystem.withSecret(PORTAL, "portal", "s3cret")), TTL, clock);

  @Test
  void aTokenNamesItsSystemUntilItExpires() {
    TokenService.Token t = tokens.issue("portal", "s3cret");
    assertThat(t.expiresInSeconds()).isEqualTo(300);
    assertThat(tokens.verify(t.accessToken())).contains(PORTAL);
    clock.advance(TTL.minusMillis(1));
    assertThat(tokens.verify(t.accessToken())).contains(PORTAL);
    clock.advance(Duration.ofMillis(1));
    assertThat(tokens.verify(t.accessToken())).isEmpty();
  }

  @Test
  void wrongSecretOrUnknownTokenGetsNothing() {
    assertThatThrownBy(() -> tokens.issue("portal", "wrong"))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID));
    assertThat(tokens.verify("never-issued")).isEmpty();
  }
}
