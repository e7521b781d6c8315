package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.SchemaCheck;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** {@code lgsp quality report} against a real monitoring API. */
class QualityCommandsTest {
  static final String TOKEN = "monitoring-token-0123456789";
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  @TempDir Path dir;

  static ExchangeObservation observation(int second, DataQuality.Violation v) {
    return Observed.at(T0.plusSeconds(second), Observed.PORTAL, Observed.CITIZENS)
        .securityServerType(ExchangeObservation.SecurityServerType.PRODUCER)
        .took(5)
        .messageId("m-" + second)
        .quality(
            new DataQuality(
                SchemaCheck.WARN, List.of(v), List.of(), "k" + second, "d", Optional.empty()))
        .build();
  }

  @Test
  void theReportComesAsJsonOrCsvAndABadRangeIsRefusedWithItsCode() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      MonitoringOptions d = MonitoringOptions.defaults();
      try (Monitoring monitoring =
          Monitoring.start(
              db,
              new MonitoringOptions(
                  true,
                  d.queueSize(),
                  d.batchSize(),
                  d.retention(),
                  d.purgeInterval(),
                  d.healthPeriod(),
                  d.maxPageSize(),
                  Optional.of(0),
                  Optional.of(BearerTokens.hash(TOKEN))),
              new SimpleMeterRegistry(),
              Optional::empty,
              "127.0.0.1",
              Clock.fixed(T0, ZoneOffset.UTC))) {
        DataQuality.Violation date =
            new DataQuality.Violation("response", "/CongDan/NgaySinh", "format");
        for (int i = 0; i < 3; i++) {
          ExchangeObservation o = observation(i, date);
          monitoring.observers().forEach(obs -> obs.observed(o));
        }
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        String url = "http://127.0.0.1:" + monitoring.apiPort().orElseThrow();
        String[] args = {
          "quality",
          "report",
          "--url",
          url,
          "--token-file",
          tokenFile.toString(),
          "--service",
          Observed.CITIZENS.encoded(),
          "--from",
          "2026-12-01T00:00:00Z",
          "--to",
          "2026-12-02T00:00:00Z"
        };

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> CommandRun.run(args).out().contains("\"exchanges\":3"));
        CommandRun json = CommandRun.run(args);
        String[] csvArgs = java.util.Arrays.copyOf(args, args.length + 2);
        csvArgs[args.length] = "--format";
        csvArgs[args.length + 1] = "csv";
        CommandRun csv = CommandRun.run(csvArgs);
        String[] inverted = args.clone();
        inverted[9] = "2026-12-03T00:00:00Z";
        CommandRun refused = CommandRun.run(inverted);

        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"pointer\":\"/CongDan/NgaySinh\"");
        assertThat(csv.exit()).isZero();
        assertThat(csv.out()).contains("violation,response,/CongDan/NgaySinh,format,3");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("query.range_invalid");
      }
    }
  }
}
