package org.openlgsp.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls until something asynchronous has happened (a delivery, a catalogue taken, a summary sent),
 * or gives up: for the demos, which cannot use Awaitility (a test dependency).
 */
public final class DocumentExchangeWait {
  private DocumentExchangeWait() {}

  /** Until a delivery has happened: polled every 20 ms, at most a minute. */
  public static void until(BooleanSupplier condition) throws InterruptedException {
    until(condition, Duration.ofSeconds(60), Duration.ofMillis(20), "delivery did not complete");
  }

  /**
   * Polls {@code condition} every {@code every} until it holds; after {@code within}, fails with
   * {@code what} and the limit.
   */
  public static void until(BooleanSupplier condition, Duration within, Duration every, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " within " + within.toSeconds() + " s");
      }
      Thread.sleep(every.toMillis());
    }
  }
}
