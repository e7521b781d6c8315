package org.openlgsp.alerts;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.BackgroundBatches;

/**
 * Runs the rules: the gateway's thread only offers each observation to a bounded queue (dropped and
 * counted when full, never waited for); one thread of its own feeds them to the stream rules,
 * another asks the state rules at each poll. A rule that throws loses that observation, not the
 * engine.
 */
final class RuleEngine implements ExchangeObserver, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RuleEngine.class.getName());
  private final BackgroundBatches<ExchangeObservation> batches;
  private final List<StreamRule> streamRules;
  private final List<StateRule> stateRules;
  private final NodeSignals signals;
  private final Alerter alerter;
  private final Clock clock;
  private final ScheduledExecutorService poller;

  RuleEngine(
      boolean enabled,
      AlertRules rules,
      int queueSize,
      java.time.Duration pollInterval,
      NodeSignals signals,
      Alerter alerter,
      Clock clock) {
    this.streamRules = enabled ? StreamRule.of(rules, clock.instant()) : List.of();
    this.stateRules = enabled ? StateRule.of(rules) : List.of();
    this.signals = signals;
    this.alerter = alerter;
    this.clock = clock;
    this.batches =
        new BackgroundBatches<>(
            "alerts-rules",
            queueSize,
            // handled one by one as taken; taken in turns of up to 100 ms rather than per
            // observation (BENCHMARKS.md, "Observer overhead")
            1024,
            java.time.Duration.ZERO,
            java.time.Duration.ofMillis(100),
            java.time.Duration.ofSeconds(5),
            "alert rules lost %d observations: %s",
            BackgroundBatches.Sink.each(this::observe));
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("alerts-poll").unstarted(r));
    poller.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void observed(ExchangeObservation o) {
    batches.offer(o);
  }

  private void observe(ExchangeObservation o) {
    for (StreamRule rule : streamRules) {
      try {
        rule.observe(o).ifPresent(alerter::raise);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "alert rule failed: " + e);
      }
    }
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
    return batches.dropped();
  }

  long processed() {
    return batches.done();
  }

  @Override
  public void close() {
    poller.shutdownNow();
    batches.close();
  }
}
