package org.openlgsp.edge;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The identifiers of the request the current thread serves, for log lines: the request id the edge
 * gives every request (the caller's {@code X-Request-Id} when it is a plain token of at most 64
 * characters, else a new UUID; answered in {@code X-Request-Id}), and the message id a handler
 * names once it knows it (the gateway: the exchange's {@code X-Road-Id}). Set and cleared by the
 * edge around each request; a log formatter reads them on the logging thread ({@link
 * JsonLogFormatter}).
 */
public final class RequestLog {
  static final String HEADER = "X-Request-Id";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final ThreadLocal<Ids> CURRENT = new ThreadLocal<>();

  private RequestLog() {}

  private static final class Ids {
    final String requestId;
    String messageId;

    Ids(String requestId) {
      this.requestId = requestId;
    }
  }

  /** The request id of the request this thread serves, if any. */
  public static Optional<String> requestId() {
    Ids ids = CURRENT.get();
    return ids == null ? Optional.empty() : Optional.of(ids.requestId);
  }

  /** The message id a handler named for the request this thread serves, if any. */
  public static Optional<String> messageId() {
    Ids ids = CURRENT.get();
    return ids == null ? Optional.empty() : Optional.ofNullable(ids.messageId);
  }

  /** Names the message the current request carries; ignored outside a request. */
  public static void messageId(String id) {
    Ids ids = CURRENT.get();
    if (ids != null && ACCEPTED.matcher(id).matches()) {
      ids.messageId = id;
    }
  }

  /** Starts a request's context: the caller's id when acceptable, else a new one. */
  static String begin(Optional<String> offered) {
    String id = offered.filter(o -> ACCEPTED.matcher(o).matches()).orElseGet(RequestLog::newId);
    CURRENT.set(new Ids(id));
    return id;
  }

  /**
   * A random id in UUID form. It correlates log lines and is no secret, so it comes from {@link
   * ThreadLocalRandom} rather than {@code UUID.randomUUID()}'s SecureRandom, which every request
   * would otherwise draw from (JFR method timing: two extra draws per exchange through two
   * gateways).
   */
  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(high, low).toString();
  }

  static void end() {
    CURRENT.remove();
  }
}
