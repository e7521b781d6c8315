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
import org.openlgsp.core.SubjectLocator;

/**
 * Services that return personal data name where the data subject's ID sits (a {@link
 * SubjectLocator}: query parameter, path segment or JSON pointer into the body, tried in order).
 * For those the gateway requires a purpose ({@code X-Road-Issue}), records a keyed hash of the
 * subject ID, and keeps the ID itself out of the recorded path.
 */
final class PersonalData {
  static final String PLACEHOLDER = "{subject}";
  private static final long MAX_JSON = 1024 * 1024;

  private PersonalData() {}

  /**
   * Takes the subject from the path or query and hides it in the recorded path: the first of the
   * service's locators, in their order, that finds one.
   */
  static void fromTarget(DirectoryView dir, R1Target target, ExchangeRecorder.Facts facts) {
    List<SubjectLocator.Place> places = places(dir, target);
    for (int rank = 0; rank < places.size() && facts.subject.isEmpty(); rank++) {
      switch (places.get(rank)) {
        case SubjectLocator.PathSegment p -> fromPath(p.index(), target, facts);
        case SubjectLocator.QueryParameter q -> fromQuery(q.name(), target, facts);
        case SubjectLocator.JsonPointer j -> {} // the body is read later, see fromBody
      }
      if (!facts.subject.isEmpty()) {
        facts.subjectRank = rank;
      }
    }
  }

  private static void fromPath(int n, R1Target target, ExchangeRecorder.Facts facts) {
    String[] segments = target.path().split("/", -1); // [0] is the empty text before "/"
    if (n >= 1 && n < segments.length && !segments[n].isEmpty()) {
      facts.subject = decode(segments[n]);
      segments[n] = PLACEHOLDER;
      String path = String.join("/", segments);
      facts.path = target.query().isEmpty() ? path : path + "?" + target.query();
    }
  }

  private static void fromQuery(String name, R1Target target, ExchangeRecorder.Facts facts) {
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
    if (!facts.subject.isEmpty()) {
      facts.path = target.path() + "?" + String.join("&", parts);
    }
  }

  /**
   * Takes the subject from a JSON body when a body locator listed before the one that matched the
   * path or query finds one (e.g. {@code json:/id,path:2}: the body's ID for {@code POST
   * /citizens/verify}, the path's for {@code GET /citizens/{id}}).
   */
  static void fromBody(
      DirectoryView dir, R1Target target, BodySpool body, ExchangeRecorder.Facts f) {
    List<SubjectLocator.Place> places = places(dir, target);
    if (body.isEmpty() || body.length() > MAX_JSON) {
      return;
    }
    for (int rank = 0; rank < Math.min(places.size(), f.subjectRank); rank++) {
      if (!(places.get(rank) instanceof SubjectLocator.JsonPointer locator)) {
        continue;
      }
      String found = jsonValue(body, locator.pointer());
      if (!found.isEmpty()) {
        f.subject = found;
        f.subjectRank = rank;
        f.path = target.pathAndQuery(); // a path segment is no longer taken for the subject
        return;
      }
    }
  }

  private static String jsonValue(BodySpool body, String pointer) {
    try (InputStream in = body.open()) {
      JsonNode node = Json.mapper().readTree(in).at(pointer);
      return node.isValueNode() ? node.asText() : "";
    } catch (IOException | IllegalArgumentException e) {
      return ""; // not JSON or not there: nothing to record; the backend judges the body
    }
  }

  private static List<SubjectLocator.Place> places(DirectoryView dir, R1Target target) {
    return dir.service(target.service()).map(s -> s.subjectLocator().places()).orElse(List.of());
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
