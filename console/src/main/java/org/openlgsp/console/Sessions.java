package org.openlgsp.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Console sessions, in memory (a restart signs everybody out): a 256-bit random id in a {@code
 * Secure; HttpOnly; SameSite=Strict} cookie, ended after {@code timeout} unused, with its own
 * 256-bit anti-forgery token. A session goes through the sign-in stages; only an {@link
 * Stage#ACTIVE} one authenticates page requests.
 */
final class Sessions {
  static final String COOKIE = "lgsp_console";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Cache<String, Session> sessions;

  enum Stage {
    /** The password was right; the TOTP code is next. */
    TOTP,
    /** The password was right and the account has no second factor yet: set it up. */
    ENROL,
    /** Signed in. */
    ACTIVE
  }

  /**
   * One session: its account, stage, anti-forgery token and, while enrolling, the TOTP secret
   * shown.
   */
  record Session(
      String id, Account account, Stage stage, String csrf, Optional<byte[]> pendingSecret) {
    Session {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(csrf, "csrf");
      Objects.requireNonNull(pendingSecret, "pendingSecret");
    }

    /** True when {@code token} is this session's anti-forgery token (constant time). */
    boolean csrfMatches(String token) {
      return token != null
          && MessageDigest.isEqual(
              csrf.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  Sessions(Duration timeout, Clock clock) {
    this.sessions =
        Caffeine.newBuilder()
            .expireAfterAccess(timeout)
            .maximumSize(10_000)
            .ticker(ticker(clock))
            .build();
  }

  private static Ticker ticker(Clock clock) {
    return () -> clock.millis() * 1_000_000L;
  }

  static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A new session for {@code account} at {@code stage}: a new id, never one the client sent. */
  Session start(Account account, Stage stage, Optional<byte[]> pendingSecret) {
    Session s = new Session(randomToken(), account, stage, randomToken(), pendingSecret);
    sessions.put(s.id(), s);
    return s;
  }

  Optional<Session> find(Optional<String> id) {
    return id.map(sessions::getIfPresent);
  }

  /** Moves a session on to the next stage under a new id (the old one stops working). */
  Session advance(Session from, Stage stage) {
    sessions.invalidate(from.id());
    return start(from.account(), stage, Optional.empty());
  }

  void end(String id) {
    sessions.invalidate(id);
  }

  /** Ends every session of {@code username}. */
  void endAll(String username) {
    sessions.asMap().values().removeIf(s -> s.account().username().equals(username));
  }

  /** The {@code Set-Cookie} value carrying {@code id}. */
  static String cookie(String id) {
    return COOKIE + "=" + id + "; Path=/; Secure; HttpOnly; SameSite=Strict";
  }

  /** The {@code Set-Cookie} value removing the session cookie. */
  static String expiredCookie() {
    return COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict";
  }
}
