package org.openlgsp.edge;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Closes connections whose client sends a request too slowly ({@link ReadLimits}); one reaper
 * thread per process checks four times per header timeout.
 *
 * <ul>
 *   <li><b>Headers</b>: Helidon reports every byte it reads on an HTTP/1 connection and the end of
 *       each header block; a connection whose request started (first byte) longer than the header
 *       timeout ago without completing its headers is closed. Until its first byte, a connection is
 *       idle and Helidon's idle timeout applies.
 *   <li><b>Body</b>: the body a handler reads through {@link Call#body()} is watched while the
 *       handler waits in a read: a read waiting longer than the stall timeout, or a client
 *       averaging less than the minimum rate over the time handlers spent waiting for it (after a
 *       grace of one stall timeout), has its connection closed by interrupting the reading virtual
 *       thread (the JDK then closes the socket) — the handler sees an I/O error and the listener's
 *       one error writer answers. Time a handler spends between reads (e.g. spooling) is not
 *       charged to the client.
 * </ul>
 */
final class SlowClients implements Http1ConnectionListener {
  private static final Logger LOG = Logger.getLogger(SlowClients.class.getName());
  private static final ScheduledExecutorService REAPER =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("edge-slow-clients").daemon().factory());

  private final ReadLimits limits;
  // Connections between a request's first byte and the end of its headers: when that began.
  private final Map<ConnectionContext, Long> headerStarts = new ConcurrentHashMap<>();
  private final Set<WatchedBody> bodies = ConcurrentHashMap.newKeySet();
  private final AtomicLong closed = new AtomicLong();

  SlowClients(ReadLimits limits) {
    this.limits = limits;
    long period = Math.max(20, limits.headerTimeout().toMillis() / 4);
    REAPER.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.MILLISECONDS);
  }

  ReadLimits limits() {
    return limits;
  }

  /** How many connections were closed for being slow. */
  long closedConnections() {
    return closed.get();
  }

  @Override
  public void data(ConnectionContext ctx, BufferData data) {
    headerStarts.putIfAbsent(ctx, System.nanoTime());
  }

  @Override
  public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
    headerStarts.putIfAbsent(ctx, System.nanoTime());
  }

  @Override
  public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
    // A kept-alive connection's next request may have arrived with the previous one's bytes.
    headerStarts.putIfAbsent(ctx, System.nanoTime());
  }

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    headerStarts.remove(ctx);
  }

  @Override
  public void status(ConnectionContext ctx, Status status) {
    headerStarts.remove(ctx);
  }

  /**
   * The listener for what the server sends: an answer ends the wait for headers (Helidon may refuse
   * a request before its headers are complete). The answer's own bytes must not start the header
   * timer, or every kept-alive connection would be closed a header timeout after its last answer
   * instead of after the idle timeout.
   */
  Http1ConnectionListener sendListener() {
    return new Http1ConnectionListener() {
      @Override
      public void status(ConnectionContext ctx, Status status) {
        headerStarts.remove(ctx);
      }
    };
  }

  /** {@code body}, closed under its reader when the client sends it too slowly. */
  InputStream watch(InputStream body) {
    return new WatchedBody(body);
  }

  private void reap() {
    try {
      long now = System.nanoTime();
      long headerLimit = limits.headerTimeout().toNanos();
      headerStarts.forEach(
          (ctx, start) -> {
            if (now - start > headerLimit && headerStarts.remove(ctx, start)) {
              closed.incrementAndGet();
              LOG.info("closing a connection: request headers not complete in time");
              try {
                ctx.serverSocket().close();
              } catch (RuntimeException e) {
                LOG.fine("closing a slow connection failed: " + e);
              }
            }
          });
      for (WatchedBody b : bodies) {
        b.checkAt(now);
      }
    } catch (RuntimeException e) {
      LOG.warning("slow-client check failed: " + e);
    }
  }

  private final class WatchedBody extends FilterInputStream {
    private volatile Thread reader;
    private volatile long readSince;
    private long waitedNanos;
    private long bytes;

    WatchedBody(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      begin();
      try {
        int b = super.read();
        end(b < 0 ? 0 : 1);
        return b;
      } catch (RuntimeException e) {
        throw unreadable(e);
      } finally {
        reader = null;
      }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      begin();
      try {
        int n = super.read(buf, off, len);
        end(Math.max(0, n));
        return n;
      } catch (RuntimeException e) {
        throw unreadable(e);
      } finally {
        reader = null;
      }
    }

    /**
     * Helidon's body decoder throws unchecked exceptions for a body the client framed wrongly (a
     * chunk size that is not hexadecimal: {@code NumberFormatException}): the client's fault, not
     * an incident. Our own refusals (e.g. a limit) pass as they are.
     */
    private RuntimeException unreadable(RuntimeException e) {
      if (e instanceof org.openlgsp.core.LgspException
          || e instanceof io.helidon.http.HttpException
          || e instanceof io.helidon.http.RequestException) {
        return e;
      }
      return new org.openlgsp.core.LgspException(
          org.openlgsp.core.ErrorCode.REQUEST_MALFORMED,
          "request body could not be read (malformed chunked encoding)");
    }

    // Never clears the thread's interrupt status: an interrupted virtual thread's next socket
    // operation closes the connection, which a stopping listener relies on too.
    private void begin() {
      readSince = System.nanoTime();
      reader = Thread.currentThread();
      bodies.add(this);
    }

    private void end(int n) {
      bodies.remove(this);
      waitedNanos += System.nanoTime() - readSince;
      bytes += n;
    }

    // On the reaper thread: waitedNanos and bytes are read racily, which can only delay a close.
    void checkAt(long now) {
      Thread t = reader;
      if (t == null) {
        return;
      }
      long stall = limits.bodyStallTimeout().toNanos();
      long waiting = now - readSince;
      long waited = waitedNanos + waiting;
      boolean stalled = waiting > stall;
      boolean tooSlow =
          waited > stall
              && bytes * 1_000_000_000L < limits.bodyMinBytesPerSecond() * (waited - stall);
      if ((stalled || tooSlow) && bodies.remove(this)) {
        closed.incrementAndGet();
        LOG.info(
            "closing a connection: request body "
                + (stalled ? "stalled" : "below " + limits.bodyMinBytesPerSecond() + " bytes/s"));
        t.interrupt();
      }
    }
  }
}
