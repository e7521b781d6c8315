package org.openlgsp.console;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.ApiLink;

/**
 * The gateways' operator APIs as the console asks them ({@code registry.console.gateways}): their
 * statistics, alerts and operational records. Each gateway is asked on its own, all at once, each
 * answer bounded in time; a gateway that does not answer (or refuses the token) is reported so on
 * the page, never failing it.
 */
public final class Gateways {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A download may be rendered first (the monthly report's PDF): it may take this long. */
  static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper WIRE =
      Json.mapper()
          .copy()
          // the statistics API's rows hold Optional groupings
          .registerModule(new Jdk8Module())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** An API of one gateway: its base URL and the token it takes (never shown). */
  record Endpoint(String url, String token) {
    @Override
    public String toString() {
      return "Endpoint[" + url + "]";
    }
  }

  /** One gateway and the APIs the console may ask it. */
  record Remote(
      String node,
      Optional<Endpoint> monitoring,
      Optional<Endpoint> statistics,
      Optional<Endpoint> alerts) {}

  /** What one gateway answered, or why not. */
  record Answer<T>(String node, Optional<T> value, Optional<String> problem) {
    static <T> Answer<T> of(String node, T value) {
      return new Answer<>(node, Optional.of(value), Optional.empty());
    }

    static <T> Answer<T> failed(String node, String problem) {
      return new Answer<>(node, Optional.empty(), Optional.of(problem));
    }
  }

  // ---- the APIs' answers (docs/statistics.md, docs/alerts.md, docs/monitoring.md)

  // Figures and rankings are read as the statistics module's own wire records (Figures,
  // FiguresAnswer).

  public record Action(String by, Instant at) {}

  /** An alert of {@code /alerts/v1/alerts}. */
  public record Alert(
      long id,
      String rule,
      String severity,
      String key,
      String summary,
      Instant raisedAt,
      Instant lastSeenAt,
      int occurrences,
      String state,
      Action acknowledged,
      Action resolved) {}

  public record Alerts(List<Alert> alerts, Long next) {
    public Alerts {
      alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }
  }

  /** The fields of an operational record the console shows. */
  public record Record(
      long id,
      long monitoringDataTs,
      String securityServerType,
      String clientId,
      String serviceId,
      String restMethod,
      String restPath,
      String outcome,
      String errorCode,
      int statusCode,
      long totalDuration) {
    public Instant at() {
      return Instant.ofEpochMilli(monitoringDataTs);
    }
  }

  public record Records(List<Record> records, Long next) {
    public Records {
      records = records == null ? List.of() : List.copyOf(records);
    }
  }

  /** A gateway's answer: its status and body. */
  private record Reply(int status, byte[] body) {}

  private final List<Remote> remotes;
  private final WebClient http;

  Gateways(List<Remote> remotes) {
    this.remotes = List.copyOf(remotes);
    this.http =
        WebClient.builder()
            .connectTimeout(TIMEOUT)
            .readTimeout(TIMEOUT)
            .followRedirects(false)
            // the gateways' APIs are reached directly; with a proxy set, Helidon adds headers
            .proxy(Proxy.noProxy())
            .build();
  }

  /** The configured gateways, each API's token read from its file beside the configuration. */
  static Gateways of(List<ConsoleOptions.Gateway> configured, Path base) {
    List<Remote> remotes = new ArrayList<>();
    for (ConsoleOptions.Gateway g : configured) {
      Function<ApiLink, Endpoint> read = l -> new Endpoint(l.url(), l.token(base));
      remotes.add(
          new Remote(
              g.node(), g.monitoring().map(read), g.statistics().map(read), g.alerts().map(read)));
    }
    return new Gateways(remotes);
  }

  List<Remote> remotes() {
    return remotes;
  }

  /** The gateway {@code node}, with the API {@code api} picks; absent as not found. */
  Endpoint endpoint(String node, Function<Remote, Optional<Endpoint>> api) {
    return remotes.stream()
        .filter(r -> r.node().equals(node))
        .findFirst()
        .flatMap(api)
        .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such gateway"));
  }

  /** {@code body} read as the wire record {@code type} (a gateway API's JSON answer). */
  static <T> T read(byte[] body, Class<T> type) {
    try {
      return WIRE.readValue(body, type);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String query(Map<String, String> params) {
    StringBuilder b = new StringBuilder();
    params.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            b.append(b.isEmpty() ? "?" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
          }
        });
    return b.toString();
  }

  /** Asks every gateway having the API {@code api} for {@code path}, all at once. */
  <T> List<Answer<T>> askAll(Function<Remote, Optional<Endpoint>> api, String path, Class<T> type) {
    Map<String, Future<Answer<T>>> pending = new LinkedHashMap<>();
    try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Remote r : remotes) {
        Optional<Endpoint> e = api.apply(r);
        if (e.isEmpty()) {
          continue;
        }
        pending.put(
            r.node(),
            each.submit(
                () -> {
                  try {
                    return decode(r.node(), send(e.get(), Method.GET, path, TIMEOUT), type);
                  } catch (RuntimeException t) {
                    return Answer.failed(r.node(), unreachable(t));
                  }
                }));
      }
    }
    List<Answer<T>> answers = new ArrayList<>();
    pending.forEach((node, f) -> answers.add(f.resultNow()));
    return answers;
  }

  /** Asks one gateway's API; a refusal or an unreachable gateway is a console error. */
  <T> T ask(Endpoint e, String path, Class<T> type) {
    Reply res = reply(e, Method.GET, path, TIMEOUT);
    if (res.status() == 400) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "the gateway refused the query: " + problemCode(res.body()));
    }
    if (res.status() == 404) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "the gateway has no such item");
    }
    Answer<T> a = decode("", res, type);
    return a.value().orElseThrow(() -> upstream(a.problem().orElse("")));
  }

  /** The body of one gateway's answer as is (a CSV or PDF download). */
  byte[] download(Endpoint e, String path) {
    Reply res = reply(e, null, path, DOWNLOAD_TIMEOUT);
    if (res.status() != 200) {
      throw upstream("HTTP " + res.status() + " " + problemCode(res.body()));
    }
    return res.body();
  }

  /** POSTs {@code path} (no body) to one gateway's API; its problem code if refused. */
  Optional<String> post(Endpoint e, String path) {
    Reply res = reply(e, Method.POST, path, TIMEOUT);
    return res.status() / 100 == 2 ? Optional.empty() : Optional.of(problemCode(res.body()));
  }

  // One request, failing as the console's own error when the gateway cannot be reached.
  private Reply reply(Endpoint e, Method method, String path, Duration timeout) {
    try {
      return send(e, method, path, timeout);
    } catch (RuntimeException t) {
      throw upstream(unreachable(t));
    }
  }

  /**
   * Sends one request with the endpoint's token: {@code GET} asking for JSON, {@code POST} with no
   * body, or (method null) a {@code GET} taking whatever the API answers (a download).
   */
  private Reply send(Endpoint e, Method method, String path, Duration timeout) {
    HttpClientRequest req =
        http.method(method == null ? Method.GET : method)
            // as a URI: a query in the string form would be taken as part of the path
            .uri(URI.create(e.url() + path))
            .readTimeout(timeout)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + e.token());
    if (method == Method.GET) {
      req.header(HeaderNames.ACCEPT, "application/json");
    }
    try (HttpClientResponse r = method == Method.POST ? req.submit(new byte[0]) : req.request()) {
      return new Reply(
          r.status().code(), r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0]);
    }
  }

  private static LgspException upstream(String why) {
    return new LgspException(
        ErrorCode.CONSOLE_GATEWAY_UNAVAILABLE, "the gateway did not answer: " + why);
  }

  private static <T> Answer<T> decode(String node, Reply res, Class<T> type) {
    if (res.status() != 200) {
      return Answer.failed(node, "HTTP " + res.status() + " " + problemCode(res.body()));
    }
    try {
      return Answer.of(node, WIRE.readValue(res.body(), type));
    } catch (IOException e) {
      return Answer.failed(node, "an answer the console cannot read");
    }
  }

  /** The stable {@code code} of a problem+json answer, or nothing. */
  static String problemCode(byte[] body) {
    try {
      return Optional.ofNullable(WIRE.readTree(body).get("code")).map(n -> n.asText()).orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SocketTimeoutException) {
        return "no answer within " + TIMEOUT.toSeconds() + " s";
      }
    }
    return "unreachable";
  }
}
