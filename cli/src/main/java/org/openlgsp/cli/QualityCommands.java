package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lgsp quality ...}: the data-quality report of a service from a provider gateway's
 * monitoring API (docs/privacy.md, "Data quality").
 */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = "Data quality of a service's exchanges, from its provider gateway.",
    subcommands = {QualityCommands.ReportCmd.class})
final class QualityCommands {
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = {
        "Schema violations by place and keyword, missing mandatory fields, duplicates and stale"
            + " data (ThoiDiemDuLieu) of one service over a range, from the monitoring API of the"
            + " gateway hosting it."
      })
  static final class ReportCmd implements Callable<Integer> {
    @Mixin StatsCommands.Output output;

    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description = "Monitoring API of the provider's gateway node, e.g. http://127.0.0.1:7444.")
    String url;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "File holding the monitoring token (else env LGSP_MONITORING_TOKEN).")
    Optional<Path> tokenFile;

    @Option(
        names = "--service",
        required = true,
        description = "Service id INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE.")
    String service;

    @Option(names = "--from", required = true, description = "Start, ISO-8601 instant.")
    Instant from;

    @Option(names = "--to", required = true, description = "End (excluded), ISO-8601 instant.")
    Instant to;

    @Option(
        names = "--stale-after",
        description = "Age beyond which an answer's data is stale, ISO-8601 (default P1D).")
    Optional<Duration> staleAfter;

    @Option(names = "--format", description = "json (default) or csv.")
    Optional<String> format;

    @Override
    public Integer call() throws IOException {
      String token =
          tokenFile
              .map(RegistryCommands::readFile)
              .orElseGet(
                  () -> Optional.ofNullable(System.getenv("LGSP_MONITORING_TOKEN")).orElse(""));
      if (token.isBlank()) {
        throw new IllegalArgumentException("give --token-file FILE or set LGSP_MONITORING_TOKEN");
      }
      Map<String, String> q = new LinkedHashMap<>();
      q.put("service", service);
      q.put("from", from.toString());
      q.put("to", to.toString());
      staleAfter.ifPresent(d -> q.put("staleAfter", d.toString()));
      q.put("format", format.orElse("json"));
      output.write(new StatsCommands.Client(url, token.strip()).get("/monitoring/v1/quality", q));
      return 0;
    }
  }
}
