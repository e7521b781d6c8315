package org.openlgsp.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * OAuth2 client-credentials tokens for local systems (the flow Vietnamese LGSP clients use). Tokens
 * are 256-bit random strings; only their SHA-256 is held, with the system, until they expire.
 */
final class TokenService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Collection<LocalSystem> systems;
  private final Duration ttl;
  private final Cache<String, ClientId> tokens;

  /** What {@code POST /token} returns, and the system it was issued to. */
  record Token(String accessToken, long expiresInSeconds, ClientId system) {}

  TokenService(Collection<LocalSystem> systems, Duration ttl, Clock clock) {
    this.systems = systems;
    this.ttl = ttl;
    this.tokens =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .ticker(new ClockTicker(clock))
            .executor(Runnable::run) // no common-pool wake-up per write
            .build();
  }

  Token issue(String clientId, String clientSecret) {
    String presented = LocalSystem.hashSecret(clientSecret);
    LocalSystem match = null;
    for (LocalSystem s : systems) {
      boolean idMatches = !s.oauthClientId().isEmpty() && s.oauthClientId().equals(clientId);
      boolean secretMatches =
          Digests.constantTimeEquals(
              s.secretSha256().getBytes(StandardCharsets.US_ASCII),
              presented.getBytes(StandardCharsets.US_ASCII));
      if (idMatches && secretMatches) {
        match = s;
      }
    }
    if (match == null) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "unknown client id or wrong secret");
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    tokens.put(key(token), match.id());
    return new Token(token, ttl.toSeconds(), match.id());
  }

  Optional<ClientId> verify(String token) {
    return Optional.ofNullable(tokens.getIfPresent(key(token)));
  }

  private static String key(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
}
