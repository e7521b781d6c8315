package org.openlgsp.documents;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.LeakDetectors;
import org.openlgsp.core.PrivacyPolicy.LeakAction;
import org.openlgsp.core.PrivacyPolicy.LeakRule;

/**
 * Leak detectors on the document axis (docs/privacy.md, "Leak prevention"): the axis-wide rules
 * {@code defaults} for every document route, and {@code routes} overriding them for a sending
 * agency, a receiving agency or one sender → recipient pair. Per detector the most specific rule
 * wins: sender and recipient, then recipient only, then sender only, then the default. Actions are
 * {@code allow}, {@code alert} and {@code block}: a signed official document cannot be altered, so
 * {@code mask} is refused. {@code unscannable} is what an attachment whose text cannot be read at
 * all (an image, an archive) gets on a scanned route, unless a route says otherwise (default {@link
 * Unscannable#ALERT}); {@code attachmentText} bounds the extraction of the formats that are read.
 */
public record DocumentLeaks(
    List<LeakRule> defaults,
    List<Route> routes,
    Unscannable unscannable,
    ExtractionLimits attachmentText) {
  /** The default for attachments that cannot be scanned: alerted, never silently clean. */
  public static final Unscannable DEFAULT_UNSCANNABLE = Unscannable.ALERT;

  // after DEFAULT_UNSCANNABLE, which its constructor reads
  public static final DocumentLeaks NONE = new DocumentLeaks(List.of(), List.of());

  /**
   * What an attachment the detectors cannot read at all (images: no OCR; archives; any format other
   * than text, PDF and Office) gets on a route where detectors run.
   */
  public enum Unscannable {
    /** passed; counted as not scanned (attachments_not_scanned, the unscanned meter) */
    @com.fasterxml.jackson.annotation.JsonProperty("pass")
    PASS,
    /** passed with the finding {@code unscannable:alert} and a {@code dataLeak} alert */
    @com.fasterxml.jackson.annotation.JsonProperty("alert")
    ALERT,
    /** the package is refused ({@code document.leak_blocked}, finding {@code unscannable:block}) */
    @com.fasterxml.jackson.annotation.JsonProperty("refuse")
    REFUSE
  }

  public DocumentLeaks(List<LeakRule> defaults, List<Route> routes) {
    this(defaults, routes, null, null);
  }

  public DocumentLeaks {
    defaults = defaults == null ? List.of() : List.copyOf(defaults);
    routes = routes == null ? List.of() : List.copyOf(routes);
    unscannable = unscannable == null ? DEFAULT_UNSCANNABLE : unscannable;
    attachmentText = attachmentText == null ? ExtractionLimits.DEFAULTS : attachmentText;
    checkRules("leaks", defaults);
    Set<String> seen = new HashSet<>();
    for (Route r : routes) {
      String key = r.from().orElse("*") + " -> " + r.to().orElse("*");
      if (!seen.add(key)) {
        throw new IllegalArgumentException("leakRoutes: the route " + key + " is listed twice");
      }
    }
  }

  /**
   * Overrides for the packages of one sender ({@code from}), to one recipient ({@code to}), or of
   * one sender to one recipient; at least one of the two is named (Decision 20/2020 codes). It
   * lists detector rules ({@code leaks}), an {@code unscannable} policy, or both.
   */
  public record Route(
      Optional<String> from,
      Optional<String> to,
      List<LeakRule> leaks,
      Optional<Unscannable> unscannable) {
    public Route(Optional<String> from, Optional<String> to, List<LeakRule> leaks) {
      this(from, to, leaks, Optional.empty());
    }

    public Route {
      unscannable = unscannable == null ? Optional.empty() : unscannable;
      from = from == null ? Optional.empty() : from;
      to = to == null ? Optional.empty() : to;
      if (from.isEmpty() && to.isEmpty()) {
        throw new IllegalArgumentException(
            "leakRoutes: a route names its sender (from), its recipient (to) or both");
      }
      from.ifPresent(AgencyCode::parse);
      to.ifPresent(AgencyCode::parse);
      leaks = leaks == null ? List.of() : List.copyOf(leaks);
      if (leaks.isEmpty() && unscannable.isEmpty()) {
        throw new IllegalArgumentException(
            "leakRoutes: a route lists its leaks, its unscannable policy or both");
      }
      checkRules("leakRoutes[].leaks", leaks);
    }

    boolean matches(String sender, String recipient) {
      return from.map(sender::equals).orElse(true) && to.map(recipient::equals).orElse(true);
    }

    /** 3: sender and recipient; 2: recipient only; 1: sender only. */
    int specificity() {
      return from.isPresent() && to.isPresent() ? 3 : to.isPresent() ? 2 : 1;
    }
  }

  private static void checkRules(String where, List<LeakRule> rules) {
    Set<String> detectors = new HashSet<>();
    for (LeakRule r : rules) {
      if (r.action() == LeakAction.MASK) {
        throw new IllegalArgumentException(
            where
                + ": "
                + r.detector()
                + ": action mask is not possible on a document route (a signed official document"
                + " cannot be altered); use allow, alert or block");
      }
      if (!detectors.add(r.detector())) {
        throw new IllegalArgumentException(
            where + ": the detector " + r.detector() + " is listed twice");
      }
    }
  }

  /** Whether any detector runs on some route. */
  public boolean enabled() {
    return defaults.stream().anyMatch(r -> r.action() != LeakAction.ALLOW)
        || routes.stream()
            .flatMap(r -> r.leaks().stream())
            .anyMatch(r -> r.action() != LeakAction.ALLOW);
  }

  /** What each detector's finding gets on the route {@code sender} → {@code recipient}. */
  public Map<LeakDetectors.Kind, LeakAction> actions(String sender, String recipient) {
    Map<LeakDetectors.Kind, LeakAction> out = new EnumMap<>(LeakDetectors.Kind.class);
    defaults.forEach(r -> out.put(r.kind(), r.action()));
    for (int level = 1; level <= 3; level++) {
      for (Route route : routes) {
        if (route.specificity() == level && route.matches(sender, recipient)) {
          route.leaks().forEach(r -> out.put(r.kind(), r.action()));
        }
      }
    }
    out.values().removeIf(a -> a == LeakAction.ALLOW);
    return out;
  }

  /** What an unscannable attachment gets on the route {@code sender} → {@code recipient}. */
  public Unscannable unscannable(String sender, String recipient) {
    Unscannable out = unscannable;
    for (int level = 1; level <= 3; level++) {
      for (Route route : routes) {
        if (route.specificity() == level
            && route.matches(sender, recipient)
            && route.unscannable().isPresent()) {
          out = route.unscannable().get();
        }
      }
    }
    return out;
  }
}
