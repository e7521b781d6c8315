package org.openlgsp.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls until asynchronous delivery has happened, or gives up after a minute. */
public final class DocumentExchangeWait {
  private DocumentExchangeWait() {}

  public static void until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("delivery did not complete within 60 s");
      }
      Thread.sleep(20);
    }
  }
}
