package org.openlgsp.gateway;

import io.helidon.http.HeaderName;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.X509ExtendedTrustManager;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.pki.RevocationCheckingTrustManager;

/**
 * The gateway's use of OCSP: peers' TLS and signing certificates must be known good, and own signed
 * messages carry fresh OCSP answers for own certificates (headers {@code X-Lgsp-Ocsp-*}, base64
 * DER) so that peers need not ask the responder. Off when the installation has no OCSP.
 */
final class Revocation {
  /** An OCSP response with its certificates is a few KiB; anything far larger is not one. */
  private static final int MAX_STAPLE_CHARS = 16 * 1024;

  private final Optional<RevocationChecker> checker;
  // The base64 of the last staple of each own certificate: the same answer goes out with every
  // message until it is refreshed (half the freshness window), so it is encoded once, not four
  // times per exchange. Own certificates are few (node TLS, members' signing, rotations).
  private final ConcurrentHashMap<X509Certificate, Encoded> encoded = new ConcurrentHashMap<>();

  private record Encoded(byte[] der, String base64) {}

  private Revocation(Optional<RevocationChecker> checker) {
    this.checker = checker;
  }

  static Revocation off() {
    return new Revocation(Optional.empty());
  }

  static Revocation checkedBy(RevocationChecker checker) {
    return new Revocation(Optional.of(checker));
  }

  /** Refuses a peer certificate that is revoked or of unknown status (fail closed). */
  void requireGood(
      X509Certificate certificate, io.helidon.http.Headers headers, HeaderName staple) {
    if (checker.isEmpty()) {
      return;
    }
    checker.get().requireGood(certificate, decode(headers, staple));
  }

  /**
   * Refuses a certificate that is revoked or of unknown status when no staple can come with it (a
   * local system's TLS client certificate): the responder is asked, answers cached per freshness
   * window.
   */
  void requireGood(X509Certificate certificate) {
    checker.ifPresent(c -> c.requireGood(certificate, Optional.empty()));
  }

  /** The staple to attach for one of our own certificates, base64. */
  Optional<String> staple(X509Certificate own) {
    return checker.flatMap(c -> c.staple(own)).map(der -> base64(own, der));
  }

  private String base64(X509Certificate own, byte[] der) {
    Encoded last = encoded.get(own);
    if (last != null && Arrays.equals(last.der(), der)) {
      return last.base64();
    }
    if (encoded.size() > 64) {
      encoded.clear(); // rotated-away certificates; never more than a handful in use
    }
    String text = Base64.getEncoder().encodeToString(der);
    encoded.put(own, new Encoded(der, text));
    return text;
  }

  X509ExtendedTrustManager wrap(X509ExtendedTrustManager trust) {
    return checker
        .<X509ExtendedTrustManager>map(c -> new RevocationCheckingTrustManager(trust, c))
        .orElse(trust);
  }

  private static Optional<byte[]> decode(io.helidon.http.Headers headers, HeaderName name) {
    String v = headers.first(name).orElse("");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.length() > MAX_STAPLE_CHARS) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, name.defaultCase() + " is too large for an OCSP response");
    }
    try {
      return Optional.of(Base64.getDecoder().decode(v.trim()));
    } catch (IllegalArgumentException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, name.defaultCase() + " is not base64 of an OCSP response");
    }
  }
}
