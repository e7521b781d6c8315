package org.openlgsp.gateway;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers (client, message id) pairs for twice the accepted clock window: a message older than
 * the window is refused by time, a newer one by this memory, so a replay is caught either way.
 */
final class ReplayGuard {
  private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
  private final long retainMillis;
  private final AtomicLong nextPurge = new AtomicLong();

  ReplayGuard(Duration window) {
    this.retainMillis = window.toMillis() * 2;
  }

  /** True the first time this client uses this message id; false for a replay. */
  boolean firstUse(String client, String messageId, long nowMillis) {
    purgeIfDue(nowMillis);
    String key = client + '\n' + messageId;
    Long previous = seen.putIfAbsent(key, nowMillis + retainMillis);
    if (previous == null) {
      return true;
    }
    if (previous < nowMillis) {
      return seen.replace(key, previous, nowMillis + retainMillis);
    }
    return false;
  }

  int size() {
    return seen.size();
  }

  private void purgeIfDue(long nowMillis) {
    long due = nextPurge.get();
    if (nowMillis >= due && nextPurge.compareAndSet(due, nowMillis + 1_000)) {
      seen.values().removeIf(expiry -> expiry < nowMillis);
    }
  }
}
