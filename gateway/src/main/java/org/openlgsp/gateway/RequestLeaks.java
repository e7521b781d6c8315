package org.openlgsp.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LeakDetectors;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.PrivacyPolicy.LeakAction;

/**
 * The consumer gateway's leak detectors on a REQUEST body, before it leaves the agency
 * (docs/privacy.md, "Leak prevention"): the grant's detectors whose action is {@code alert} or
 * {@code block} (a request is never rewritten, so {@code mask} rules apply to answers only) over a
 * JSON body (parsed and written back without escapes, so a mark written as a JSON unicode escape is
 * found too) or a text body ({@code text/*}, XML), read as UTF-8. Other bodies are not scanned.
 */
final class RequestLeaks {
  private RequestLeaks() {}

  /**
   * Records the findings ({@code detector:action}) in {@code facts}; refuses the request with
   * {@code privacy.request_leak_blocked} when one is blocked.
   */
  static void check(
      PrivacyPolicy policy, String contentType, BodySpool body, ExchangeRecorder.Facts facts) {
    Map<LeakDetectors.Kind, LeakAction> actions = new EnumMap<>(LeakDetectors.Kind.class);
    policy.leaks().stream()
        .filter(r -> r.action() == LeakAction.ALERT || r.action() == LeakAction.BLOCK)
        .forEach(r -> actions.put(r.kind(), r.action()));
    boolean json = Minimisation.isJson(contentType);
    if (actions.isEmpty() || body.isEmpty() || !(json || Minimisation.isText(contentType))) {
      return;
    }
    if (body.length() > policy.maxFilteredBytes()) {
      if (actions.containsValue(LeakAction.BLOCK)) {
        throw new LgspException(
            ErrorCode.REQUEST_TOO_LARGE,
            "the request body is larger than the grant lets the gateway scan for leaks ("
                + policy.maxFilteredBytes()
                + " bytes)");
      }
      return; // alert only: passed, not scanned
    }
    String text;
    try (InputStream in = body.open()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (json) {
      try {
        text = Json.mapper().writeValueAsString(Json.mapper().readTree(text));
      } catch (IOException | RuntimeException e) {
        // not JSON after all: scanned as the text it is
      }
    }
    Set<LeakDetectors.Kind> found = EnumSet.noneOf(LeakDetectors.Kind.class);
    LeakDetectors.scan(text, actions.keySet(), Set.of(), found);
    if (found.isEmpty()) {
      return;
    }
    List<String> findings =
        found.stream()
            .sorted()
            .map(k -> k.label() + ":" + actions.get(k).name().toLowerCase(Locale.ROOT))
            .toList();
    facts.leaks = findings; // recorded (and alerted on) even when blocked
    facts.found("request", findings);
    List<String> blocked =
        found.stream().filter(k -> actions.get(k) == LeakAction.BLOCK).map(k -> k.label()).toList();
    if (!blocked.isEmpty()) {
      throw new LgspException(
          ErrorCode.REQUEST_LEAK_BLOCKED,
          "the request holds what the grant blocks: " + String.join(", ", blocked));
    }
  }
}
