package org.openlgsp.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LeakDetectors;
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
   * What the policy made of an answer: the body to send (empty: unchanged), the leak findings, and
   * whether one of them blocks the answer (then it must not be sent).
   */
  record Outcome(Optional<byte[]> body, java.util.List<String> findings, boolean blocked) {
    /** Refuses a blocked answer with {@code privacy.leak_blocked}. */
    void requireNotBlocked() {
      if (blocked) {
        throw new LgspException(
            ErrorCode.LEAK_BLOCKED,
            "the answer holds what the grant blocks: " + String.join(", ", findings));
      }
    }
  }

  /**
   * The filtered body, or empty when the answer passes unchanged (not JSON, policy {@code pass},
   * nothing masked), with what the leak detectors found ({@code detector:action}).
   *
   * @throws LgspException {@code privacy.response_unfilterable}
   */
  static Outcome apply(
      PrivacyPolicy policy, ResponseFilter filter, String contentType, BodySpool answer) {
    java.util.Set<LeakDetectors.Kind> found = java.util.EnumSet.noneOf(LeakDetectors.Kind.class);
    if (!isJson(contentType)) {
      if (policy.nonJson() == PrivacyPolicy.NonJson.REFUSE) {
        throw new LgspException(
            ErrorCode.RESPONSE_UNFILTERABLE,
            "the grant passes JSON responses only; the service answered '" + contentType + "'");
      }
      if (!isText(contentType) || policy.leaks().isEmpty()) {
        return new Outcome(Optional.empty(), java.util.List.of(), false);
      }
      String text = new String(answer.bytes(), StandardCharsets.UTF_8);
      String scanned = filter.applyToText(text, found);
      return new Outcome(
          scanned.equals(text)
              ? Optional.empty()
              : Optional.of(scanned.getBytes(StandardCharsets.UTF_8)),
          filter.findings(found),
          filter.blocks(found));
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
    JsonNode out = filter.apply(doc, found);
    try {
      return new Outcome(
          Optional.of(Json.mapper().writeValueAsBytes(out)),
          filter.findings(found),
          filter.blocks(found));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a filtered answer", e);
    }
  }

  /** Text the leak detectors read: {@code text/*}, XML ({@code application/xml}, {@code +xml}). */
  static boolean isText(String contentType) {
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.startsWith("text/")
        || type.equals("application/xml")
        || (type.startsWith("application/") && type.endsWith("+xml"));
  }

  /** {@code application/json}, or a structured {@code +json} type, parameters ignored. */
  static boolean isJson(String contentType) {
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json")
        || (type.startsWith("application/") && type.endsWith("+json"));
  }
}
