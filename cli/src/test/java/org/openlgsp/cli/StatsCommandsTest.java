package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.statistics.StatisticsOptions;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** {@code lgsp stats ...} against a real statistics API. */
class StatsCommandsTest {
  static final String TOKEN = "statistics-token-0123456789";
  static final ClientId PORTAL = Observed.PORTAL;
  static final ServiceId CITIZENS = Observed.CITIZENS;
  // one observation a month, January to April 2026
  static final Instant[] AT = {
    Instant.parse("2026-01-10T03:00:00Z"),
    Instant.parse("2026-02-10T03:00:00Z"),
    Instant.parse("2026-03-10T03:00:00Z"),
    Instant.parse("2026-04-10T03:00:00Z")
  };
  @TempDir Path dir;
  Database db;
  Statistics statistics;
  Path tokenFile;

  @BeforeEach
  void start() throws Exception {
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
                d.maxRange(),
                d.retention(),
                d.purgeInterval(),
                Optional.of(0),
                Optional.of(BearerTokens.hash(TOKEN))),
            new SimpleMeterRegistry(),
            "127.0.0.1");
    ExchangeObserver observer = statistics.observers().getFirst();
    for (Instant at : AT) {
      observer.observed(observation(at));
    }
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                figures("--from", "2026-01-01T00:00:00Z", "--to", "2026-05-01T00:00:00Z")
                    .out()
                    .contains("\"calls\":4"));
  }

  @AfterEach
  void stop() {
    statistics.close();
    db.close();
  }

  String url() {
    return "http://127.0.0.1:" + statistics.apiPort().orElseThrow();
  }

  CommandRun figures(String... more) {
    String[] base = {"stats", "figures", "--url", url(), "--token-file", tokenFile.toString()};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CommandRun.run(args);
  }

  static ExchangeObservation observation(Instant at) {
    return Observed.at(at, PORTAL, CITIZENS)
        .securityServerInternalIp("127.0.0.1")
        .took(20)
        .clientSecurityServerAddress("")
        .serviceSecurityServerAddress("")
        .requestSize(10)
        .responseSize(120)
        .xRoadVersion("")
        .ledgerIndex(1)
        .gatewayTime(Duration.ofMillis(20))
        .build();
  }

  @Test
  void aLongRangeByDayIsAskedMonthByMonthWithProgressAndAddsUp() throws Exception {
    CommandRun run =
        figures(
            "--from",
            "2025-12-31T17:00:00Z",
            "--to",
            "2026-04-30T17:00:00Z",
            "--group-by",
            "month,agency");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("stats: 1/4").contains("stats: 4/4").contains("4 queries");
    JsonNode rows = Json.mapper().readTree(run.out()).get("rows");
    assertThat(rows)
        .extracting(r -> r.get("period").asText())
        .containsExactly("2026-01", "2026-02", "2026-03", "2026-04");
    assertThat(rows).allSatisfy(r -> assertThat(r.get("calls").asLong()).isEqualTo(1));
  }

  @Test
  void csvAndRankingsAndTheReportAreWrittenWhereAsked() throws Exception {
    Path csv = dir.resolve("figures.csv");
    CommandRun run =
        figures(
            "--from",
            "2026-01-01T00:00:00Z",
            "--to",
            "2026-05-01T00:00:00Z",
            "--group-by",
            "service",
            "--format",
            "csv",
            "-o",
            csv.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Files.readString(csv))
        .startsWith("agency,system,service,period,calls")
        .contains("\"" + CITIZENS.encoded() + "\",,4,4,0,0,,40,480");

    CommandRun top =
        CommandRun.run(
            "stats",
            "rankings",
            "--url",
            url(),
            "--token-file",
            tokenFile.toString(),
            "--from",
            "2026-01-01T00:00:00Z",
            "--to",
            "2026-05-01T00:00:00Z",
            "--by",
            "service");
    assertThat(top.exit()).as(top.err()).isZero();
    assertThat(top.out()).contains(CITIZENS.encoded());

    Path pdf = dir.resolve("report.pdf");
    CommandRun report =
        CommandRun.run(
            "stats",
            "report",
            "--url",
            url(),
            "--token-file",
            tokenFile.toString(),
            "--month",
            "2026-03",
            "-o",
            pdf.toString());
    assertThat(report.exit()).as(report.err()).isZero();
    assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes());
  }

  @Test
  void badInputIsRefusedWithTheServersCode() {
    CommandRun inverted = figures("--from", "2026-05-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z");
    assertThat(inverted.exit()).isEqualTo(2);
    assertThat(inverted.err()).contains("lgsp: query.range_invalid");
    CommandRun grouping =
        figures(
            "--from",
            "2026-01-01T00:00:00Z",
            "--to",
            "2026-02-01T00:00:00Z",
            "--group-by",
            "colour");
    assertThat(grouping.exit()).isEqualTo(2);
    assertThat(grouping.err()).contains("lgsp: query.filter_invalid");
    CommandRun noToken =
        CommandRun.run(
            "stats",
            "figures",
            "--url",
            url(),
            "--from",
            "2026-01-01T00:00:00Z",
            "--to",
            "2026-02-01T00:00:00Z");
    assertThat(noToken.exit()).isNotZero();
  }

  @Test
  void helpDescribesEachCommand() {
    CommandRun help = CommandRun.run("stats", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("figures").contains("rankings").contains("report");
    CommandRun figuresHelp = CommandRun.run("stats", "figures", "--help");
    assertThat(figuresHelp.out()).contains("--group-by").contains("month by month");
  }
}
