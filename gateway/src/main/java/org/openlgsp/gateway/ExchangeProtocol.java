package org.openlgsp.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.ServiceId;

/**
 * The consumer side of the gateway-to-gateway protocol (docs/protocol.md) for tools and tests that
 * talk to a provider gateway directly: which headers a signed request carries.
 */
public final class ExchangeProtocol {
  private ExchangeProtocol() {}

  /**
   * Headers of a request signed by {@code signer} over {@code body}; send them with method {@code
   * method} to {@code /r1/{service}{path}} on the provider's peer port.
   */
  static Map<String, String> signRequest(
      MessageSigner signer,
      ClientId client,
      ServiceId service,
      String method,
      String path,
      String messageId,
      byte[] body,
      long timeMillis) {
    return signRequest(signer, client, service, method, path, messageId, body, timeMillis, "");
  }

  /** As above, stating the purpose ({@code X-Road-Issue}) personal-data services require. */
  public static Map<String, String> signRequest(
      MessageSigner signer,
      ClientId client,
      ServiceId service,
      String method,
      String path,
      String messageId,
      byte[] body,
      long timeMillis,
      String issue) {
    String digest = Digests.base64(Digests.sha256(body));
    String requestId = UUID.randomUUID().toString();
    SigningInput.Request input =
        new SigningInput.Request(
            method,
            service.encoded(),
            path,
            "",
            client.toString(),
            messageId,
            requestId,
            "",
            issue,
            "",
            "",
            timeMillis,
            digest);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Road-Client", client.toString());
    headers.put("X-Road-Id", messageId);
    headers.put("X-Road-Request-Id", requestId);
    if (!issue.isEmpty()) {
      headers.put("X-Road-Issue", issue);
    }
    headers.put("X-Lgsp-Time", Long.toString(timeMillis));
    headers.put("X-Lgsp-Body-Digest", digest);
    headers.put("X-Lgsp-Signer", Certificates.fingerprint(signer.certificate()));
    headers.put("X-Lgsp-Signature", Digests.base64(signer.sign(input.bytes())));
    return headers;
  }
}
