package org.openlgsp.alerts;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers alerts to each channel on that channel's own thread, so a slow SIEM cannot hold up
 * e-mail; a failed attempt is retried after a backoff that doubles up to a cap, at most {@code
 * maxAttempts} times in all, then given up and counted. Each channel holds at most {@value
 * #MAX_PENDING} alerts waiting; more are dropped and counted.
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
  static final int MAX_PENDING = 1000;
  private final AlertsOptions.Delivery policy;
  private final List<Lane> lanes = new ArrayList<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private final class Lane {
    final Channel channel;
    final ScheduledExecutorService thread;
    final AtomicInteger pending = new AtomicInteger();

    Lane(Channel channel) {
      this.channel = channel;
      this.thread =
          Executors.newSingleThreadScheduledExecutor(
              r ->
                  Thread.ofPlatform()
                      .daemon()
                      .name(
                          "alerts-"
                              + channel
                                  .getClass()
                                  .getSimpleName()
                                  .toLowerCase(java.util.Locale.ROOT))
                      .unstarted(r));
    }

    void attempt(Alert a, int attempt) {
      try {
        channel.send(a);
        delivered.incrementAndGet();
        pending.decrementAndGet();
      } catch (IOException | RuntimeException e) {
        if (attempt >= policy.maxAttempts()) {
          failed.incrementAndGet();
          pending.decrementAndGet();
          LOG.log(
              Level.WARNING,
              "alert "
                  + a.id()
                  + " not delivered to "
                  + channel.name()
                  + " after "
                  + attempt
                  + " attempts: "
                  + e.getMessage());
          return;
        }
        long wait = backoff(attempt).toMillis();
        try {
          thread.schedule(() -> attempt(a, attempt + 1), wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          pending.decrementAndGet();
        }
      }
    }
  }

  Dispatcher(List<Channel> channels, AlertsOptions.Delivery policy) {
    this.policy = policy;
    for (Channel c : channels) {
      lanes.add(new Lane(c));
    }
  }

  /** The wait before attempt {@code attempt + 1}. */
  Duration backoff(int attempt) {
    Duration d = policy.backoff().multipliedBy(1L << Math.min(attempt - 1, 20));
    return d.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : d;
  }

  void deliver(Alert a) {
    for (Lane l : lanes) {
      if (a.severity().compareTo(l.channel.minSeverity()) < 0) {
        continue;
      }
      if (l.pending.incrementAndGet() > MAX_PENDING) {
        l.pending.decrementAndGet();
        failed.incrementAndGet();
        continue;
      }
      try {
        l.thread.execute(() -> l.attempt(a, 1));
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        l.pending.decrementAndGet();
      }
    }
  }

  long delivered() {
    return delivered.get();
  }

  long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    for (Lane l : lanes) {
      l.thread.shutdownNow();
    }
  }
}
