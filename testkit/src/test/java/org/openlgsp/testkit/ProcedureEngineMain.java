package org.openlgsp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.Json;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;

/**
 * The procedure engine in a process of its own, for {@link ProcedureEngineCrashTest}: {@code
 * <database> <gateway url> <secret> file <mother's id>[@<step>]...} files one birth case per mother
 * (then one for each such line it reads on its standard input) and prints {@code CASE <mother's id>
 * <code>} for each; {@code <database> <gateway url> <secret> resume <code>...} only runs the engine
 * (the cases resume from the database) and prints {@code STATUS <code> <status>} whenever a case's
 * status changes. Either runs until killed.
 *
 * <p>{@code <mother's id>@<step>} holds that case before step {@code <step>}: the engine reaches
 * the gateway through a forwarding listener in this same process, which passes every request on
 * except the one of that step for that mother's case (its {@code Idempotency-Key} ends in {@code
 * /<step>}, its dossier names the mother), which it never sends: it prints {@code HELD <key>} and
 * keeps the engine's call waiting until the process is killed. So the kill falls exactly between
 * two steps: the earlier step's exchange done and committed, the next step's job taken and no byte
 * of its exchange sent to any gateway.
 */
public final class ProcedureEngineMain {
  private ProcedureEngineMain() {}

  /** The engine's tries of a step: many, spaced, so that no case reaches an operator meanwhile. */
  static final int TRIES = 30;

  /**
   * Calls of at most 4 s (a step's job is taken again 13 s after its engine died), {@link #TRIES}
   * tries 1 to 2 s apart.
   */
  static ProceduresOptions options(String database, String gatewayUrl, String secret) {
    return ProceduresOptions.of(
            database,
            new ProceduresOptions.GatewayLink(
                gatewayUrl, Federation.PROCEDURE_ENGINE, "lienthong", secret),
            AgencyCode.parse("000.00.00.H53"),
            Federation.PROCEDURE_SERVICES)
        .withRetries(
            new ProceduresOptions.Retries(TRIES, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .withJobPoll(Duration.ofMillis(200))
        .withStepTimeout(Duration.ofSeconds(4));
  }

  public static void main(String[] args) throws InterruptedException {
    List<String> rest = List.of(args).subList(4, args.length);
    // mother's id → the step held before it is sent
    Map<String, String> holds = new ConcurrentHashMap<>();
    boolean filing = args[3].equals("file");
    String gateway = filing ? holding(args[1], holds) : args[1];
    Procedures p = Procedures.start(options(args[0], gateway, args[2]), Clock.systemUTC());
    System.out.println("STARTED");
    if (filing) {
      for (String arg : rest) {
        file(p, holds, arg);
      }
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.isBlank()) {
            file(p, holds, line.strip());
          }
        }
      } catch (IOException e) {
        System.out.println("STDIN " + e.getMessage());
      }
      Thread.currentThread().join(); // until killed
    }
    java.util.Map<String, String> last = new java.util.HashMap<>();
    while (true) {
      for (String code : rest) {
        Optional<CaseView> c = p.find(code);
        String status = c.map(v -> v.status().name()).orElse("UNKNOWN");
        if (!status.equals(last.put(code, status))) {
          System.out.println("STATUS " + code + " " + status);
          System.out.flush();
        }
      }
      Thread.sleep(200); // a poll of the engine's own tables, in the process under test
    }
  }

  /** Files the case of {@code arg} ({@code <mother's id>[@<step to hold>]}), prints its code. */
  private static void file(Procedures p, Map<String, String> holds, String arg) {
    String mother = arg.contains("@") ? arg.substring(0, arg.indexOf('@')) : arg;
    if (arg.contains("@")) {
      holds.put(mother, arg.substring(arg.indexOf('@') + 1));
    }
    CaseView c =
        p.file(
            Procedures.BIRTH_GROUP,
            "Liên thông khai sinh - thường trú - BHYT trẻ em",
            "VN072090000001",
            AgencyBackends.birthDossier(mother, 5));
    System.out.println("CASE " + mother + " " + c.code());
    System.out.flush();
  }

  /** A listener forwarding to {@code gateway} but for the held steps; returns its URL. */
  private static String holding(String gateway, Map<String, String> holds) {
    WebClient client =
        WebClient.builder()
            .followRedirects(false)
            .connectTimeout(Duration.ofSeconds(5))
            .keepAlive(true)
            .build();
    Set<String> hop =
        Set.of("host", "content-length", "connection", "transfer-encoding", "keep-alive");
    CountDownLatch never = new CountDownLatch(1);
    WebServer server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r ->
                    r.any(
                        (ServerRequest req, ServerResponse res) -> {
                          byte[] body =
                              req.content().hasEntity()
                                  ? req.content().as(byte[].class)
                                  : new byte[0];
                          String key =
                              req.headers().first(HeaderNames.create("Idempotency-Key")).orElse("");
                          String step = key.substring(key.lastIndexOf('/') + 1);
                          if (!key.isEmpty() && step.equals(holds.get(motherOf(body)))) {
                            System.out.println("HELD " + key);
                            System.out.flush();
                            never.await(); // the engine's call waits until the process dies
                          }
                          String query = req.query().rawValue();
                          HttpClientRequest out =
                              client
                                  .method(Method.create(req.prologue().method().text()))
                                  .uri(
                                      gateway
                                          + req.path().rawPath()
                                          + (query.isEmpty() ? "" : "?" + query));
                          for (Header h : req.headers()) {
                            if (!hop.contains(h.name().toLowerCase(java.util.Locale.ROOT))) {
                              out.header(h);
                            }
                          }
                          try (HttpClientResponse in = out.submit(body)) {
                            byte[] answer = in.as(byte[].class);
                            res.status(Status.create(in.status().code()));
                            for (Header h : in.headers()) {
                              if (!hop.contains(h.name().toLowerCase(java.util.Locale.ROOT))) {
                                res.header(h);
                              }
                            }
                            res.send(answer);
                          }
                        }))
            .build()
            .start();
    return "http://127.0.0.1:" + server.port();
  }

  private static String motherOf(byte[] body) {
    try {
      return Json.read(body, JsonNode.class).path("hoSo").path("me").path("soDinhDanh").asText();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
