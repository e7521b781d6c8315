package org.openlgsp.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
  // per key, how many of its events in the window carry each value; kept only for distinct()
  private final Map<String, Map<String, Integer>> values;
  private long adds;

  Window(Duration length, int cap) {
    this(length, cap, false);
  }

  /**
   * With {@code countValues}, {@link #distinct} is kept as events come and go, rather than counted
   * over the whole window at each event (which cost the enumeration rule a set of up to {@code cap}
   * values per exchange).
   */
  Window(Duration length, int cap, boolean countValues) {
    this.length = length;
    this.cap = cap;
    this.values = countValues ? new HashMap<>() : null;
  }

  /** Adds an event and returns the key's events still in the window, oldest first. */
  Deque<Event> add(String key, Event e) {
    Deque<Event> d = events.computeIfAbsent(key, k -> new ArrayDeque<>());
    d.addLast(e);
    if (values != null) {
      values.computeIfAbsent(key, k -> new HashMap<>()).merge(e.value(), 1, Integer::sum);
    }
    if (d.size() > cap) {
      left(key, d.removeFirst());
    }
    Instant cutoff = e.at().minus(length);
    while (!d.isEmpty() && d.peekFirst().at().isBefore(cutoff)) {
      left(key, d.removeFirst());
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
    if (values != null) {
      values.keySet().retainAll(events.keySet());
    }
  }

  private void left(String key, Event gone) {
    if (values != null) {
      Map<String, Integer> v = values.get(key);
      v.computeIfPresent(gone.value(), (k, n) -> n == 1 ? null : n - 1);
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
    clear(key);
    return java.util.Optional.of(d);
  }

  /** Forgets the key's events, so the next finding needs a full window again. */
  void clear(String key) {
    events.remove(key);
    if (values != null) {
      values.remove(key);
    }
  }

  /** How many different values the key's events in the window carry (needs countValues). */
  int distinct(String key) {
    Map<String, Integer> v = values.get(key);
    return v == null ? 0 : v.size();
  }

  /**
   * Evidence spanning the events' earliest and latest times: the gateway's threads hand over
   * observations in the order they finish, not the order they started, so the deque's ends need not
   * be its extremes.
   */
  static Evidence evidence(Deque<Event> d, long count, Map<String, String> facts) {
    List<Long> indexes = d.stream().map(Event::ledgerIndex).toList();
    Instant first = d.stream().map(Event::at).min(Instant::compareTo).orElseThrow();
    Instant last = d.stream().map(Event::at).max(Instant::compareTo).orElseThrow();
    return new Evidence(first, last, count, indexes, facts);
  }
}
