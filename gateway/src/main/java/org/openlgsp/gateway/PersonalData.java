package org.openlgsp.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/**
 * Services that return personal data name where the data subject's ID sits ({@code query:NAME},
 * {@code path:N} for the N-th path segment after the service, {@code json:/POINTER} into a JSON
 * body). For those the gateway requires a purpose ({@code X-Road-Issue}), records a keyed hash of
 * the subject ID, and keeps the ID itself out of the recorded path.
 */
final class PersonalData {
  static final String PLACEHOLDER = "{subject}";
  private static final long MAX_JSON = 1024 * 1024;

  private PersonalData() {}

  /** Takes the subject from the path or query and hides it in the recorded path. */
  static void fromTarget(DirectoryView dir, R1Target target, ExchangeRecorder.Facts facts) {
    String locator =
        dir.service(target.service()).map(Directory.Service::subjectLocator).orElse("");
    if (locator.startsWith("path:")) {
      int n = Integer.parseInt(locator.substring(5));
      String[] segments = target.path().split("/", -1); // [0] is the empty text before "/"
      if (n >= 1 && n < segments.length && !segments[n].isEmpty()) {
        facts.subject = decode(segments[n]);
        segments[n] = PLACEHOLDER;
        String path = String.join("/", segments);
        facts.path = target.query().isEmpty() ? path : path + "?" + target.query();
      }
    } else if (locator.startsWith("query:")) {
      String name = locator.substring(6);
      List<String> parts = new ArrayList<>();
      for (String pair : target.query().split("&", -1)) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        if (eq > 0 && key.equals(name) && facts.subject.isEmpty()) {
          facts.subject = decode(pair.substring(eq + 1));
          parts.add(pair.substring(0, eq + 1) + PLACEHOLDER);
        } else {
          parts.add(pair);
        }
      }
      facts.path = target.path() + (target.query().isEmpty() ? "" : "?" + String.join("&", parts));
    }
  }

  /** Takes the subject from a JSON body, when the service locates it there. */
  static void fromBody(
      DirectoryView dir, R1Target target, BodySpool body, ExchangeRecorder.Facts f) {
    String locator =
        dir.service(target.service()).map(Directory.Service::subjectLocator).orElse("");
    if (!locator.startsWith("json:") || body.isEmpty() || body.length() > MAX_JSON) {
      return;
    }
    try (InputStream in = body.open()) {
      JsonNode node = Json.mapper().readTree(in).at(locator.substring(5));
      if (node.isValueNode() && !node.asText().isEmpty()) {
        f.subject = node.asText();
      }
    } catch (IOException | IllegalArgumentException e) {
      // not JSON or not there: nothing to record; the backend judges the body
    }
  }

  /** Refuses a call to a personal-data service that states no purpose. */
  static void requirePurpose(Directory.Service service, ExchangeRecorder.Facts facts) {
    if (!service.subjectLocator().isEmpty() && facts.issue.isBlank()) {
      throw new LgspException(
          ErrorCode.PURPOSE_MISSING,
          "service "
              + service.id()
              + " returns personal data: state the purpose in the X-Road-Issue header");
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
