package org.openlgsp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.RuntimeUnknownHostException;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lgsp stats ...}: a gateway's statistics through its statistics API (docs/statistics.md):
 * figures, rankings, the monthly report.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Statistics of a gateway's exchanges, from its statistics API.",
    subcommands = {
      StatsCommands.FiguresCmd.class,
      StatsCommands.RankingsCmd.class,
      StatsCommands.ReportCmd.class
    })
final class StatsCommands {
  /** Where the API is and the token to show it. */
  static final class Api {
    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description = "Statistics API of a gateway node, e.g. http://127.0.0.1:7445.")
    String url;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "File holding the statistics token (else env LGSP_STATISTICS_TOKEN).")
    Optional<Path> tokenFile;

    Client client() {
      String token =
          tokenFile
              .map(Api::read)
              .orElseGet(
                  () -> Optional.ofNullable(System.getenv("LGSP_STATISTICS_TOKEN")).orElse(""));
      if (token.isBlank()) {
        throw new IllegalArgumentException("give --token-file FILE or set LGSP_STATISTICS_TOKEN");
      }
      return new Client(url, token.strip());
    }

    /** The content of a token file; a file that cannot be read is named. */
    static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + p);
      }
    }
  }

  /** The range asked: whole hours. */
  static final class Range {
    @Option(
        names = "--from",
        required = true,
        description = "Start, ISO-8601 instant (whole hour).")
    Instant from;

    @Option(names = "--to", required = true, description = "End (excluded), ISO-8601 instant.")
    Instant to;
  }

  /** Where an answer goes: a file, or standard output. */
  static final class Output {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write the answer to FILE (default: standard output).")
    Optional<Path> file;

    void write(byte[] body) throws IOException {
      if (file.isPresent()) {
        Files.write(file.get(), body);
      } else {
        OutputStream out = System.out;
        out.write(body);
        out.flush();
      }
    }
  }

  /** GETs from the statistics API; a refusal comes back as its problem's code and detail. */
  record Client(String base, String token, WebClient http) {
    Client(String url, String token) {
      this(
          url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
          token,
          WebClient.builder()
              .connectTimeout(Duration.ofSeconds(5))
              .readTimeout(Duration.ofMinutes(5))
              .followRedirects(false)
              .build());
    }

    byte[] get(String path, Map<String, String> query) {
      HttpClientRequest request =
          http.get().uri(base + path).header(HeaderNames.AUTHORIZATION, "Bearer " + token);
      query.forEach(request::queryParam);
      try (HttpClientResponse r = request.request()) {
        byte[] body = r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0];
        if (r.status().code() != 200) {
          throw LgspException.fromProblem(
              body, "unreadable answer from the server (" + r.status().code() + ")");
        }
        return body;
      } catch (UncheckedIOException | RuntimeUnknownHostException e) {
        throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage());
      }
    }
  }

  @Command(
      name = "figures",
      mixinStandardHelpOptions = true,
      description = {
        "Calls, outcomes, errors by code, bytes and latency percentiles over a range of whole"
            + " hours, grouped by agency, system, service and hour, day or month.",
        "A range longer than a month grouped by a period is asked month by month (in the node's"
            + " zone), with progress on standard error."
      })
  static final class FiguresCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Api api;
    @Mixin Output output;

    @Mixin Range range;

    @Option(
        names = "--group-by",
        paramLabel = "LIST",
        description = "Comma-separated: agency, system, service, and one of hour, day, month.")
    Optional<String> groupBy;

    @Option(names = "--format", description = "json (default) or csv.")
    Optional<String> format;

    @Override
    public Integer call() throws IOException {
      Client c = api.client();
      String fmt = format.orElse("json");
      String groups = groupBy.orElse("");
      boolean byPeriod =
          List.of(groups.split(",")).stream()
              .anyMatch(g -> g.equals("hour") || g.equals("day") || g.equals("month"));
      List<Instant[]> chunks =
          byPeriod && Duration.between(range.from, range.to).compareTo(Duration.ofDays(31)) > 0
              ? months(range.from, range.to, zone(c))
              : List.<Instant[]>of(new Instant[] {range.from, range.to});
      List<byte[]> answers = new ArrayList<>();
      PrintWriter err = spec.commandLine().getErr();
      long started = System.nanoTime();
      for (int i = 0; i < chunks.size(); i++) {
        Instant[] chunk = chunks.get(i);
        if (chunks.size() > 1) {
          err.printf("stats: %d/%d %s .. %s%n", i + 1, chunks.size(), chunk[0], chunk[1]);
          err.flush();
        }
        Map<String, String> q = new LinkedHashMap<>();
        q.put("from", chunk[0].toString());
        q.put("to", chunk[1].toString());
        if (!groups.isEmpty()) {
          q.put("groupBy", groups);
        }
        q.put("format", fmt);
        answers.add(c.get("/statistics/v1/figures", q));
      }
      if (chunks.size() > 1) {
        err.printf(
            "stats: %d queries in %d ms%n",
            chunks.size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
      }
      output.write(fmt.equals("csv") ? joinCsv(answers) : joinJson(answers, range.from, range.to));
      return 0;
    }

    private static ZoneId zone(Client c) {
      JsonNode status = tree(c.get("/statistics/v1/status", Map.of()));
      return ZoneId.of(status.get("zone").asText());
    }

    private static JsonNode tree(byte[] body) {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("unreadable answer from the server");
      }
    }

    /** {@code [from, to)} cut at the starts of months in {@code zone}. */
    static List<Instant[]> months(Instant from, Instant to, ZoneId zone) {
      List<Instant[]> out = new ArrayList<>();
      Instant start = from;
      YearMonth m = YearMonth.from(from.atZone(zone));
      while (start.isBefore(to)) {
        m = m.plusMonths(1);
        Instant next = m.atDay(1).atStartOfDay(zone).toInstant();
        Instant end = next.isBefore(to) ? next : to;
        out.add(new Instant[] {start, end});
        start = end;
      }
      return out;
    }

    private static byte[] joinCsv(List<byte[]> answers) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < answers.size(); i++) {
        String text = new String(answers.get(i), StandardCharsets.UTF_8);
        // every answer starts with the same header row: keep the first one only
        sb.append(i == 0 ? text : text.substring(text.indexOf('\n') + 1));
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] joinJson(List<byte[]> answers, Instant from, Instant to) {
      ObjectNode all = Json.mapper().createObjectNode();
      all.put("from", from.toString());
      all.put("to", to.toString());
      ArrayNode rows = all.putArray("rows");
      for (byte[] a : answers) {
        tree(a).get("rows").forEach(rows::add);
      }
      return Json.write(all);
    }
  }

  @Command(
      name = "rankings",
      mixinStandardHelpOptions = true,
      description = "Top agencies, systems or services of a range, by calls or by calls in error.")
  static final class RankingsCmd implements Callable<Integer> {
    @Mixin Api api;
    @Mixin Output output;

    @Mixin Range range;

    @Option(names = "--by", description = "agency (default), system or service.")
    Optional<String> by;

    @Option(names = "--order", description = "volume (default) or errors.")
    Optional<String> order;

    @Option(names = "--limit", description = "How many (1 - 1000, default 10).")
    Optional<Integer> limit;

    @Option(names = "--format", description = "json (default) or csv.")
    Optional<String> format;

    @Override
    public Integer call() throws IOException {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("from", range.from.toString());
      q.put("to", range.to.toString());
      by.ifPresent(v -> q.put("by", v));
      order.ifPresent(v -> q.put("order", v));
      limit.ifPresent(v -> q.put("limit", v.toString()));
      format.ifPresent(v -> q.put("format", v));
      output.write(api.client().get("/statistics/v1/rankings", q));
      return 0;
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "The printable monthly report (totals, per agency, rankings, errors by code, latency"
              + " percentiles) as HTML or PDF, in Vietnamese or English.")
  static final class ReportCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Api api;

    @Option(names = "--month", required = true, description = "The month, YYYY-MM.")
    YearMonth month;

    @Option(names = "--lang", description = "vi (default) or en.")
    Optional<String> lang;

    @Option(names = "--format", description = "pdf (default) or html.")
    Optional<String> format;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the report.")
    Path file;

    @Override
    public Integer call() throws IOException {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("month", month.toString());
      q.put("lang", lang.orElse("vi"));
      q.put("format", format.orElse("pdf"));
      PrintWriter err = spec.commandLine().getErr();
      err.println("stats: building the " + month + " report ...");
      byte[] body = api.client().get("/statistics/v1/report", q);
      Files.write(file, body);
      err.println("stats: wrote " + file + " (" + body.length + " bytes)");
      return 0;
    }
  }
}
