package org.openlgsp.statistics;

import com.fasterxml.jackson.core.type.TypeReference;
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
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The printable monthly report, in Vietnamese or English: HTML from a FreeMarker template ({@code
 * report.ftlh}, auto-escaped) and PDF from that HTML by openhtmltopdf with DejaVu Sans embedded
 * (its glyphs cover Vietnamese; Bitstream Vera licence, {@code DejaVu-LICENSE.txt}).
 */
final class MonthlyReport {
  private static final String BASE = "/org/openlgsp/statistics/";
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
  }

  /** What a month's report shows. */
  record Data(
      YearMonth month,
      ZoneId zone,
      Optional<Figures> total,
      List<Figures> byAgency,
      List<Figures> topAgenciesByVolume,
      List<Figures> topServicesByVolume,
      List<Figures> topAgenciesByErrors,
      List<Figures> topServicesByErrors,
      List<Figures> byService) {
    Data {
      Objects.requireNonNull(month, "month");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(total, "total");
      byAgency = List.copyOf(byAgency);
      topAgenciesByVolume = List.copyOf(topAgenciesByVolume);
      topServicesByVolume = List.copyOf(topServicesByVolume);
      topAgenciesByErrors = List.copyOf(topAgenciesByErrors);
      topServicesByErrors = List.copyOf(topServicesByErrors);
      byService = List.copyOf(byService);
    }
  }

  private MonthlyReport() {}

  private static Configuration freemarker() {
    Configuration c = new Configuration(Configuration.VERSION_2_3_34);
    c.setClassForTemplateLoading(MonthlyReport.class, BASE);
    c.setDefaultEncoding("UTF-8");
    c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    c.setLogTemplateExceptions(false);
    c.setWrapUncheckedExceptions(true);
    c.setFallbackOnNullLoopVariable(false);
    return c;
  }

  static String html(Data d, Language lang, String gateway, Instant generated) {
    Map<String, Object> model = new HashMap<>();
    model.put("t", labels(lang));
    model.put("lang", lang.tag());
    model.put("month", d.month().toString());
    model.put("gateway", gateway);
    model.put("zone", d.zone().getId());
    model.put("from", d.month().atDay(1).toString());
    model.put("to", d.month().atEndOfMonth().toString());
    model.put("generated", generated.truncatedTo(ChronoUnit.SECONDS).toString());
    model.put(
        "total",
        view(
            d.total()
                .orElseGet(
                    () ->
                        Figures.of(
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            new Bucket()))));
    model.put("byAgency", view(d.byAgency()));
    model.put("byService", view(d.byService()));
    model.put("topAgenciesByVolume", view(d.topAgenciesByVolume()));
    model.put("topServicesByVolume", view(d.topServicesByVolume()));
    model.put("topAgenciesByErrors", view(d.topAgenciesByErrors()));
    model.put("topServicesByErrors", view(d.topServicesByErrors()));
    try {
      Template t = FREEMARKER.getTemplate("report.ftlh", lang.locale);
      StringWriter out = new StringWriter();
      t.process(model, out);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (TemplateException e) {
      throw new IllegalStateException("the report template failed: " + e.getMessage(), e);
    }
  }

  // The template sees plain maps (as the API's JSON names them): records of this package are not
  // public, so FreeMarker's bean wrapper would not show their accessors.
  private static Map<String, Object> view(Figures f) {
    return StatisticsHttp.JSON.convertValue(f, new TypeReference<Map<String, Object>>() {});
  }

  private static List<Map<String, Object>> view(List<Figures> rows) {
    return rows.stream().map(MonthlyReport::view).toList();
  }

  static byte[] pdf(String html) {
    return PdfDocuments.fromHtml(html);
  }

  private static Map<String, String> labels(Language lang) {
    Properties p = new Properties();
    try (InputStream in =
        MonthlyReport.class.getResourceAsStream(BASE + "report_" + lang.tag() + ".properties")) {
      p.load(new InputStreamReader(Objects.requireNonNull(in), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, (String) v));
    return m;
  }
}
