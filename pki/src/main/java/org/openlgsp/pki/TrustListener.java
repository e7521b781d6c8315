package org.openlgsp.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The trust services' HTTP/1.0 and HTTP/1.1 listener: one request per connection, bounded in time
 * and number. A connection whose exchange (request line, headers, body and answer) is not complete
 * within {@code exchangeTimeout} of being accepted is closed, so a client that sends a partial
 * request line — or nothing — holds a connection for that long at most; at most {@code
 * maxConnections} are open at once, further ones are answered 503 and closed.
 *
 * <p>Not Helidon (like every other listener): OCSP and TSA clients in the field, OpenSSL 3.0's
 * {@code ocsp} and {@code ts} among them, speak HTTP/1.0, which Helidon 4 refuses with 505. Not the
 * JDK's {@code HttpServer} either: its request time limits are JVM-wide system properties read
 * once, off by default. What these services need of HTTP is small: a request line, {@code
 * Content-Length} bodies up to {@value #MAX_BODY} bytes, {@code Expect: 100-continue}.
 */
final class TrustListener implements AutoCloseable {
  /** A route: method, raw path and body in, answer out; {@link LgspException} for refusals. */
  interface Handler {
    Answer handle(String method, String path, byte[] body) throws IOException;
  }

  record Answer(int status, String contentType, byte[] body) {}

  static final int MAX_BODY = 64 * 1024;
  private static final int MAX_HEAD = 16 * 1024;
  private static final Logger LOG = Logger.getLogger(TrustListener.class.getName());

  private final ServerSocket server;
  private final Handler handler;
  private final Duration exchangeTimeout;
  private final Semaphore slots;
  private final ScheduledExecutorService deadlines;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  TrustListener(
      String host, int port, Duration exchangeTimeout, int maxConnections, Handler handler) {
    this.handler = handler;
    this.exchangeTimeout = exchangeTimeout;
    this.slots = new Semaphore(maxConnections);
    try {
      this.server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
    } catch (IOException e) {
      throw new PkiException("cannot listen on " + host + ":" + port + " for trust services", e);
    }
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("trust-services-deadlines").factory());
    this.acceptor = Thread.ofVirtual().name("trust-services-accept").start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          // e.g. out of file descriptors: back off instead of spinning on the failure
          LOG.log(Level.WARNING, "trust services: accept failed", e);
          java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
        continue;
      }
      boolean admitted = slots.tryAcquire();
      Thread.ofVirtual().start(() -> serve(s, admitted));
    }
  }

  private void serve(Socket s, boolean admitted) {
    open.add(s);
    // Closing the socket ends whatever read or write is blocked on it.
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> quietlyClose(s), exchangeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try (s) {
      s.setSoTimeout((int) Math.max(1, exchangeTimeout.toMillis()));
      OutputStream out = s.getOutputStream();
      if (!admitted) {
        write(out, "HTTP/1.1", problem(busy()));
        drainBriefly(s);
        return;
      }
      exchange(s.getInputStream(), out);
    } catch (IOException e) {
      // timed out, closed by the deadline, or the client went away: nothing to answer
    } finally {
      deadline.cancel(false);
      open.remove(s);
      if (admitted) {
        slots.release();
      }
    }
  }

  private void exchange(InputStream in, OutputStream out) throws IOException {
    String[] head = readHead(in);
    if (head == null) {
      return; // closed before a full request head
    }
    String[] requestLine = head[0].split(" ", -1);
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      write(out, "HTTP/1.1", problem(malformed("not an HTTP/1.x request line")));
      return;
    }
    String version = requestLine[2].equals("HTTP/1.0") ? "HTTP/1.0" : "HTTP/1.1";
    long length = 0;
    boolean expectContinue = false;
    for (int i = 1; i < head.length; i++) {
      int colon = head[i].indexOf(':');
      if (colon <= 0) {
        write(out, version, problem(malformed("malformed header line")));
        return;
      }
      String name = head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = head[i].substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> {
          if (!value.matches("[0-9]{1,9}") || length != 0) {
            write(out, version, problem(malformed("one decimal Content-Length, please")));
            return;
          }
          length = Long.parseLong(value);
        }
        case "transfer-encoding" -> {
          write(
              out,
              version,
              problem(malformed("send the request with a Content-Length, not " + value)));
          return;
        }
        case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
        default -> {
          // other headers do not matter to these services
        }
      }
    }
    if (length > MAX_BODY) {
      write(
          out,
          version,
          problem(new LgspException(ErrorCode.REQUEST_TOO_LARGE, "requests are at most 64 KiB")));
      return;
    }
    if (expectContinue && length > 0 && version.equals("HTTP/1.1")) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      return; // the client went away mid-body
    }
    Answer answer;
    try {
      answer = handler.handle(requestLine[0], requestLine[1], body);
    } catch (LgspException e) {
      answer = problem(e);
    } catch (IOException | RuntimeException e) {
      String incident = java.util.UUID.randomUUID().toString();
      LOG.log(Level.SEVERE, "trust services: internal error, incident " + incident, e);
      answer =
          problem(
              new LgspException(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident));
    }
    write(out, version, answer);
  }

  /**
   * Reads (and drops) what the refused client sent, for a second at most, so that closing does not
   * reset the connection before the client has read the 503.
   */
  private void drainBriefly(Socket s) throws IOException {
    s.shutdownOutput();
    s.setSoTimeout((int) Math.min(1000, Math.max(1, exchangeTimeout.toMillis())));
    InputStream in = s.getInputStream();
    byte[] sink = new byte[4096];
    int total = 0;
    while (total < MAX_HEAD && in.read(sink) >= 0) {
      total += sink.length;
    }
  }

  /** The request line and header lines, or null when the client closed before the blank line. */
  private static String[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
    int run = 0; // consecutive line ends seen: "\r\n\r\n" or "\n\n" ends the head
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (buf.size() >= MAX_HEAD) {
        throw new SocketException("request head larger than " + MAX_HEAD + " bytes");
      }
      if (b == '\n') {
        run++;
        if (run == 2) {
          break;
        }
      } else if (b != '\r') {
        run = 0;
      }
      buf.write(b);
    }
    String text = buf.toString(StandardCharsets.ISO_8859_1);
    return text.strip().split("\r?\n", -1);
  }

  private static LgspException malformed(String what) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, what);
  }

  private LgspException busy() {
    return new LgspException(
        ErrorCode.SERVER_OVERLOADED,
        "the trust services have as many connections open as they take; retry shortly");
  }

  static Answer problem(LgspException e) {
    org.openlgsp.core.Problem p = e.toProblem();
    return new Answer(p.status(), org.openlgsp.core.Problem.MEDIA_TYPE, p.toJsonBytes());
  }

  private static void write(OutputStream out, String version, Answer a) throws IOException {
    int status = a.status();
    String head =
        version
            + " "
            + status
            + " "
            + reason(status)
            + "\r\nContent-Type: "
            + a.contentType()
            + "\r\nContent-Length: "
            + a.body().length
            + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(a.body());
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 503 -> "Service Unavailable";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }

  private static void quietlyClose(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    open.forEach(TrustListener::quietlyClose);
    deadlines.shutdownNow();
    acceptor.interrupt();
  }
}
