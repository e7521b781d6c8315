package org.openlgsp.statistics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;
import org.openlgsp.statistics.StatsQuery.Grouping;

/**
 * The statistics API on its own listener (docs/statistics.md, "API"), for the bearer token of the
 * role {@value #ROLE}: figures grouped as asked, rankings, the monthly report, the aggregator's
 * counters. Figures and rankings answer JSON or CSV.
 */
final class StatisticsHttp implements AutoCloseable {
  static final String ROLE = "statistics.reader";
  static final String FIGURES = "/statistics/v1/figures";
  static final String RANKINGS = "/statistics/v1/rankings";
  static final String REPORT = "/statistics/v1/report";
  static final String STATUS = "/statistics/v1/status";
  static final int MAX_RANKING = 1_000;
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_ABSENT, JsonInclude.Include.USE_DEFAULTS))
          .build();
  private static final CsvMapper CSV = CsvMapper.builder().addModule(new Jdk8Module()).build();
  private static final CsvSchema CSV_SCHEMA =
      CSV.schemaFor(CsvRow.class).sortedBy(Figures.CSV_COLUMNS.toArray(String[]::new)).withHeader();

  private final Statistics statistics;
  private final AdminApi listener;

  /** A CSV line: {@link Figures} with the error counts as {@code code=n} joined by {@code ;}. */
  record CsvRow(
      String agency,
      String system,
      String service,
      String period,
      long calls,
      long successes,
      long refused,
      long failed,
      String errors,
      long bytesIn,
      long bytesOut,
      long latencyP50,
      long latencyP90,
      long latencyP95,
      long latencyP99,
      long latencyMax) {
    static CsvRow of(Figures f) {
      return new CsvRow(
          cell(f.agency().orElse("")),
          cell(f.system().orElse("")),
          cell(f.service().orElse("")),
          f.period().orElse(""),
          f.calls(),
          f.successes(),
          f.refused(),
          f.failed(),
          f.errors().entrySet().stream()
              .map(e -> cell(e.getKey()) + "=" + e.getValue())
              .collect(Collectors.joining(";")),
          f.bytesIn(),
          f.bytesOut(),
          f.latencyP50(),
          f.latencyP90(),
          f.latencyP95(),
          f.latencyP99(),
          f.latencyMax());
    }

    // A cell opened in a spreadsheet must not run as a formula (OWASP "CSV injection").
    private static String cell(String v) {
      return !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
    }
  }

  StatisticsHttp(Statistics statistics, String host, int port, String tokenSha256, AuditLog audit) {
    this.statistics = statistics;
    this.listener =
        AdminApi.builder()
            .routes(routes())
            .token("statistics", tokenSha256, Set.of(ROLE))
            .auditLog(audit)
            .start(host, port);
  }

  private List<Route> routes() {
    return List.of(
        Route.get(FIGURES)
            .roles(ROLE)
            .audit(Audit.notAudited("counts per agency, system and service; no record"))
            .handle(this::figures),
        Route.get(RANKINGS)
            .roles(ROLE)
            .audit(Audit.notAudited("counts per agency or service; no record"))
            .handle(this::rankings),
        Route.get(REPORT)
            .roles(ROLE)
            .audit(Audit.notAudited("the month's counts; no record"))
            .handle(this::report),
        Route.get(STATUS)
            .roles(ROLE)
            .audit(Audit.notAudited("the aggregator's counters"))
            .handle(c -> json(c, statistics.status())));
  }

  private void figures(Call c) throws IOException {
    Map<String, String> p = params(c, Set.of("from", "to", "groupBy", "format"));
    StatsQuery q =
        new StatsQuery(
            StatsQuery.instant(p, "from"),
            StatsQuery.instant(p, "to"),
            StatsQuery.groupings(p.getOrDefault("groupBy", "")));
    answer(c, p, q.from(), q.to(), statistics.figures(q));
  }

  private void rankings(Call c) throws IOException {
    Map<String, String> p = params(c, Set.of("from", "to", "by", "order", "limit", "format"));
    Instant from = StatsQuery.instant(p, "from");
    Instant to = StatsQuery.instant(p, "to");
    Grouping by =
        switch (p.getOrDefault("by", "agency")) {
          case "agency" -> Grouping.AGENCY;
          case "system" -> Grouping.SYSTEM;
          case "service" -> Grouping.SERVICE;
          default ->
              throw new LgspException(
                  ErrorCode.QUERY_FILTER_INVALID, "'by' must be agency, system or service");
        };
    Statistics.Order order =
        switch (p.getOrDefault("order", "volume")) {
          case "volume" -> Statistics.Order.VOLUME;
          case "errors" -> Statistics.Order.ERRORS;
          default ->
              throw new LgspException(
                  ErrorCode.QUERY_FILTER_INVALID, "'order' must be volume or errors");
        };
    int limit;
    try {
      limit = Integer.parseInt(p.getOrDefault("limit", "10"));
    } catch (NumberFormatException e) {
      limit = 0;
    }
    if (limit < 1 || limit > MAX_RANKING) {
      throw new LgspException(
          ErrorCode.QUERY_PAGE_INVALID, "'limit' must be from 1 to " + MAX_RANKING);
    }
    answer(c, p, from, to, statistics.ranking(from, to, by, order, limit));
  }

  private void report(Call c) throws IOException {
    Map<String, String> p = params(c, Set.of("month", "lang", "format"));
    YearMonth month;
    try {
      month = YearMonth.parse(p.getOrDefault("month", ""));
    } catch (DateTimeParseException e) {
      throw new LgspException(ErrorCode.QUERY_RANGE_INVALID, "'month' must be YYYY-MM");
    }
    MonthlyReport.Language lang =
        switch (p.getOrDefault("lang", "vi")) {
          case "vi" -> MonthlyReport.Language.VI;
          case "en" -> MonthlyReport.Language.EN;
          default ->
              throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'lang' must be vi or en");
        };
    String format = p.getOrDefault("format", "html");
    if (!format.equals("html") && !format.equals("pdf")) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'format' must be html or pdf");
    }
    String html =
        MonthlyReport.html(
            statistics.report(month), lang, statistics.gateway(), Clock.systemUTC().instant());
    if (format.equals("pdf")) {
      c.response().header(HeaderNames.CONTENT_TYPE, "application/pdf");
      c.response()
          .header(
              HeaderNames.CONTENT_DISPOSITION,
              "attachment; filename=\"lgsp-report-" + month + "-" + lang.tag() + ".pdf\"");
      c.response().send(MonthlyReport.pdf(html));
    } else {
      c.response().header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
      c.response().send(html.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> params(Call c, Set<String> allowed) {
    return AdminApi.queryParameters(c, allowed::contains);
  }

  private static void answer(
      Call c, Map<String, String> p, Instant from, Instant to, List<Figures> rows)
      throws IOException {
    String format = p.getOrDefault("format", "json").toLowerCase(Locale.ROOT);
    switch (format) {
      case "json" -> json(c, new FiguresAnswer(from, to, rows));
      case "csv" -> {
        c.response().header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        c.response()
            .send(CSV.writer(CSV_SCHEMA).writeValueAsBytes(rows.stream().map(CsvRow::of).toList()));
      }
      default ->
          throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'format' must be json or csv");
    }
  }

  private static void json(Call c, Object value) throws IOException {
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    c.response().send(JSON.writeValueAsBytes(value));
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }
}
