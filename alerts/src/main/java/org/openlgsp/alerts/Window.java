package org.openlgsp.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events per key over a sliding time window, used on the engine's thread only. Each key keeps at
 * most {@code cap} events (the latest), so a flood costs bounded memory; keys whose events all left
 * the window are forgotten.
 */
final class Window {
  record Event(Instant at, long ledgerIndex, String value) {}

  private final Duration length;
  private final int cap;
  private final Map<String, Deque<Event>> events = new HashMap<>();
  private long adds;

  Window(Duration length, int cap) {
    this.length = length;
    this.cap = cap;
  }

  /** Adds an event and returns the key's events still in the window, oldest first. */
  Deque<Event> add(String key, Event e) {
    Deque<Event> d = events.computeIfAbsent(key, k -> new ArrayDeque<>());
    d.addLast(e);
    if (d.size() > cap) {
      d.removeFirst();
    }
    Instant cutoff = e.at().minus(length);
    while (!d.isEmpty() && d.peekFirst().at().isBefore(cutoff)) {
      d.removeFirst();
    }
    if (++adds % 10_000 == 0) {
      forgetBefore(cutoff);
    }
    return d;
  }

  private void forgetBefore(Instant cutoff) {
    for (Iterator<Deque<Event>> it = events.values().iterator(); it.hasNext(); ) {
      Deque<Event> d = it.next();
      if (d.isEmpty() || d.peekLast().at().isBefore(cutoff)) {
        it.remove();
      }
    }
  }

  /**
   * Adds an event; once the key has {@code threshold} events in the window, answers them and
   * forgets them, so the next finding needs a full window again.
   */
  java.util.Optional<Deque<Event>> addUntil(String key, Event e, int threshold) {
    Deque<Event> d = add(key, e);
    if (d.size() < threshold) {
      return java.util.Optional.empty();
    }
    events.remove(key);
    return java.util.Optional.of(d);
  }

  /** Forgets the key's events, so the next finding needs a full window again. */
  void clear(String key) {
    events.remove(key);
  }

  static int distinct(Deque<Event> d) {
    Set<String> values = new HashSet<>();
    for (Event e : d) {
      values.add(e.value());
    }
    return values.size();
  }

  static Evidence evidence(Deque<Event> d, long count, Map<String, String> facts) {
    List<Long> indexes = d.stream().map(Event::ledgerIndex).toList();
    return new Evidence(d.peekFirst().at(), d.peekLast().at(), count, indexes, facts);
  }
}
