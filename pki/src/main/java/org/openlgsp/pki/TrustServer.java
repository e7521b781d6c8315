package org.openlgsp.pki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.Problem;

/**
 * The trust services over HTTP, as relying parties expect them: {@code POST /ocsp} and {@code GET
 * /ocsp/{base64}} (RFC 6960 appendix A), {@code GET /crl} (DER, RFC 5280), {@code GET /ca} (the CA
 * chain, PEM), {@code GET /ca.cer} and {@code GET /root.cer} (DER, the caIssuers of issued
 * certificates), {@code GET /root.crl} (the root's CRL, when given) and, when a TSA runs here,
 * {@code POST /tsa} (RFC 3161 §3.4). Plain HTTP is normal for these: every answer is signed.
 *
 * <p>This listener is the JDK's HTTP server ({@code jdk.httpserver}), not Helidon: OCSP and TSA
 * clients in the field (OpenSSL 3.0's {@code ocsp} and {@code ts} among them) speak HTTP/1.0, which
 * Helidon 4 refuses with 505. Gateways fail closed when OCSP is unreachable, so the listener bounds
 * what one client can hold, with the JDK server's own settings ({@link #JDK_SERVER_LIMITS}): a
 * request (line, headers, body) must arrive within 10 s, a silent connection is closed after 10 s,
 * at most 256 connections are open at once. Those settings are system properties the JDK reads once
 * per process, when its first HTTP server is created: they are process-wide, which suits the
 * dedicated {@code lgsp ca serve} process. Each answer closes its connection; a body above 64 KiB
 * is refused with 413; errors are {@code application/problem+json}.
 */
