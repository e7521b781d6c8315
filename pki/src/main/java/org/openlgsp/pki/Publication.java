package org.openlgsp.pki;

import java.util.Optional;

/**
 * Where relying parties find revocation status for the CA's certificates: the OCSP responder URL
 * (authority information access) and the CRL URL (CRL distribution point) written into every leaf.
 */
public record Publication(Optional<String> ocspUrl, Optional<String> crlUrl) {
  public Publication {
    ocspUrl.ifPresent(Publication::requireHttp);
    crlUrl.ifPresent(Publication::requireHttp);
  }

  public static Publication none() {
    return new Publication(Optional.empty(), Optional.empty());
  }

  /** The responder and CRL of a trust-services server at {@code baseUrl} (see TrustServer). */
  public static Publication at(String baseUrl) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new Publication(Optional.of(base + "/ocsp"), Optional.of(base + "/crl"));
  }

  private static void requireHttp(String url) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("publication URL must be http(s)://, got " + url);
    }
  }
}
