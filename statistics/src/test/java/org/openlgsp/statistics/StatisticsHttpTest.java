package org.openlgsp.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openlgsp.core.Json;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The statistics API over a real socket, fed through the aggregator as a gateway feeds it. */
class StatisticsHttpTest {
  static final String TOKEN = "statistics-token-0123456789";
  // 08:00 on 1 Nov 2026 in Hanoi
  static final Instant T0 = Instant.parse("2026-11-01T01:00:00Z");
  static final String NOVEMBER = "from=2026-10-31T17:00:00Z&to=2026-11-30T17:00:00Z";
  @TempDir Path dir;
  Database db;
  Statistics statistics;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    StatisticsOptions d = StatisticsOptions.defaults();
    statistics =
        Statistics.start(
            db,
            new StatisticsOptions(
                true,
                d.queueSize(),
                d.batchSize(),
                Duration.ofMillis(50),
                ZoneId.of("Asia/Ho_Chi_Minh"),
                Duration.ofDays(31),
                d.retention(),
                d.purgeInterval(),
                Optional.of(0),
                Optional.of(BearerTokens.hash(TOKEN))),
            new SimpleMeterRegistry(),
            "127.0.0.1");
    var observer = statistics.observers().getFirst();
    // PORTAL: 6 calls to CITIZENS (one refused); LAND_OFFICE: 3 to PARCELS (two refused)
    for (int i = 0; i < 5; i++) {
      observer.observed(
          Observations.success(
              T0.plusSeconds(3600L * 24 * i),
              Observations.PORTAL,
              Observations.CITIZENS,
              10 * (i + 1),
              7,
              9));
    }
    observer.observed(
        Observations.refusal(T0.plusSeconds(50), Observations.PORTAL, Observations.CITIZENS, 2));
    observer.observed(
        Observations.success(T0, Observations.LAND_OFFICE, Observations.PARCELS, 400, 1, 1));
    for (int i = 0; i < 2; i++) {
      observer.observed(
          Observations.refusal(
              T0.plusSeconds(i), Observations.LAND_OFFICE, Observations.PARCELS, 3));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> statistics.status().counted() == 9);
  }

  @AfterEach
  void stop() {
    statistics.close();
    db.close();
  }

  HttpResponse<byte[]> get(String pathAndQuery, Optional<String> token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + statistics.apiPort().orElseThrow() + pathAndQuery));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonNode json(String pathAndQuery) throws Exception {
    HttpResponse<byte[]> r = get(pathAndQuery, Optional.of(TOKEN));
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  @Test
  void figuresPerAgencyAndDayAddUpToWhatWasObserved() throws Exception {
    JsonNode rows = json("/statistics/v1/figures?" + NOVEMBER + "&groupBy=agency").get("rows");
    assertThat(rows).hasSize(2);
    JsonNode tayNinh = rows.get(0);
    assertThat(tayNinh.get("agency").asText()).isEqualTo("VN/GOV/000.00.00.H29");
    assertThat(tayNinh.get("calls").asLong()).isEqualTo(3);
    assertThat(tayNinh.get("refused").asLong()).isEqualTo(2);
    assertThat(tayNinh.get("errors").get("access.denied").asLong()).isEqualTo(2);
    JsonNode h53 = rows.get(1);
    assertThat(h53.get("calls").asLong()).isEqualTo(6);
    assertThat(h53.get("successes").asLong()).isEqualTo(5);
    assertThat(h53.get("bytesIn").asLong()).isEqualTo(35);
    assertThat(h53.get("latencyMax").asLong()).isEqualTo(50);

    JsonNode days = json("/statistics/v1/figures?" + NOVEMBER + "&groupBy=day,service").get("rows");
    assertThat(days.get(0).get("period").asText()).isEqualTo("2026-11-01");
    long sum = 0;
    for (JsonNode d : days) {
      sum += d.get("calls").asLong();
    }
    assertThat(sum).isEqualTo(9);
  }

  @Test
  void csvIsReadBackByACsvReaderWithTheSameFigures() throws Exception {
    HttpResponse<byte[]> r =
        get(
            "/statistics/v1/figures?" + NOVEMBER + "&groupBy=system&format=csv",
            Optional.of(TOKEN));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
    // the published column list (what the console's download names its columns from), in order
    assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).lines().findFirst())
        .contains(String.join(",", Figures.CSV_COLUMNS));
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper()
            .readerFor(Map.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(r.body())) {
      List<Map<String, String>> rows = it.readAll();
      assertThat(rows).hasSize(2);
      assertThat(rows.get(1))
          .containsEntry("system", Observations.PORTAL.encoded())
          .containsEntry("calls", "6")
          .containsEntry("refused", "1")
          .containsEntry("errors", "access.denied=1")
          .containsEntry("agency", "");
    }
  }

  @Test
  void rankingsOrderAgenciesByVolumeAndServicesByErrors() throws Exception {
    JsonNode byVolume =
        json("/statistics/v1/rankings?" + NOVEMBER + "&by=agency&order=volume").get("rows");
    assertThat(byVolume)
        .extracting(n -> n.get("agency").asText())
        .containsExactly("VN/GOV/000.00.00.H53", "VN/GOV/000.00.00.H29");
    JsonNode byErrors =
        json("/statistics/v1/rankings?" + NOVEMBER + "&by=service&order=errors&limit=1")
            .get("rows");
    assertThat(byErrors).hasSize(1);
    assertThat(byErrors.get(0).get("service").asText()).isEqualTo(Observations.PARCELS.encoded());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/statistics/v1/figures?from=2026-11-30T17:00:00Z&to=2026-10-31T17:00:00Z|query.range_invalid",
        "/statistics/v1/figures?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z|query.range_invalid",
        "/statistics/v1/figures?from=2026-11-01T00:30:00Z&to=2026-11-02T00:00:00Z|query.range_invalid",
        "/statistics/v1/figures?to=2026-11-02T00:00:00Z|query.range_invalid",
        "/statistics/v1/figures?"
            + "from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&groupBy=colour|query.filter_invalid",
        "/statistics/v1/figures?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&groupBy=day,hour|query.filter_invalid",
        "/statistics/v1/figures?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&format=xml|query.filter_invalid",
        "/statistics/v1/figures?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&colour=red|query.filter_invalid",
        "/statistics/v1/rankings?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&limit=0|query.page_invalid",
        "/statistics/v1/rankings?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&by=day|query.filter_invalid",
        "/statistics/v1/report?month=2026-13|query.range_invalid",
        "/statistics/v1/report?month=2026-11&lang=fr|query.filter_invalid"
      })
  void badQueriesAreRefusedWithAStableCode(String query, String code) throws Exception {
    HttpResponse<byte[]> r = get(query, Optional.of(TOKEN));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    JsonNode problem = Json.mapper().readTree(r.body());
    assertThat(problem.toString()).contains(code).doesNotContain("Exception");
  }

  @Test
  void withoutTheTokenNothingIsAnswered() throws Exception {
    assertThat(get("/statistics/v1/figures?" + NOVEMBER, Optional.empty()).statusCode())
        .isEqualTo(401);
    assertThat(get("/statistics/v1/figures?" + NOVEMBER, Optional.of("wrong")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void theMonthlyPdfCarriesTheVietnameseHeadingsAndFigures() throws Exception {
    HttpResponse<byte[]> r =
        get("/statistics/v1/report?month=2026-11&lang=vi&format=pdf", Optional.of(TOKEN));
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/pdf");
    String text;
    try (PDDocument pdf = Loader.loadPDF(r.body())) {
      text = new PDFTextStripper().getText(pdf);
    }
    assertThat(text)
        .contains("Báo cáo thống kê chia sẻ dữ liệu tháng 2026-11")
        .contains("Tổng hợp giao dịch")
        .contains("Thống kê theo cơ quan")
        .contains("Xếp hạng cơ quan theo số giao dịch")
        .contains("Phân tích lỗi theo mã")
        .contains("Thời gian xử lý (phân vị)")
        .contains("VN/GOV/000.00.00.H53")
        .contains("access.denied");
  }

  @Test
  void theEnglishHtmlReportHasTheSameSections() throws Exception {
    HttpResponse<byte[]> r = get("/statistics/v1/report?month=2026-11&lang=en", Optional.of(TOKEN));
    assertThat(r.statusCode()).isEqualTo(200);
    String html = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(html)
        .contains("Monthly data-sharing statistics report 2026-11")
        .contains("Top services by calls in error")
        .contains("Errors by code")
        .contains("VN/GOV/000.00.00.G02/DATDAI/parcels");
  }

  @Test
  void aMonthWithoutExchangesStillHasItsReportSayingSo() throws Exception {
    HttpResponse<byte[]> r = get("/statistics/v1/report?month=2026-09&lang=vi", Optional.of(TOKEN));
    assertThat(r.statusCode()).isEqualTo(200);
    String html = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(html).contains("tháng 2026-09").contains("Không có").doesNotContain("000.00.00.H53");
  }
}