public final class TrustServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrustServer.class.getName());

  /** Request bodies (OCSP and time-stamp requests) are at most this long. */
  static final int MAX_BODY = 64 * 1024;

  /**
   * The JDK HTTP server's settings this listener relies on ({@code
   * sun.net.httpserver.ServerConfig}; checked against the JDK 25 sources and tested on JDK 25 by
   * {@code TrustServerLimitsTest}: an older JDK may lack some, and ignores what it lacks), set as
   * system properties when this class initialises unless the operator set them (e.g. {@code
   * -Dsun.net.httpserver.maxReqTime=20}). The JDK reads them once, when the first HTTP server of
   * the process is created, and applies them to every HTTP server of the process:
   *
   * <ul>
   *   <li>{@code sun.net.httpserver.maxReqTime}, seconds: from the first byte of a request to its
   *       last (request line, headers and body); a connection still in its request after that is
   *       closed, so a client sending a partial request line holds it this long at most;
   *   <li>{@code sun.net.httpserver.maxRspTime}, seconds: from the request read to the answer sent;
   *   <li>{@code sun.net.httpserver.idleInterval}, seconds: a connection that sends nothing is
   *       closed after the smaller of this and {@code maxReqTime};
   *   <li>{@code sun.net.httpserver.clockTick}, milliseconds: how often idle connections are looked
   *       for (the JDK's default, 10 s, would double the time a silent client holds one);
   *   <li>{@code jdk.httpserver.maxConnections}: connections open at once; the JDK closes one more
   *       as soon as it accepts it, without an answer;
   *   <li>{@code sun.net.httpserver.maxReqHeaders} and {@code maxReqHeaderSize} (bytes): a request
   *       head beyond them is refused.
   * </ul>
   */
  static final Map<String, String> JDK_SERVER_LIMITS = jdkServerLimits();

  static {
    JDK_SERVER_LIMITS.forEach(
        (property, value) -> {
          if (System.getProperty(property) == null) {
            System.setProperty(property, value);
          }
        });
  }

  private static Map<String, String> jdkServerLimits() {
    Map<String, String> limits = new LinkedHashMap<>();
    limits.put("sun.net.httpserver.maxReqTime", "10");
    limits.put("sun.net.httpserver.maxRspTime", "10");
    limits.put("sun.net.httpserver.idleInterval", "10");
    limits.put("sun.net.httpserver.clockTick", "1000");
    limits.put("jdk.httpserver.maxConnections", "256");
    limits.put("sun.net.httpserver.maxReqHeaders", "64");
    limits.put("sun.net.httpserver.maxReqHeaderSize", "16384");
    return Collections.unmodifiableMap(limits);
  }

  /**
   * The value this process has for one of {@link #JDK_SERVER_LIMITS}; the JDK server uses it if it
   * was set before the process's first JDK HTTP server was created.
   */
  static long jdkServerLimit(String property) {
    return Long.parseLong(System.getProperty(property, JDK_SERVER_LIMITS.get(property)).trim());
  }

  private final CertificateAuthority ca;
  private final OcspResponder ocsp;
  private final Optional<TimeStampAuthority> tsa;
  private final Optional<java.util.function.Supplier<byte[]>> rootCrl;
  private final Options options;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile CachedCrl crl;

  private record CachedCrl(Instant producedAt, byte[] der) {}

  /**
   * @param crlValidity the CRL's nextUpdate distance
   * @param crlRefresh how often a new CRL is signed (so revocations show up within this time)
   */
  public record Options(String host, int port, Duration crlValidity, Duration crlRefresh) {
    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range");
      }
      if (crlRefresh.compareTo(crlValidity) >= 0) {
        throw new IllegalArgumentException("the CRL must be refreshed before it expires");
      }
    }

    public static Options defaults(String host, int port) {
      return new Options(host, port, Duration.ofHours(24), Duration.ofMinutes(1));
    }
  }

  private TrustServer(
      CertificateAuthority ca,
      OcspResponder ocsp,
      Optional<TimeStampAuthority> tsa,
      Optional<java.util.function.Supplier<byte[]>> rootCrl,
      Options options) {
    this.ca = ca;
    this.ocsp = ocsp;
    this.tsa = tsa;
    this.rootCrl = rootCrl;
    this.options = options;
    try {
      this.server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
    } catch (IOException e) {
      executor.close();
      throw new PkiException(
          "cannot listen on " + options.host() + ":" + options.port() + " for trust services", e);
    }
    server.createContext("/", this::dispatch);
    server.setExecutor(executor);
    server.start();
  }

  public static TrustServer start(
      CertificateAuthority ca,
      OcspResponder ocsp,
      Optional<TimeStampAuthority> tsa,
      Options options) {
    return new TrustServer(ca, ocsp, tsa, Optional.empty(), options);
  }

  /**
   * As {@link #start(CertificateAuthority, OcspResponder, Optional, Options)}, also serving the
   * root's CRL ({@code GET /root.crl}, DER, signed offline by the root: {@code rootCrl} gives the
   * current one).
   */
  public static TrustServer start(
      CertificateAuthority ca,
      OcspResponder ocsp,
      Optional<TimeStampAuthority> tsa,
      Optional<java.util.function.Supplier<byte[]>> rootCrl,
      Options options) {
    return new TrustServer(ca, ocsp, tsa, rootCrl, options);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL to publish ({@link Publication#at(String)}). */
  public String baseUrl() {
    return "http://" + options.host() + ":" + port();
  }

  private record Answer(int status, String contentType, byte[] body) {}

  private void dispatch(HttpExchange ex) {
    try (ex) {
      Answer answer;
      try {
        answer = route(ex);
      } catch (LgspException e) {
        answer = problem(e);
      } catch (IOException e) {
        return; // the client went away, or the JDK server closed a request past its time
      } catch (RuntimeException e) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "trust services: internal error, incident " + incident, e);
        answer =
            problem(
                new LgspException(
                    ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident));
      }
      send(ex, answer);
    } catch (IOException e) {
      // the client went away while the answer was written: nothing to do
    }
  }

  private Answer route(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    if (path.equals("/ocsp") && method.equals("POST")) {
      return ok("application/ocsp-response", ocsp.respond(body(ex)));
    } else if (path.startsWith("/ocsp/") && method.equals("GET")) {
      return ok("application/ocsp-response", ocsp.respond(fromGet(path.substring(6))));
    } else if (path.equals("/crl") && method.equals("GET")) {
      return ok("application/pkix-crl", currentCrl());
    } else if (path.equals("/ca") && method.equals("GET")) {
      return ok(
          "application/pem-certificate-chain",
          Pem.write(ca.chain().toArray()).getBytes(StandardCharsets.US_ASCII));
    } else if (path.equals("/ca.cer") && method.equals("GET")) {
      // caIssuers (RFC 5280 §4.2.2.1): one DER certificate
      return ok("application/pkix-cert", der(ca.certificate()));
    } else if (path.equals("/root.cer") && method.equals("GET")) {
      return ok("application/pkix-cert", der(ca.chain().getLast()));
    } else if (path.equals("/root.crl") && method.equals("GET") && rootCrl.isPresent()) {
      return ok("application/pkix-crl", rootCrl.get().get());
    } else if (path.equals("/tsa") && method.equals("POST") && tsa.isPresent()) {
      return ok("application/timestamp-reply", tsa.get().respond(body(ex)));
    }
    throw new LgspException(
        ErrorCode.RESOURCE_NOT_FOUND,
        "no such endpoint; trust services are POST /ocsp, GET /ocsp/{request}, GET /crl,"
            + (rootCrl.isPresent() ? " GET /root.crl," : "")
            + " GET /ca, GET /ca.cer, GET /root.cer"
            + (tsa.isPresent() ? " and POST /tsa" : ""));
  }

  /**
   * The request body, at most {@link #MAX_BODY} bytes: a larger declared length is refused before
   * reading (the JDK server has checked that {@code Content-Length} is a non-negative number), a
   * chunked body is read one byte beyond the limit at most.
   */
  private static byte[] body(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && declaredLength(declared) > MAX_BODY) {
      throw tooLarge();
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw tooLarge();
      }
      return body;
    }
  }

  private static long declaredLength(String declared) {
    try {
      return Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "Content-Length is not a number");
    }
  }

  private static LgspException tooLarge() {
    return new LgspException(ErrorCode.REQUEST_TOO_LARGE, "requests are at most 64 KiB");
  }

  private static Answer ok(String contentType, byte[] body) {
    return new Answer(200, contentType, body);
  }

  private static Answer problem(LgspException e) {
    Problem p = e.toProblem();
    return new Answer(p.status(), Problem.MEDIA_TYPE, p.toJsonBytes());
  }

  /** Writes the answer and closes the connection after it: one request per connection. */
  private static void send(HttpExchange ex, Answer a) throws IOException {
    ex.getResponseHeaders().set("Content-Type", a.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("Connection", "close");
    ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(a.body());
    }
  }

  private static byte[] der(java.security.cert.X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new PkiException("cannot encode certificate", e);
    }
  }

  private static byte[] fromGet(String encoded) {
    try {
      return Base64.getDecoder().decode(URLDecoder.decode(encoded, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "GET /ocsp/{request} needs the URL-encoded base64 of a DER OCSPRequest");
    }
  }

  /** The cached CRL, re-signed once it is older than the refresh interval. */
  byte[] currentCrl() {
    CachedCrl c = crl;
    Instant now = ca.clock().instant();
    if (c == null || c.producedAt().plus(options.crlRefresh()).isBefore(now)) {
      synchronized (this) {
        c = crl;
        if (c == null || c.producedAt().plus(options.crlRefresh()).isBefore(now)) {
          X509CRL fresh = ca.crl(options.crlValidity());
          try {
            c = new CachedCrl(now, fresh.getEncoded());
          } catch (CRLException e) {
            throw new PkiException("cannot encode CRL", e);
          }
          crl = c;
        }
      }
    }
    return c.der();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
