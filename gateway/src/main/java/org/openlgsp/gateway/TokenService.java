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
  // tokens issued under run-time credentials: token hash -> the credential's client id
  private final Cache<String, String> issuedUnder;
  private volatile Optional<LocalCredentials> runTime = Optional.empty();
  // revocations applied so far (written under the lock): a check that saw a change is redone
  private volatile long revocationsApplied;

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
    this.issuedUnder =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .ticker(new ClockTicker(clock))
            .executor(Runnable::run)
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
      return issueRunTime(clientId, clientSecret);
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    tokens.put(key(token), match.id());
    return new Token(token, ttl.toSeconds(), match.id());
  }

  /**
   * Also issues tokens for the credentials of {@code store} (created at run time), and drops the
   * tokens issued under one as soon as the store revokes it.
   */
  void attach(LocalCredentials store) {
    runTime = Optional.of(store);
    store.onRevoke(this::dropTokensOf);
  }

  /**
   * Checks the credential with the store outside the lock (a database round trip must not serialise
   * token requests), then puts the token under the lock only if no revocation was applied since the
   * check began, and checks again otherwise. So a revocation either committed before the check
   * (which refuses it) or drops its tokens after the put (under the same lock): none is missed.
   */
  private Token issueRunTime(String clientId, String clientSecret) {
    while (true) {
      long before = revocationsApplied;
      LocalCredentials.Match m =
          runTime
              .flatMap(s -> s.check(clientId, clientSecret))
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.TOKEN_INVALID, "unknown client id or wrong secret"));
      synchronized (this) {
        if (revocationsApplied == before) {
          byte[] raw = new byte[32];
          RANDOM.nextBytes(raw);
          String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
          tokens.put(key(token), m.system());
          issuedUnder.put(key(token), m.clientId());
          return new Token(token, ttl.toSeconds(), m.system());
        }
      }
    }
  }

  // Package-private for the test that shows it waits for no credential check in progress.
  synchronized void dropTokensOf(String clientId) {
    revocationsApplied++;
    issuedUnder
        .asMap()
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getValue().equals(clientId)) {
                return false;
              }
              tokens.invalidate(e.getKey());
              return true;
            });
  }

  Optional<ClientId> verify(String token) {
    return Optional.ofNullable(tokens.getIfPresent(key(token)));
  }

  private static String key(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
}
