package org.openlgsp.documents;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.AgencyCode;

/**
 * Drives deliveries that leave this node: pushes to webhooks and forwards to remote axis nodes.
 * Rows live in the database, so work survives a crash; failures retry with exponential backoff.
 */
final class Outbox implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
  private final DocumentStore store;
  private final PackageFiles files;
  private final AxisOptions options;
  private final RemoteDelivery remote;
  private final Clock clock;
  private final WebClient http = AxisHttp.client(Duration.ofMinutes(5));
  private final Semaphore signal = new Semaphore(0);
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong failedAttempts =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong givenUp =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Chains delivered at once, each holding a connection: without a bound, a burst opened hundreds
   * of connections to one agency's webhook, more than a small HTTP server keeps (the JDK's closes
   * idle ones beyond 200, and clients then saw their pooled connections reset).
   */
  static final int MAX_IN_FLIGHT = 32;

  private static final HeaderName DELIVERY_ID = HeaderNames.create("X-Lgsp-Delivery-Id");

  private volatile boolean running;
  private Thread loop;

  Outbox(
      DocumentStore store,
      PackageFiles files,
      AxisOptions options,
      RemoteDelivery remote,
      Clock clock) {
    this.files = files;
    this.store = store;
    this.options = options;
    this.remote = remote;
    this.clock = clock;
  }

  synchronized void start() {
    if (loop != null) {
      return;
    }
    running = true;
    loop = Thread.ofPlatform().daemon().name("edoc-outbox").start(this::run);
  }

  void wake() {
    signal.release();
  }

  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong();

  /** A time-ordered id, so that sorting by id gives creation order. */
  static String nextId(long now) {
    return String.format(
        "%013d-%06d-%s",
        now,
        SEQUENCE.getAndIncrement() % 1_000_000,
        java.util.UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * Takes due entries as they come: a chain of entries is handed to a worker and the next pass does
   * not wait for it, so one slow destination (a webhook that hangs until its timeout, a 100 MB
   * forward) does not hold up the others. A chain's order key stays in {@link #inFlight} until it
   * ends; only this loop adds keys.
   */
  private void run() {
    while (running) {
      try {
        // Snapshot before reading: a key absent here was released after its chain's results were
        // committed, so the read below cannot return an entry that chain already delivered.
        // A wake() from here on (a package accepted, a chain ended) leaves a permit for the wait.
        signal.drainPermits();
        Set<String> busy = Set.copyOf(inFlight);
        List<List<DocumentStore.OutboxRow>> chains = dueChains(store.pending(256), busy);
        if (chains.isEmpty() || busy.size() >= MAX_IN_FLIGHT) {
          signal.tryAcquire(200, TimeUnit.MILLISECONDS);
          continue;
        }
        int room = MAX_IN_FLIGHT - busy.size();
        for (List<DocumentStore.OutboxRow> chain :
            chains.subList(0, Math.min(room, chains.size()))) {
          String key = chain.get(0).orderKey();
          inFlight.add(key);
          workers.submit(
              () -> {
                try {
                  deliverInOrder(chain);
                } finally {
                  inFlight.remove(key);
                  wake();
                }
              });
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (running) {
          LOG.log(Level.WARNING, "outbox pass failed; retrying", e);
          sleepQuietly();
        }
      }
    }
  }

  /**
   * Entries for one destination about one document (a document, its statuses, its revoke) leave in
   * the order they were created: per group, the due entries up to the first one still waiting for
   * its retry time; groups a worker is delivering are left to it. Groups proceed in parallel.
   */
  private List<List<DocumentStore.OutboxRow>> dueChains(
      List<DocumentStore.OutboxRow> pending, Set<String> busy) {
    long now = clock.millis();
    java.util.Map<String, List<DocumentStore.OutboxRow>> groups = new java.util.LinkedHashMap<>();
    java.util.Set<String> blocked = new java.util.HashSet<>(busy);
    for (DocumentStore.OutboxRow row : pending) {
      if (blocked.contains(row.orderKey())) {
        continue;
      }
      if (row.nextAttemptAt() > now) {
        blocked.add(row.orderKey());
        continue;
      }
      groups.computeIfAbsent(row.orderKey(), k -> new ArrayList<>()).add(row);
    }
    return new ArrayList<>(groups.values());
  }

  private void deliverInOrder(List<DocumentStore.OutboxRow> chain) {
    for (DocumentStore.OutboxRow row : chain) {
      if (!attempt(row)) {
        return; // later entries wait behind this one
      }
    }
  }

  private boolean attempt(DocumentStore.OutboxRow row) {
    try {
      PackageBody file = files.body(Path.of(row.path()));
      if (row.kind().equals("push")) {
        push(row.target(), row.deliveryId(), file);
        store.outboxDone(row, "acknowledged", clock.millis());
      } else {
        remote.deliver(AgencyCode.parse(row.target()), file);
        store.outboxDone(row, "forwarded", clock.millis());
      }
      return true;
    } catch (Exception e) {
      int attempts = row.attempts() + 1;
      boolean giveUp = attempts >= options.maxAttempts();
      long next = clock.millis() + options.backoff(attempts).toMillis();
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.fine(() -> row.kind() + " " + row.id() + " failed (attempt " + attempts + "): " + why);
      store.outboxFailed(row, why, next, giveUp);
      failedAttempts.incrementAndGet();
      if (giveUp) {
        givenUp.incrementAndGet();
      }
      return giveUp;
    }
  }

  /** Delivery attempts that failed since start (each is retried later or given up). */
  long failedAttempts() {
    return failedAttempts.get();
  }

  /** Deliveries given up (marked dead) since start after their last attempt failed. */
  long givenUp() {
    return givenUp.get();
  }

  private void push(String url, String deliveryId, PackageBody file) throws Exception {
    try (HttpClientResponse res =
        AxisHttp.sendFile(
            http.post(url)
                .header(HeaderNames.CONTENT_TYPE, "application/xml")
                .header(DELIVERY_ID, deliveryId),
            file)) {
      if (res.status().code() / 100 != 2) {
        throw new IllegalStateException("webhook answered HTTP " + res.status().code());
      }
      res.inputStream().transferTo(OutputStream.nullOutputStream());
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    Thread t;
    synchronized (this) {
      t = loop;
    }
    if (t != null) {
      signal.release();
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.shutdownNow();
    http.closeResource();
  }
}
