package org.openlgsp.gateway;

import java.nio.charset.StandardCharsets;
import org.openlgsp.core.Digests;

/**
 * The exact bytes gateways sign (docs/protocol.md). Any field that could hold a line break is
 * refused, so two different messages can never produce the same input.
 */
final class SigningInput {
  private SigningInput() {}

  /** The request fields covered by the consumer's signature. */
  record Request(
      String method,
      String serviceId,
      String path,
      String query,
      String client,
      String messageId,
      String requestId,
      String userId,
      String issue,
      String representedParty,
      String contentType,
      long timeMillis,
      String bodyDigest) {

    byte[] bytes() {
      return join(
          "lgsp-request/1",
          method,
          serviceId,
          path,
          query,
          client,
          messageId,
          requestId,
          userId,
          issue,
          representedParty,
          contentType,
          Long.toString(timeMillis),
          bodyDigest);
    }

    /**
     * The consumer's request as the exchange so far identified it ({@code facts}), with the
     * represented party and content type the client sent in {@code headers}.
     */
    static Request of(
        ExchangeRecorder.Facts facts,
        R1Target target,
        io.helidon.http.Headers headers,
        long timeMillis,
        String bodyDigest) {
      return new Request(
          facts.method,
          target.serviceEncoded(),
          target.path(),
          target.query(),
          facts.client.toString(),
          facts.messageId,
          facts.requestId,
          facts.userId,
          facts.issue,
          HeaderValues.optional(headers, Headers.XROAD_REPRESENTED_PARTY),
          headers.contentType().map(io.helidon.http.HttpMediaType::text).orElse(""),
          timeMillis,
          bodyDigest);
    }

    /** {@code X-Road-Request-Hash}: base64 SHA-512 of the signing input. */
    String hash() {
      return Digests.base64(Digests.sha512(bytes()));
    }
  }

  /** The response fields covered by the provider's signature. */
  record Response(
      int status,
      String requestHash,
      String messageId,
      String requestId,
      String contentType,
      long timeMillis,
      String bodyDigest,
      String xroadError) {

    byte[] bytes() {
      return join(
          "lgsp-response/1",
          Integer.toString(status),
          requestHash,
          messageId,
          requestId,
          contentType,
          Long.toString(timeMillis),
          bodyDigest,
          xroadError);
    }
  }

  private static byte[] join(String... fields) {
    StringBuilder b = new StringBuilder(256);
    for (String f : fields) {
      if (f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("signed field contains a line break");
      }
      b.append(f).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
