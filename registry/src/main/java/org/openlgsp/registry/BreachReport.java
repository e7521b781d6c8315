package org.openlgsp.registry;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The printable notification of a breach to the authority (A05, Ministry of Public Security), in
 * Vietnamese or English: the contents Decree 13/2023 Art. 23 asks for and the timeline, as HTML
 * from a FreeMarker template ({@code breach-report.ftlh}, auto-escaped), the way the statistics
 * module renders its monthly report. Times are shown in Vietnam's time (UTC+7).
 */
final class BreachReport {
  private static final String BASE = "/org/openlgsp/registry/";
  private static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC+7'").withZone(VIETNAM);
  private static final Configuration FREEMARKER = freemarker();

  /** The report's languages. */
  enum Language {
    VI(Locale.forLanguageTag("vi-VN")),
    EN(Locale.UK);

    final Locale locale;

    Language(Locale locale) {
      this.locale = locale;
    }

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** {@code vi} or {@code en}; anything else is {@code request.malformed}. */
    static Language fromTag(String tag) {
      for (Language l : values()) {
        if (l.tag().equals(tag)) {
          return l;
        }
      }
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "lang must be vi or en");
    }
  }

  private BreachReport() {}

  private static Configuration freemarker() {
    Configuration c = new Configuration(Configuration.VERSION_2_3_34);
    c.setClassForTemplateLoading(BreachReport.class, BASE);
    c.setDefaultEncoding("UTF-8");
    c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    c.setLogTemplateExceptions(false);
    c.setWrapUncheckedExceptions(true);
    c.setFallbackOnNullLoopVariable(false);
    return c;
  }

  /** The report of {@code b} as of {@code now}, for the registry of {@code instance}. */
  static String html(Breach b, Language lang, String instance, Instant now) {
    Map<String, Object> model = new HashMap<>();
    model.put("t", labels(lang));
    model.put("lang", lang.tag());
    model.put("instance", instance);
    model.put("generated", TIME.format(now));
    model.put("late", b.late(now));
    model.put("b", view(b));
    try {
      Template t = FREEMARKER.getTemplate("breach-report.ftlh", lang.locale);
      StringWriter out = new StringWriter();
      t.process(model, out);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (TemplateException e) {
      throw new IllegalStateException("the breach report template failed: " + e.getMessage(), e);
    }
  }

  // The template sees plain maps and strings: times already formatted, absent ones left out.
  private static Map<String, Object> view(Breach b) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", b.id());
    m.put("detectedAt", TIME.format(b.detectedAt()));
    m.put("deadline", TIME.format(b.deadline()));
    m.put("status", b.status().label());
    m.put("reportedBy", b.reportedBy());
    m.put("description", b.description());
    m.put("categories", b.categories());
    m.put("subjectsApprox", Long.toString(b.subjectsApprox()));
    m.put("systems", b.systems());
    m.put("consequences", b.consequences());
    m.put("measures", b.measures());
    b.notified().ifPresent(t -> m.put("notifiedAt", TIME.format(t)));
    b.authorityRef().filter(r -> !r.isEmpty()).ifPresent(r -> m.put("authorityReference", r));
    b.delay().ifPresent(r -> m.put("delayReason", r));
    b.subjectsNotified().ifPresent(t -> m.put("subjectsNotifiedAt", TIME.format(t)));
    b.closed().ifPresent(t -> m.put("closedAt", TIME.format(t)));
    List<Map<String, String>> timeline =
        b.timeline().stream()
            .map(
                e ->
                    Map.of(
                        "at", TIME.format(e.at()),
                        "actor", e.actor(),
                        "kind", e.kind().label(),
                        "text", e.text()))
            .toList();
    m.put("timeline", timeline);
    return m;
  }

  private static Map<String, String> labels(Language lang) {
    Properties p = new Properties();
    try (InputStream in =
        BreachReport.class.getResourceAsStream(
            BASE + "breach-report_" + lang.tag() + ".properties")) {
      p.load(new InputStreamReader(Objects.requireNonNull(in), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, (String) v));
    return m;
  }
}
