package org.openlgsp.console;

import java.util.Optional;

/**
 * What a console request changed, for its audit row: the handler notes the state before and after
 * (or the account signing in), and the audit log adds it to the edge's row. Helidon serves a
 * request on one virtual thread and the edge writes the row on it, so the note is thread-confined,
 * set and taken within the request.
 */
final class Changes {
  private static final ThreadLocal<String> NOTE = new ThreadLocal<>();

  private Changes() {}

  static void note(String note) {
    NOTE.set(note);
  }

  static void beforeAfter(String before, String after) {
    NOTE.set("before: " + before + "; after: " + after);
  }

  /** The note of the current request, removed. */
  static Optional<String> take() {
    String n = NOTE.get();
    NOTE.remove();
    return Optional.ofNullable(n);
  }

  /**
   * The audit detail of the current request: its note (removed) and the edge's {@code detail},
   * joined by {@code "; "}, either left out when empty. Both consoles' audit rows read so.
   */
  static String takeWith(String detail) {
    return String.join(
        "; ",
        java.util.stream.Stream.of(take().orElse(""), detail).filter(x -> !x.isEmpty()).toList());
  }
}
