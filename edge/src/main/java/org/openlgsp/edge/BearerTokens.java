package org.openlgsp.edge;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.Authenticator;

/**
 * {@code Authorization: Bearer} tokens, each configured by name, the hex SHA-256 of the token and
 * its roles. Only hashes are held; a presented token is hashed and compared with every configured
 * hash in constant time, so neither the comparison nor which entry matched shows in the timing. The
 * principal is the token's name: audit rows never see the token.
 */
public final class BearerTokens implements Authenticator {
  private final ErrorCode unauthenticated;
  private final List<Entry> entries;

  private record Entry(Principal principal, byte[] sha256) {}

  private BearerTokens(ErrorCode unauthenticated, List<Entry> entries) {
    this.unauthenticated = unauthenticated;
    this.entries = List.copyOf(entries);
  }

  /**
   * Starts a set of tokens.
   *
   * @param unauthenticated the listener's code for missing or refused credentials (a 401 code, e.g.
   *     {@code admin.unauthenticated})
   */
  public static Builder builder(ErrorCode unauthenticated) {
    if (Objects.requireNonNull(unauthenticated, "unauthenticated").httpStatus() != 401) {
      throw new IllegalArgumentException("the unauthenticated code must be a 401 code");
    }
    return new Builder(unauthenticated);
  }

  /** The hex SHA-256 of a token, as configuration stores it. */
  public static String hash(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public Principal authenticate(ServerRequest request) {
    String auth = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new LgspException(unauthenticated, "send Authorization: Bearer <token>");
    }
    byte[] presented = Digests.sha256(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    Principal found = null;
    for (Entry e : entries) {
      // every entry is compared, so the time taken does not depend on which one matched
      if (Digests.constantTimeEquals(presented, e.sha256())) {
        found = e.principal();
      }
    }
    if (found == null) {
      throw new LgspException(unauthenticated, "token not accepted");
    }
    return found;
  }

  /** Adds named tokens; {@link #build} requires at least one. */
  public static final class Builder {
    private final ErrorCode unauthenticated;
    private final List<Entry> entries = new ArrayList<>();

    private Builder(ErrorCode unauthenticated) {
      this.unauthenticated = unauthenticated;
    }

    /**
     * A token named {@code name} (the audit actor), given as the hex SHA-256 of the token, holding
     * {@code roles}.
     */
    public Builder token(String name, String sha256Hex, Set<String> roles) {
      byte[] hash;
      try {
        hash = HexFormat.of().parseHex(sha256Hex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("token hash of '" + name + "' must be hex");
      }
      if (hash.length != 32) {
        throw new IllegalArgumentException("token hash of '" + name + "' must be 32 bytes");
      }
      for (Entry e : entries) {
        if (e.principal().actor().equals(name)) {
          throw new IllegalArgumentException("token name '" + name + "' is used twice");
        }
        if (Digests.constantTimeEquals(e.sha256(), hash)) {
          throw new IllegalArgumentException(
              "tokens '" + name + "' and '" + e.principal().actor() + "' are the same token");
        }
      }
      entries.add(new Entry(new Principal(name, roles), hash));
      return this;
    }

    public BearerTokens build() {
      if (entries.isEmpty()) {
        throw new IllegalStateException("no token configured");
      }
      return new BearerTokens(unauthenticated, entries);
    }
  }
}
