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
import java.util.Optional;
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
 * <p>This listener is the JDK's HTTP server, not Helidon: OCSP and TSA clients in the field
 * (OpenSSL 3.0's {@code ocsp} and {@code ts} among them) speak HTTP/1.0, which Helidon 4 refuses
 * with 505.
 */
public final class TrustServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrustServer.class.getName());
  private static final int MAX_REQUEST = 64 * 1024;
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

  private void dispatch(HttpExchange ex) {
    try {
      route(ex);
    } catch (LgspException e) {
      problem(ex, e);
    } catch (IOException | RuntimeException e) {
      String incident = java.util.UUID.randomUUID().toString();
      LOG.log(Level.SEVERE, "trust services: internal error, incident " + incident, e);
      problem(
          ex, new LgspException(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident));
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex) throws IOException {
    {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      if (path.equals("/ocsp") && method.equals("POST")) {
        send(ex, "application/ocsp-response", ocsp.respond(read(ex)));
      } else if (path.startsWith("/ocsp/") && method.equals("GET")) {
        send(ex, "application/ocsp-response", ocsp.respond(fromGet(path.substring(6))));
      } else if (path.equals("/crl") && method.equals("GET")) {
        send(ex, "application/pkix-crl", currentCrl());
      } else if (path.equals("/ca") && method.equals("GET")) {
        send(
            ex,
            "application/pem-certificate-chain",
            Pem.write(ca.chain().toArray()).getBytes(StandardCharsets.US_ASCII));
      } else if (path.equals("/ca.cer") && method.equals("GET")) {
        // caIssuers (RFC 5280 §4.2.2.1): one DER certificate
        send(ex, "application/pkix-cert", der(ca.certificate()));
      } else if (path.equals("/root.cer") && method.equals("GET")) {
        send(ex, "application/pkix-cert", der(ca.chain().getLast()));
      } else if (path.equals("/root.crl") && method.equals("GET") && rootCrl.isPresent()) {
        send(ex, "application/pkix-crl", rootCrl.get().get());
      } else if (path.equals("/tsa") && method.equals("POST") && tsa.isPresent()) {
        send(ex, "application/timestamp-reply", tsa.get().respond(read(ex)));
      } else {
        throw new LgspException(
            ErrorCode.RESOURCE_NOT_FOUND,
            "no such endpoint; trust services are POST /ocsp, GET /ocsp/{request}, GET /crl,"
                + (rootCrl.isPresent() ? " GET /root.crl," : "")
                + " GET /ca, GET /ca.cer, GET /root.cer"
                + (tsa.isPresent() ? " and POST /tsa" : ""));
      }
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

  private static byte[] read(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_REQUEST + 1);
      if (body.length > MAX_REQUEST) {
        throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "requests are at most 64 KiB");
      }
      return body;
    }
  }

  private static void send(HttpExchange ex, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void problem(HttpExchange ex, LgspException e) {
    Problem p = e.toProblem();
    byte[] body = p.toJsonBytes();
    try {
      ex.getResponseHeaders().set("Content-Type", Problem.MEDIA_TYPE);
      ex.sendResponseHeaders(p.status(), body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException ignored) {
      // The client went away; nothing left to tell it.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
  }
}
