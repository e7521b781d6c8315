package org.openlgsp.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns findings into alerts: a finding of the same rule and key as an alert raised less than the
 * suppression window ago only counts as another occurrence of it; any other is stored and handed to
 * delivery. The window rests on the stored alerts (their rule, key and raise time), so a restart
 * within it raises nothing new; the map in memory only spares a query per repeat.
 */
final class Alerter {
  private static final Logger LOG = Logger.getLogger(Alerter.class.getName());
  private final AlertStore store;
  private final Dispatcher dispatcher;
  private final Duration suppression;
  private final Clock clock;
  private final Map<String, AlertStore.Raising> recent = new HashMap<>();
  private final java.util.concurrent.atomic.AtomicLong raised =
      new java.util.concurrent.atomic.AtomicLong();

  Alerter(AlertStore store, Dispatcher dispatcher, Duration suppression, Clock clock) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.suppression = suppression;
    this.clock = clock;
  }

  long raised() {
    return raised.get();
  }

  synchronized void raise(Raised r) {
    Instant now = clock.instant();
    String key = r.rule() + "\u0000" + r.key();
    try {
      AlertStore.Raising last = recent.get(key);
      if (last == null || !now.isBefore(last.at().plus(suppression))) {
        // not in memory (first since start, or forgotten): the store has the last raising
        last = store.latestRaisedAfter(r.rule(), r.key(), now.minus(suppression)).orElse(null);
      }
      if (last != null && now.isBefore(last.at().plus(suppression))) {
        recent.put(key, last);
        store.seenAgain(last.id(), now);
        return;
      }
      Alert a = store.insert(r, now);
      raised.incrementAndGet();
      recent.put(key, new AlertStore.Raising(a.id(), now));
      if (recent.size() > 10_000) {
        recent.values().removeIf(x -> !now.isBefore(x.at().plus(suppression)));
      }
      dispatcher.deliver(a);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "alert of rule " + r.rule() + " not stored: " + e.getMessage());
    }
  }
}
