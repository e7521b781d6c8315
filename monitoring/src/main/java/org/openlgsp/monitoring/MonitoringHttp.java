package org.openlgsp.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;

/**
 * The operational monitoring query API on its own listener (docs/monitoring.md, "Query API"), for
 * the bearer token of the role {@value #ROLE}: records (JSON or CSV, streamed, paged by cursor),
 * health data per service, and the writer's own counters.
 */
final class MonitoringHttp implements AutoCloseable {
  static final String ROLE = "monitoring.reader";
  static final String RECORDS = "/monitoring/v1/records";
  static final String HEALTH = "/monitoring/v1/health";
  static final String STATUS = "/monitoring/v1/status";
  static final String QUALITY = "/monitoring/v1/quality";
  private static final java.util.Set<String> QUALITY_PARAMETERS =
      java.util.Set.of("service", "from", "to", "staleAfter", "format");
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .serializationInclusion(JsonInclude.Include.NON_ABSENT)
          .build();
  private static final CsvMapper CSV =
      CsvMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new SimpleModule().addSerializer(String.class, new SpreadsheetSafeText()))
          .build();
  private static final CsvSchema CSV_SCHEMA = CSV.schemaFor(OperationalRecord.class).withHeader();

  private final Monitoring monitoring;
  private final int maxPage;
  private final AdminApi listener;

  /** What {@value #STATUS} answers. */
  record Status(long queued, long written, long dropped, long lost, long stored) {}

  MonitoringHttp(
      Monitoring monitoring,
      int maxPage,
      String host,
      int port,
      String tokenSha256,
      AuditLog audit) {
    this.monitoring = monitoring;
    this.maxPage = maxPage;
    this.listener =
        AdminApi.builder()
            .routes(routes())
            .token("monitoring", tokenSha256, Set.of(ROLE))
            .auditLog(audit)
            .start(host, port);
  }

  private List<Route> routes() {
    return List.of(
        Route.get(RECORDS).roles(ROLE).audited("monitoring.records.read").handle(this::records),
        Route.get(HEALTH)
            .roles(ROLE)
            .audit(Audit.notAudited("counts and timings per service, no record"))
            .handle(c -> send(c, "application/json", monitoring.health())),
        Route.get(QUALITY).roles(ROLE).audited("monitoring.quality.read").handle(this::quality),
        Route.get(STATUS)
            .roles(ROLE)
            .audit(Audit.notAudited("the writer's counters"))
            .handle(c -> send(c, "application/json", monitoring.status())));
  }

  private void records(Call c) throws IOException {
    Map<String, String> params = AdminApi.queryParameters(c, name -> true);
    String format = params.getOrDefault("format", "json");
    if (!format.equals("json") && !format.equals("csv")) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'format' must be json or csv");
    }
    OperationalQuery q = OperationalQuery.parse(params, maxPage);
    if (format.equals("csv")) {
      c.response().header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
      try (OutputStream out = c.response().outputStream();
          SequenceWriter rows = CSV.writer(CSV_SCHEMA).writeValues(out)) {
        monitoring.store().query(q, r -> write(rows, r));
      }
      return;
    }
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    try (OutputStream out = c.response().outputStream()) {
      writeJson(monitoring.store(), q, out);
    }
  }

  /** The records of {@code q} as this API's JSON answer: a page and the cursor of the next. */
  static void writeJson(OperationalStore store, OperationalQuery q, OutputStream out)
      throws IOException {
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("records");
      long[] last = {0};
      int n =
          store.query(
              q,
              r -> {
                last[0] = r.id();
                try {
                  JSON.writeValue(g, r);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      g.writeEndArray();
      if (n == q.limit()) {
        g.writeNumberField("next", last[0]); // the cursor: after=<next> for the next page
      }
      g.writeEndObject();
    }
  }

  /**
   * The data-quality report of one service over {@code [from, to)} (docs/privacy.md, "Data
   * quality"); {@code staleAfter} (ISO-8601 duration, default {@code P1D}) is the age beyond which
   * an answer's data counts as stale.
   */
  private void quality(Call c) throws IOException {
    Map<String, String> params = AdminApi.queryParameters(c, name -> true);
    for (String name : params.keySet()) {
      if (!QUALITY_PARAMETERS.contains(name)) {
        throw new LgspException(
            ErrorCode.QUERY_FILTER_INVALID,
            "unknown parameter '"
                + name
                + "'; known: "
                + new java.util.TreeSet<>(QUALITY_PARAMETERS));
      }
    }
    String format = params.getOrDefault("format", "json");
    if (!format.equals("json") && !format.equals("csv")) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'format' must be json or csv");
    }
    String serviceText = params.get("service");
    if (serviceText == null) {
      throw new LgspException(
          ErrorCode.QUERY_FILTER_INVALID,
          "'service' is required: an encoded service ID such as"
              + " VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    }
    org.openlgsp.core.ServiceId service;
    try {
      service = org.openlgsp.core.ServiceId.parse(serviceText);
    } catch (RuntimeException e) {
      throw new LgspException(
          ErrorCode.QUERY_FILTER_INVALID,
          "'service' must be an encoded service ID such as VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    }
    // the range as the records query reads it (required, ISO-8601, from before to)
    OperationalQuery range =
        OperationalQuery.parse(
            Map.of("from", params.getOrDefault("from", ""), "to", params.getOrDefault("to", "")),
            maxPage);
    java.time.Duration staleAfter;
    try {
      staleAfter = java.time.Duration.parse(params.getOrDefault("staleAfter", "P1D"));
    } catch (java.time.format.DateTimeParseException e) {
      staleAfter = java.time.Duration.ZERO;
    }
    if (!staleAfter.isPositive()) {
      throw new LgspException(
          ErrorCode.QUERY_FILTER_INVALID,
          "'staleAfter' must be a positive ISO-8601 duration such as P1D or PT12H");
    }
    QualityReport report =
        monitoring.quality().report(service, range.from(), range.to(), staleAfter);
    if (format.equals("csv")) {
      send(
          c,
          "text/csv; charset=utf-8",
          report.toCsv().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    send(c, "application/json", JSON.writeValueAsBytes(report));
  }

  /**
   * Text a caller chose (user ID, issue, path) can start like a spreadsheet formula; such a cell
   * gets a leading apostrophe, so opening the export runs nothing (OWASP "CSV injection").
   */
  static final class SpreadsheetSafeText extends StdSerializer<String> {
    private static final long serialVersionUID = 1L;

    SpreadsheetSafeText() {
      super(String.class);
    }

    @Override
    public void serialize(String value, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      boolean formula = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0;
      g.writeString(formula ? "'" + value : value);
    }
  }

  private static void write(SequenceWriter rows, OperationalRecord r) {
    try {
      rows.write(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(Call c, String type, byte[] body) {
    c.response().header(HeaderNames.CONTENT_TYPE, type);
    c.response().send(body);
  }

  private static void send(Call c, String type, Object value) throws IOException {
    c.response().header(HeaderNames.CONTENT_TYPE, type);
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
