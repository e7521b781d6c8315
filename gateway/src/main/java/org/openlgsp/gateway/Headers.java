package org.openlgsp.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.util.Locale;
import java.util.Set;

/** Header names of X-Road r1 and of the gateway-to-gateway protocol, and the pass-through rules. */
final class Headers {
  static final HeaderName XROAD_CLIENT = HeaderNames.create("X-Road-Client");
  static final HeaderName XROAD_SERVICE = HeaderNames.create("X-Road-Service");
  static final HeaderName XROAD_ID = HeaderNames.create("X-Road-Id");
  static final HeaderName XROAD_REQUEST_ID = HeaderNames.create("X-Road-Request-Id");
  static final HeaderName XROAD_USER_ID = HeaderNames.create("X-Road-UserId");
  static final HeaderName XROAD_ISSUE = HeaderNames.create("X-Road-Issue");
  static final HeaderName XROAD_REPRESENTED_PARTY = HeaderNames.create("X-Road-Represented-Party");
  static final HeaderName XROAD_SECURITY_SERVER = HeaderNames.create("X-Road-Security-Server");
  static final HeaderName XROAD_REQUEST_HASH = HeaderNames.create("X-Road-Request-Hash");
  static final HeaderName XROAD_ERROR = HeaderNames.create("X-Road-Error");
  static final HeaderName LGSP_TIME = HeaderNames.create("X-Lgsp-Time");
  static final HeaderName LGSP_BODY_DIGEST = HeaderNames.create("X-Lgsp-Body-Digest");
  static final HeaderName LGSP_SIGNER = HeaderNames.create("X-Lgsp-Signer");
  static final HeaderName LGSP_SIGNATURE = HeaderNames.create("X-Lgsp-Signature");
  static final HeaderName LGSP_OCSP_SIGNER = HeaderNames.create("X-Lgsp-Ocsp-Signer");
  static final HeaderName LGSP_OCSP_TLS = HeaderNames.create("X-Lgsp-Ocsp-Tls");

  /**
   * Never forwarded: hop-by-hop, origin-leaking, recomputed, or ours to set; and method overrides,
   * which many backend frameworks honour and which would widen a grant limited to some methods.
   */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "user-agent",
          "server",
          "expect",
          "content-length",
          "authorization",
          "date",
          "proxy-connection",
          "http2-settings",
          "x-helidon-cn",
          "x-http-method-override",
          "x-http-method",
          "x-method-override");

  private Headers() {}

  /** True for end-to-end headers the gateway passes unchanged between client and backend. */
  static boolean forwarded(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return !NOT_FORWARDED.contains(n) && !n.startsWith("x-road-") && !n.startsWith("x-lgsp-");
  }
}
