package org.openlgsp.console;

import java.time.Duration;
import org.openlgsp.edge.AdminApi;

/**
 * The web console of a registry node ({@code registry.console} in node.yaml, docs/console.md); each
 * key left out takes the default shown.
 *
 * @param enabled serve the console (default false)
 * @param host the listener's address (default 127.0.0.1; see docs/console.md for TLS in front)
 * @param port its port (default 8480; 0: any free port)
 * @param sessionTimeout a session unused this long ends (default PT30M)
 * @param lockoutAfter failed sign-ins in a row that lock an account (default 5)
 * @param lockoutFor how long a locked account stays locked (default PT15M)
 * @param pageSize rows per page in lists (default 50)
 */
public record ConsoleOptions(
    Boolean enabled,
    String host,
    Integer port,
    Duration sessionTimeout,
    Integer lockoutAfter,
    Duration lockoutFor,
    Integer pageSize) {
  public ConsoleOptions {
    enabled = enabled != null && enabled;
    host = host == null ? "127.0.0.1" : host;
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    port = port == null ? 8480 : port;
    if (!AdminApi.isPort(port)) {
      throw new IllegalArgumentException("port must be from 0 to 65535");
    }
    sessionTimeout = positive(sessionTimeout, Duration.ofMinutes(30), "sessionTimeout");
    lockoutAfter = lockoutAfter == null ? 5 : lockoutAfter;
    if (lockoutAfter < 1 || lockoutAfter > 100) {
      throw new IllegalArgumentException("lockoutAfter must be from 1 to 100");
    }
    lockoutFor = positive(lockoutFor, Duration.ofMinutes(15), "lockoutFor");
    pageSize = pageSize == null ? 50 : pageSize;
    if (pageSize < 5 || pageSize > 500) {
      throw new IllegalArgumentException("pageSize must be from 5 to 500");
    }
  }

  public static ConsoleOptions defaults() {
    return new ConsoleOptions(null, null, null, null, null, null, null);
  }

  /** These options, enabled, on {@code host}:{@code port}. */
  public ConsoleOptions listening(String host, int port) {
    return new ConsoleOptions(true, host, port, sessionTimeout, lockoutAfter, lockoutFor, pageSize);
  }

  private static Duration positive(Duration d, Duration fallback, String name) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }
}
