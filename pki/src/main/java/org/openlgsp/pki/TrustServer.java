package org.openlgsp.pki;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Route;

/**
 * The trust services over HTTP, as relying parties expect them: {@code POST /ocsp} and {@code GET
 * /ocsp/{base64}} (RFC 6960 appendix A), {@code GET /crl} (DER, RFC 5280), {@code GET /ca} (the CA
 * chain, PEM), {@code GET /ca.cer} and {@code GET /root.cer} (DER, the caIssuers of issued
 * certificates), {@code GET /root.crl} (the root's CRL, when given) and, when a TSA runs here,
 * {@code POST /tsa} (RFC 3161 §3.4). Plain HTTP is normal for these: every answer is signed.
 *
 * <p>A Helidon listener on the edge like every other (docs/pki.md, "Revocation: CRL and OCSP"): one
 * error format (problem+json with a stable code, also for what Helidon's parser refuses), the
 * edge's read limits for slow and silent clients. It also accepts HTTP/1.0 requests ({@link
 * Edge.Builder#acceptHttp10()}): OCSP and time-stamp clients in the field, OpenSSL 3.0's {@code
 * ocsp} and {@code ts} among them, speak only HTTP/1.0. A body above 64 KiB is refused with 413; at
 * most 256 connections are open at once.
 */
public final class TrustServer implements AutoCloseable {
  /** Request bodies (OCSP and time-stamp requests) are at most this long. */
  static final int MAX_BODY = 64 * 1024;

  /** Connections open at once: gateways fail closed when OCSP is unreachable, so it is bounded. */
  static final int MAX_CONNECTIONS = 256;

  private final CertificateAuthority ca;
  private final OcspResponder ocsp;
  private final Optional<TimeStampAuthority> tsa;
  private final Optional<java.util.function.Supplier<byte[]>> rootCrl;
  private final Options options;
  private final WebServer server;
  // kept: Helidon reports -1 once stopped, and the URL stays what was published
  private final int port;
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
    Edge edge = Edge.builder().routes(routes()).acceptHttp10().build();
    try {
      this.server =
          Edge.start(
              edge.configure(
                  WebServer.builder()
                      .host(options.host())
                      .port(options.port())
                      .maxPayloadSize(MAX_BODY)
                      .maxTcpConnections(MAX_CONNECTIONS)));
    } catch (IllegalStateException e) {
      throw new PkiException(
          "cannot listen on " + options.host() + ":" + options.port() + " for trust services", e);
    }
    this.port = server.port();
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
    return port;
  }

  /** The base URL to publish ({@link Publication#at(String)}). */
  public String baseUrl() {
    return "http://" + options.host() + ":" + port();
  }

  private List<Route> routes() {
    String open = "trust services are public: every answer is signed";
    // POSTs here read and sign; they change no state an audit row would record
    Audit reads =
        Audit.recordedElsewhere("nowhere: a signed answer to a status or time-stamp query");
    Audit fetches = Audit.notAudited("public, signed trust material");
    List<Route> routes = new ArrayList<>();
    routes.add(
        Route.post("/ocsp")
            .publicAccess(open)
            .audit(reads)
            .handle(c -> send(c, "application/ocsp-response", ocsp.respond(body(c)))));
    routes.add(
        Route.get("/ocsp/{+request}")
            .publicAccess(open)
            .audit(fetches)
            .handle(
                c ->
                    send(
                        c,
                        "application/ocsp-response",
                        ocsp.respond(
                            fromGet(c.request().path().rawPath().substring("/ocsp/".length()))))));
    routes.add(
        Route.get("/crl")
            .publicAccess(open)
            .audit(fetches)
            .handle(c -> send(c, "application/pkix-crl", currentCrl())));
    routes.add(
        Route.get("/ca")
            .publicAccess(open)
            .audit(fetches)
            .handle(
                c ->
                    send(
                        c,
                        "application/pem-certificate-chain",
                        Pem.write(ca.chain().toArray()).getBytes(StandardCharsets.US_ASCII))));
    // caIssuers (RFC 5280 §4.2.2.1): one DER certificate
    routes.add(
        Route.get("/ca.cer")
            .publicAccess(open)
            .audit(fetches)
            .handle(c -> send(c, "application/pkix-cert", der(ca.certificate()))));
    routes.add(
        Route.get("/root.cer")
            .publicAccess(open)
            .audit(fetches)
            .handle(c -> send(c, "application/pkix-cert", der(ca.chain().getLast()))));
    rootCrl.ifPresent(
        crl ->
            routes.add(
                Route.get("/root.crl")
                    .publicAccess(open)
                    .audit(fetches)
                    .handle(c -> send(c, "application/pkix-crl", crl.get()))));
    tsa.ifPresent(
        t ->
            routes.add(
                Route.post("/tsa")
                    .publicAccess(open)
                    .audit(reads)
                    .handle(c -> send(c, "application/timestamp-reply", t.respond(body(c))))));
    return routes;
  }

  /**
   * The request body, at most {@link #MAX_BODY} bytes: Helidon refuses a larger declared length
   * before the handler runs; a chunked body is read one byte beyond the limit at most.
   */
  private static byte[] body(Call c) {
    // not closed here: closing Helidon's entity stream reads what is left of a body, which for a
    // badly framed one waits for bytes that never come; the edge deals with the rest
    try {
      byte[] body = c.body().readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "requests are at most 64 KiB");
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(Call c, String contentType, byte[] body) {
    c.response().header(HeaderNames.CONTENT_TYPE, contentType);
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.response().send(body);
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
    server.stop();
  }
}
