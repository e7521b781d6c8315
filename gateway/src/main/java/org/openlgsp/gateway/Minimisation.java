package org.openlgsp.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.ResponseFilter;

/**
 * The provider gateway's minimisation of a backend answer under the grant's {@link PrivacyPolicy},
 * before the answer is signed (docs/privacy.md). JSON ({@code application/json} or any {@code
 * +json} type) is parsed, filtered and re-encoded; a JSON answer that does not parse is refused
 * (passing it would pass it unfiltered); other types are passed or refused as the policy says.
 */
final class Minimisation {
  private Minimisation() {}

  /**
   * The filtered body, or empty when the answer passes unchanged (not JSON, policy {@code pass}).
   *
   * @throws LgspException {@code privacy.response_unfilterable}
   */
  static Optional<byte[]> apply(
      PrivacyPolicy policy, ResponseFilter filter, String contentType, BodySpool answer) {
    if (!isJson(contentType)) {
      if (policy.nonJson() == PrivacyPolicy.NonJson.REFUSE) {
        throw new LgspException(
            ErrorCode.RESPONSE_UNFILTERABLE,
            "the grant passes JSON responses only; the service answered '" + contentType + "'");
      }
      return Optional.empty();
    }
    JsonNode doc;
    try (InputStream in = answer.open()) {
      doc = Json.mapper().readTree(in);
    } catch (IOException | RuntimeException e) {
      throw new LgspException(
          ErrorCode.RESPONSE_UNFILTERABLE, "the service's JSON answer does not parse");
    }
    if (doc == null || doc.isMissingNode()) {
      throw new LgspException(
          ErrorCode.RESPONSE_UNFILTERABLE, "the service's JSON answer does not parse");
    }
    try {
      return Optional.of(Json.mapper().writeValueAsBytes(filter.apply(doc)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a filtered answer", e);
    }
  }

  /** {@code application/json}, or a structured {@code +json} type, parameters ignored. */
  static boolean isJson(String contentType) {
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json")
        || (type.startsWith("application/") && type.endsWith("+json"));
  }
}
