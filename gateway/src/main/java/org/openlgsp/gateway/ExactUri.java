package org.openlgsp.gateway;

import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.webclient.api.ClientUri;
import java.net.URI;

/**
 * A request target sent byte for byte as the client wrote it. Helidon's client re-encodes what it
 * is given as a string: it drops matrix parameters ({@code ;v=1}), decodes {@code %2F}, rebuilds
 * the query from its parameters (reordered, {@code +} and valueless parameters changed, {@code
 * ?/../../x} lost). The signed request names the raw target, and X-Road passes path and query
 * unmodified (PR-REST 4.5), so the target goes out as one opaque raw path.
 */
final class ExactUri {
  private ExactUri() {}

  /**
   * {@code base} (scheme, host, port and an optional path prefix, e.g. a backend's URL) followed by
   * {@code rawPathAndQuery} exactly.
   */
  static ClientUri of(String base, String rawPathAndQuery) {
    URI b = URI.create(base);
    String prefix = b.getRawPath() == null ? "" : b.getRawPath();
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    int port = b.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(b.getScheme()) ? 443 : 80;
    }
    UriInfo info =
        UriInfo.builder()
            .scheme(b.getScheme())
            .host(b.getHost())
            .port(port)
            .path(UriPath.create(prefix + rawPathAndQuery))
            .build();
    return ClientUri.create(info);
  }
}
