package org.openlgsp.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The routing envelope of an exchange relayed through a hub (docs/federation.md, "Hub mode"). In
 * clear: {@code POST /r1/{service}} with no path or query, {@code X-Road-Client}, {@code
 * X-Road-Id}, {@code X-Road-Request-Id}, {@code X-Lgsp-Time}, {@code X-Lgsp-Body-Digest} (of the
 * ciphertext), {@code X-Lgsp-Provider-Node}, the consumer's {@code X-Lgsp-Signer} and {@code
 * X-Lgsp-Signature}, and {@code Content-Type: application/pkcs7-mime;
 * smime-type=authEnveloped-data}. Sealed inside ({@link Sealing.Content}): the method, the path and
 * query, {@code X-Road-UserId}, {@code X-Road-Issue}, {@code X-Road-Represented-Party}, the
 * end-to-end headers and the body.
 */
final class SealedRoute {
  static final HeaderName PROVIDER_NODE = HeaderNames.create("X-Lgsp-Provider-Node");

  /** The method of every relayed request; the real one is sealed. */
  static final String METHOD = "POST";

  private SealedRoute() {}

  /**
   * The signing input of a sealed request: the envelope's fields, with the ciphertext's digest, so
   * the consumer's signature covers the ciphertext and every hop can verify it.
   */
  static SigningInput.Request envelope(
      ExchangeRecorder.Facts facts, R1Target target, long time, String digest) {
    return new SigningInput.Request(
        METHOD,
        target.serviceEncoded(),
        "",
        "",
        facts.client.toString(),
        facts.messageId,
        facts.requestId,
        "",
        "",
        "",
        Sealing.MEDIA_TYPE,
        time,
        digest);
  }

  /** Whether a Content-Type names CMS AuthEnvelopedData. */
  static boolean isSealedType(String contentType) {
    String t = contentType.toLowerCase(Locale.ROOT).replace(" ", "");
    return t.startsWith("application/pkcs7-mime") && t.contains("smime-type=authenveloped-data");
  }

  /** The end-to-end headers that travel sealed (those a gateway forwards, plus Content-Type). */
  static Map<String, String> sealedHeaders(io.helidon.http.Headers headers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (io.helidon.http.Header h : headers) {
      String n = h.name().toLowerCase(Locale.ROOT);
      if (Headers.forwarded(h.name())
          && !n.equals("content-length")
          && !n.equals("host")
          && !n.equals("authorization")) {
        out.put(h.name(), h.get());
      }
    }
    return out;
  }

  /**
   * The request as the consumer's client sent it, from the opened content: the method, path and
   * query and the personal-data headers go onto {@code facts}; the target is re-parsed, so a sealed
   * path is held to the same rules as one in clear.
   */
  static R1Target inner(R1Target envelope, Sealing.Content content, ExchangeRecorder.Facts facts) {
    String target = content.target();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw new org.openlgsp.core.LgspException(
          org.openlgsp.core.ErrorCode.FEDERATION_SEAL_INVALID, "the sealed path is not a path");
    }
    R1Target inner = R1Target.parse("/r1/" + envelope.serviceEncoded() + path, query);
    facts.method = content.method();
    facts.path = inner.pathAndQuery();
    facts.userId = header(content, Headers.XROAD_USER_ID);
    facts.issue = header(content, Headers.XROAD_ISSUE);
    facts.representedParty = header(content, Headers.XROAD_REPRESENTED_PARTY);
    return inner;
  }

  /** A header of opened content, by name in any case; empty when absent. */
  static String header(Sealing.Content content, HeaderName name) {
    return content.headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name.defaultCase()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse("");
  }

  /** A whole (bounded) body, in memory or spooled, for sealing or opening. */
  static byte[] all(BodySpool body) {
    try (java.io.InputStream in = body.open()) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
