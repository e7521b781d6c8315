package org.openlgsp.pki;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The trust services over HTTP, as relying parties expect them: {@code POST /ocsp} and {@code GET
 * /ocsp/{base64}} (RFC 6960 appendix A), {@code GET /crl} (DER, RFC 5280), {@code GET /ca} (the CA
 * chain, PEM) and, when a TSA runs here, {@code POST /tsa} (RFC 3161 §3.4). Plain HTTP is normal
 * for these: every answer is signed.
 *
 * <p>This listener is a small HTTP/1.x server of its own ({@link TrustListener}), not Helidon: OCSP
 * and TSA clients in the field (OpenSSL 3.0's {@code ocsp} and {@code ts} among them) speak
 * HTTP/1.0, which Helidon 4 refuses with 505. Gateways fail closed when OCSP is unreachable, so the
 * listener bounds what one client can hold: each connection's exchange must complete within {@link
 * Options#exchangeTimeout()}, and at most {@link Options#maxConnections()} are open at once.
 */
public final class TrustServer implements AutoCloseable {
  private final CertificateAuthority ca;
  private final OcspResponder ocsp;
  private final Optional<TimeStampAuthority> tsa;
  private final Options options;
  private final TrustListener server;
  private volatile CachedCrl crl;

  private record CachedCrl(Instant producedAt, byte[] der) {}

  /**
   * @param crlValidity the CRL's nextUpdate distance
   * @param crlRefresh how often a new CRL is signed (so revocations show up within this time)
   * @param exchangeTimeout how long a connection may take from being accepted to its answer sent
   *     (request line, headers, body, answer); it is closed then, complete or not
   * @param maxConnections connections open at once; further ones are answered 503 and closed
   */
  public record Options(
      String host,
      int port,
      Duration crlValidity,
      Duration crlRefresh,
      Duration exchangeTimeout,
      int maxConnections) {
    /** Default exchange timeout: ample for a DER request on a slow link, short for a stall. */
    public static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(10);

    /** Default connection limit. */
    public static final int MAX_CONNECTIONS = 256;

    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range");
      }
      if (crlRefresh.compareTo(crlValidity) >= 0) {
        throw new IllegalArgumentException("the CRL must be refreshed before it expires");
      }
      if (exchangeTimeout.isNegative()
          || exchangeTimeout.isZero()
          || exchangeTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "exchangeTimeout must be positive and at most 5 minutes");
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1");
      }
    }

    /** With the default exchange timeout and connection limit. */
    public Options(String host, int port, Duration crlValidity, Duration crlRefresh) {
      this(host, port, crlValidity, crlRefresh, EXCHANGE_TIMEOUT, MAX_CONNECTIONS);
    }

    public static Options defaults(String host, int port) {
      return new Options(host, port, Duration.ofHours(24), Duration.ofMinutes(1));
    }

    /** These options with another exchange timeout and connection limit. */
    public Options withLimits(Duration exchangeTimeout, int maxConnections) {
      return new Options(host, port, crlValidity, crlRefresh, exchangeTimeout, maxConnections);
    }
  }

  private TrustServer(
      CertificateAuthority ca,
      OcspResponder ocsp,
      Optional<TimeStampAuthority> tsa,
      Options options) {
    this.ca = ca;
    this.ocsp = ocsp;
    this.tsa = tsa;
    this.options = options;
    this.server =
        new TrustListener(
            options.host(),
            options.port(),
            options.exchangeTimeout(),
            options.maxConnections(),
            this::route);
  }

  public static TrustServer start(
      CertificateAuthority ca,
      OcspResponder ocsp,
      Optional<TimeStampAuthority> tsa,
      Options options) {
    return new TrustServer(ca, ocsp, tsa, options);
  }

  public int port() {
    return server.port();
  }

  /** The base URL to publish ({@link Publication#at(String)}). */
  public String baseUrl() {
    return "http://" + options.host() + ":" + port();
  }

  private TrustListener.Answer route(String method, String rawTarget, byte[] body) {
    String path = rawTarget.split("\\?", 2)[0];
    if (path.startsWith("http://") || path.startsWith("https://")) { // absolute form (RFC 9112)
      int slash = path.indexOf('/', path.indexOf("//") + 2);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    if (path.equals("/ocsp") && method.equals("POST")) {
      return ok("application/ocsp-response", ocsp.respond(body));
    } else if (path.startsWith("/ocsp/") && method.equals("GET")) {
      return ok("application/ocsp-response", ocsp.respond(fromGet(path.substring(6))));
    } else if (path.equals("/crl") && method.equals("GET")) {
      return ok("application/pkix-crl", currentCrl());
    } else if (path.equals("/ca") && method.equals("GET")) {
      return ok(
          "application/pem-certificate-chain",
          Pem.write(ca.chain().toArray()).getBytes(StandardCharsets.US_ASCII));
    } else if (path.equals("/tsa") && method.equals("POST") && tsa.isPresent()) {
      return ok("application/timestamp-reply", tsa.get().respond(body));
    }
    throw new LgspException(
        ErrorCode.RESOURCE_NOT_FOUND,
        "no such endpoint; trust services are POST /ocsp, GET /ocsp/{request}, GET /crl,"
            + " GET /ca"
            + (tsa.isPresent() ? " and POST /tsa" : ""));
  }

  private static TrustListener.Answer ok(String contentType, byte[] body) {
    return new TrustListener.Answer(200, contentType, body);
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
    server.close();
  }
}
