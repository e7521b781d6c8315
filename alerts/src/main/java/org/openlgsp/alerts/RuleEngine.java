package org.openlgsp.alerts;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;

/**
 * Runs the rules: the gateway's thread only offers each observation to a bounded queue (dropped and
 * counted when full, never waited for); one thread of its own feeds them to the stream rules,
 * another asks the state rules at each poll. A rule that throws loses that observation, not the
 * engine.
 */
final class RuleEngine implements ExchangeObserver, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RuleEngine.class.getName());
  private final BlockingQueue<ExchangeObservation> queue;
  private final List<StreamRule> streamRules;
  private final List<StateRule> stateRules;
  private final NodeSignals signals;
  private final Alerter alerter;
  private final Clock clock;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final Thread thread;
  private final ScheduledExecutorService poller;
  private volatile boolean running = true;
  // released by close(), so the engine's thread does not sit out a linger
  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);

  /** Longest the engine's thread rests between turns while observations arrive. */
  static final java.time.Duration LINGER = java.time.Duration.ofMillis(100);

  RuleEngine(
      boolean enabled,
      AlertRules rules,
      int queueSize,
      java.time.Duration pollInterval,
      NodeSignals signals,
      Alerter alerter,
      Clock clock) {
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.streamRules = enabled ? StreamRule.of(rules, clock.instant()) : List.of();
    this.stateRules = enabled ? StateRule.of(rules) : List.of();
    this.signals = signals;
    this.alerter = alerter;
    this.clock = clock;
    this.thread = Thread.ofPlatform().daemon().name("alerts-rules").start(this::run);
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("alerts-poll").unstarted(r));
    poller.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void observed(ExchangeObservation o) {
    if (!running || !queue.offer(o)) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<ExchangeObservation> taken = new java.util.ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        ExchangeObservation first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        taken.add(first);
        queue.drainTo(taken);
        for (ExchangeObservation o : taken) {
          observe(o);
        }
        taken.clear();
        // Under load, waking for every observation cost each exchange a context switch; waking
        // a few times a second takes what queued meanwhile at once (BENCHMARKS.md, "Observer
        // overhead"). A finding is at most LINGER later.
        if (running && queue.isEmpty()) {
          closing.await(LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void observe(ExchangeObservation o) {
    for (StreamRule rule : streamRules) {
      try {
        rule.observe(o).ifPresent(alerter::raise);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "alert rule failed: " + e);
      }
    }
    processed.incrementAndGet();
  }

  /** Asks every state rule once (also called by the poll thread at each interval). */
  void poll() {
    for (StateRule rule : stateRules) {
      try {
        synchronized (rule) {
          rule.poll(signals, clock.instant()).forEach(alerter::raise);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "alert rule failed: " + e);
      }
    }
  }

  long dropped() {
    return dropped.get();
  }

  long processed() {
    return processed.get();
  }

  @Override
  public void close() {
    running = false;
    closing.countDown();
    poller.shutdownNow();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
