package org.openlgsp.pki;

import java.util.Optional;

/**
 * Where relying parties find a CA's revocation status and certificate, written into every
 * certificate that CA issues: the OCSP responder URL and the CA certificate's URL (authority
 * information access, id-ad-ocsp and id-ad-caIssuers) and the CRL URL (CRL distribution point).
 */
public record Publication(
    Optional<String> ocspUrl, Optional<String> crlUrl, Optional<String> caIssuersUrl) {
  public Publication {
    ocspUrl.ifPresent(Publication::requireHttp);
    crlUrl.ifPresent(Publication::requireHttp);
    caIssuersUrl.ifPresent(Publication::requireHttp);
  }

  public static Publication none() {
    return new Publication(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * What the issuing CA publishes through a trust-services server at {@code baseUrl} (see
   * TrustServer): {@code /ocsp}, {@code /crl}, {@code /ca.cer}.
   */
  public static Publication at(String baseUrl) {
    String base = base(baseUrl);
    return new Publication(
        Optional.of(base + "/ocsp"), Optional.of(base + "/crl"), Optional.of(base + "/ca.cer"));
  }

  /**
   * What the root publishes for the issuing CA it certifies, through the same server: {@code /ocsp}
   * (a responder the root delegated), {@code /root.crl}, {@code /root.cer}.
   */
  public static Publication root(String baseUrl) {
    String base = base(baseUrl);
    return new Publication(
        Optional.of(base + "/ocsp"),
        Optional.of(base + "/root.crl"),
        Optional.of(base + "/root.cer"));
  }

  private static String base(String baseUrl) {
    return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  private static void requireHttp(String url) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("publication URL must be http(s)://, got " + url);
    }
  }
}
