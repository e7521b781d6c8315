package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;

/**
 * A seeded, time-bounded fuzz over a whole federation's client-facing listeners, sent as raw bytes:
 * the r1 request line, headers and bodies, {@code POST /token}, and every admin route the
 * registry's OpenAPI document lists. Bad input never gets a 5xx (nothing a client sends can make a
 * peer "fail"), and every error answer carries a code from {@link ErrorCode} in the listener's
 * format (a JSON {@code code} field, or an XML {@code code} element on r1). A failure prints the
 * seed and the exact request; {@code -Dlgsp.fuzz.seed=} replays a run.
 */
class BadInputFuzzTest {
  /** The whole test's budget for sending cases, well inside CI's 60 s. */
  static final long BUDGET_MILLIS = 30_000;

  static final long SEED = Long.getLong("lgsp.fuzz.seed", 20261206L);
  static final Set<String> CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());

  @TempDir static Path dir;
  static Federation fed;
  static String token;
  static long deadline;

  @BeforeAll
  static void start() {
    fed = Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false));
    token = fed.portalToken();
    deadline = System.currentTimeMillis() + BUDGET_MILLIS;
  }

  @AfterAll
  static void stop() {
    fed.close();
  }

  static final String SERVICE = "/r1/" + Federation.CITIZEN_SERVICE;

  static final List<String> NASTY =
      List.of(
          "",
          ";;;=",
          ";",
          "=",
          "a/b; charset=",
          "application/json; charset=nope",
          "\u0001",
          "é",
          "%zz",
          "%00",
          "..%2f..%2f",
          "%252e%252e",
          "null",
          "-1",
          "99999999999999999999",
          " ",
          "\t",
          "a".repeat(3000),
          "VN/GOV/000.00.00.H53/DVC",
          "VN/GOV/000.00.00.H53/DVC/extra",
          "*/*",
          "application/xml",
          "application/problem+json",
          "gzip, chunked",
          "chunked, chunked",
          "identity");

  static final List<String> BODIES =
      List.of(
          "",
          "null",
          "{}",
          "[]",
          "\"x\"",
          "1",
          "{\"SoDinhDanh\": null}",
          "{\"a\":",
          "<x/>",
          "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
          "\u0000\u0001\u0002",
          "grant_type=client_credentials&client_id=%zz&client_secret=%",
          "grant_type=client_credentials&client_id=portal&client_secret=",
          "{\"id\": [1,2], \"certificate\": \"-----BEGIN CERTIFICATE-----\\n-----END CERTIFICATE-----\"}");

  /** What a Java type name looks like in a message: never in an answer. */
  static final Pattern JAVA_NAMES =
      Pattern.compile("Exception|java\\.|javax\\.|org\\.openlgsp|[A-Za-z]\\$[A-Z]|AdminRequests");

  record Case(String name, int port, byte[] bytes) {}

  static int sourceCounter;

  record Answer(int status, String head, String body) {}

  @Test
  void noBadInputGetsA5xxAndEveryErrorHasADocumentedCode() throws Exception {
    Random random = new Random(SEED);
    int consumer = URI.create(fed.consumerHttpUrl()).getPort();
    int registry = URI.create(fed.registryUrl()).getPort();
    List<Supplier<Case>> generators = new ArrayList<>();
    generators.add(() -> r1(random, consumer));
    generators.add(() -> admin(random, registry));
    // last: a /token fuzz guesses secrets, so this address is soon throttled (429s are checked too)
    List<Case> fixed = new ArrayList<>(fixedCases(consumer, registry));
    int sent = 0;
    List<String> failures = new ArrayList<>();
    Iterator<Case> fixedFirst = fixed.iterator();
    while (System.currentTimeMillis() < deadline && sent < 3000) {
      Case c =
          fixedFirst.hasNext()
              ? fixedFirst.next()
              : sent < 2500
                  ? generators.get(random.nextInt(generators.size())).get()
                  : token(random, consumer);
      sent++;
      check(c).ifPresent(failures::add);
      if (failures.size() >= 5) {
        break;
      }
    }
    System.out.println(
        "fuzz: seed " + SEED + ", " + sent + " cases, answers by status " + statuses);
    assertThat(failures).as("seed " + SEED + ", " + sent + " cases sent").isEmpty();
    assertThat(sent).as("cases sent within the budget").isGreaterThan(300);
  }

  /** How many answers had each status, for the summary line. */
  final java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();

  private java.util.Optional<String> check(Case c) {
    Answer a;
    try {
      a = send(c);
      statuses.merge(a.status(), 1, Integer::sum);
    } catch (IOException e) {
      return java.util.Optional.of(c.name() + ": no answer (" + e + ")\n" + printable(c.bytes()));
    }
    String head = a.head().toLowerCase(java.util.Locale.ROOT);
    if (a.status() >= 500 && !xroadRefusal(head, a)) {
      return java.util.Optional.of(
          c.name() + ": " + a.status() + " " + a.body() + "\n" + printable(c.bytes()));
    }
    boolean relayedFromBackend =
        head.contains("\r\nx-road-request-hash:") && !head.contains("\r\nx-road-error:");
    if (a.status() >= 400 && !relayedFromBackend) { // a backend's own 404 is its business
      String code = code(a.body());
      if (!CODES.contains(code)) {
        return java.util.Optional.of(
            c.name() + ": " + a.status() + " without a documented code: " + a.body());
      }
      if (JAVA_NAMES.matcher(a.body()).find()) {
        return java.util.Optional.of(c.name() + ": names a Java type: " + a.body());
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * X-Road answers every {@code Server.*} error type with 500 (PR-REST 4.6; the r1 API's default
   * format), a refusal such as {@code access.denied} included. That 500 is X-Road's convention, not
   * a fault: it is accepted when the code it carries is a refusal (OpenLGSP status below 500).
   */
  private static boolean xroadRefusal(String head, Answer a) {
    return a.status() == 500
        && head.contains("\r\nx-road-error: server.")
        && org.openlgsp.core.ErrorCode.fromCode(code(a.body()))
            .map(e -> e.httpStatus() < 500)
            .orElse(false);
  }

  /** The stable code of an error body: a JSON object's {@code code}, or an XML {@code code}. */
  static String code(String body) {
    String trimmed = body.trim();
    if (trimmed.startsWith("<")) {
      Matcher m = Pattern.compile("<code>([^<]+)</code>").matcher(trimmed);
      return m.find() ? m.group(1) : "(no code element)";
    }
    try {
      JsonNode node = Json.mapper().readTree(trimmed);
      return node != null && node.path("code").isTextual()
          ? node.path("code").asText()
          : "(no code field)";
    } catch (IOException e) {
      return "(not JSON)";
    }
  }

  private List<Case> fixedCases(int consumer, int registry) {
    String auth = "Authorization: Bearer " + token;
    String client = "X-Road-Client: " + Federation.PORTAL;
    String admin = "Authorization: Bearer " + fed.adminToken();
    List<Case> cases = new ArrayList<>();
    for (String ct : List.of(";;;=", "", "a/b; c", "\u0001")) {
      cases.add(
          raw(
              "r1 content-type " + ct,
              consumer,
              "POST " + SERVICE + "/citizens/verify HTTP/1.1",
              List.of(auth, client, "X-Road-Issue: HS-2026-000123", "Content-Type: " + ct),
              "{}"));
    }
    cases.add(
        rawChunked("token bad chunk", consumer, "POST /token HTTP/1.1", "zz\r\nabc\r\n0\r\n\r\n"));
    cases.add(
        new Case(
            "token gzip chunked",
            consumer,
            bytes(
                "POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")));
    for (String[] route : adminRoutes()) {
      if (route[0].equals("POST")) {
        cases.add(
            raw(
                "admin null " + route[1],
                registry,
                "POST " + route[1] + " HTTP/1.1",
                List.of(admin, "Content-Type: application/json"),
                "null"));
      }
    }
    // certificates that are not: empty, not base64, base64 of no DER, a CSR in place of one
    List<String> notCertificates =
        List.of(
            "",
            "AAAA",
            "!!!!",
            "-----BEGIN CERTIFICATE-----\\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\\n!!!!\\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\\nMAA=\\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE REQUEST-----\\nMAA=\\n-----END CERTIFICATE REQUEST-----",
            "-----BEGIN CERTIFICATE-----");
    for (String cert : notCertificates) {
      for (String[] route :
          List.of(
              new String[] {"/api/v1/trust-anchors", "{\"certificate\": \"" + cert + "\"}"},
              new String[] {
                "/api/v1/members/signing-certificates",
                "{\"member\": \"VN/GOV/000.00.00.G01\", \"certificate\": \"" + cert + "\"}"
              },
              new String[] {
                "/api/v1/nodes/tls-certificates",
                "{\"node\": \"VN/GOV/000.00.00.G01/gw1\", \"certificate\": \"" + cert + "\"}"
              },
              new String[] {
                "/api/v1/enrolments",
                "{\"kind\": \"node-tls\", \"target\": \"x\", \"csr\": \"" + cert + "\"}"
              })) {
        cases.add(
            raw(
                "admin certificate " + route[0],
                registry,
                "POST " + route[0] + " HTTP/1.1",
                List.of(admin, "Content-Type: application/json"),
                route[1]));
      }
    }
    for (int port : List.of(consumer, registry)) {
      for (String line :
          List.of(
              "GET /%zz HTTP/1.1",
              "GET /" + "a".repeat(20_000) + " HTTP/1.1",
              "GET /\u0001 HTTP/1.1",
              "GET / HTTP/9.9",
              "BREW / HTTP/1.1",
              "GET")) {
        cases.add(
            raw(
                "line " + line.substring(0, Math.min(30, line.length())),
                port,
                line,
                List.of(),
                ""));
      }
      cases.add(
          new Case(
              "duplicate content-length",
              port,
              bytes(
                  "POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")));
      cases.add(
          new Case(
              "negative content-length",
              port,
              bytes("POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")));
      cases.add(
          new Case(
              "huge header",
              port,
              bytes("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + "b".repeat(70_000) + "\r\n\r\n")));
    }
    return cases;
  }

  /** Every (method, path) of the registry's OpenAPI document, as served by the registry. */
  private static List<String[]> adminRoutes() {
    List<String[]> routes = new ArrayList<>();
    try (InputStream in =
        URI.create(fed.registryUrl() + "/api/v1/openapi.json").toURL().openStream()) {
      JsonNode paths = Json.mapper().readTree(in).path("paths");
      paths
          .fieldNames()
          .forEachRemaining(
              p ->
                  paths
                      .path(p)
                      .fieldNames()
                      .forEachRemaining(m -> routes.add(new String[] {m.toUpperCase(), p})));
    } catch (IOException e) {
      throw new IllegalStateException("the registry's OpenAPI document", e);
    }
    assertThat(routes).hasSizeGreaterThan(10);
    return routes;
  }

  private List<String[]> adminRoutesCache;

  private Case admin(Random random, int registry) {
    if (adminRoutesCache == null) {
      adminRoutesCache = adminRoutes();
    }
    String[] route = adminRoutesCache.get(random.nextInt(adminRoutesCache.size()));
    String path =
        route[1].replace(
            "{id}",
            pick(
                random,
                List.of(
                    "x", "%zz", "1", "00000000-0000-0000-0000-000000000000", "..", "%2e%2e%2f")));
    if (random.nextInt(4) == 0) {
      path +=
          "?"
              + pick(
                  random,
                  List.of("serviceCode=", "service=%zz", "limit=-1", "a=" + pick(random, NASTY)));
    }
    List<String> headers = new ArrayList<>();
    headers.add("Authorization: Bearer " + fed.adminToken());
    headers.add(
        "Content-Type: "
            + pick(random, List.of("application/json", "application/json", pick(random, NASTY))));
    if (random.nextInt(5) == 0) {
      headers.add("Accept: " + pick(random, NASTY));
    }
    String body = route[0].equals("GET") ? "" : pick(random, BODIES);
    if (random.nextInt(3) == 0 && !route[0].equals("GET")) {
      body = mutateJson(random);
    }
    return raw(
        "admin " + route[0] + " " + route[1],
        registry,
        route[0] + " " + safeTarget(path) + " HTTP/1.1",
        headers,
        body);
  }

  /** JSON objects with the admin requests' field names and values of every wrong type. */
  private static String mutateJson(Random random) {
    List<String> fields =
        List.of(
            "id",
            "client",
            "service",
            "methods",
            "pathPatterns",
            "backendUrl",
            "subjectLocator",
            "openapi",
            "certificate",
            "node",
            "member",
            "expectedNames",
            "reason",
            "name",
            "csr",
            "kind");
    List<String> values =
        List.of(
            "null",
            "1",
            "-1",
            "1e999",
            "true",
            "\"\"",
            "\"%zz\"",
            "[]",
            "[null]",
            "{}",
            "\"VN/GOV/000.00.00.G01/CSDLQGDC/citizens\"",
            "[\"GET\"]",
            "[\"/citizens/*\"]",
            "[\"..\"]",
            "\"http://127.0.0.1:1\"",
            "\"" + "x".repeat(2000) + "\"",
            "\"-----BEGIN CERTIFICATE-----\\n-----END CERTIFICATE-----\"");
    StringBuilder b = new StringBuilder("{");
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(pick(random, fields)).append("\":").append(pick(random, values));
    }
    return b.append('}').toString();
  }

  private Case r1(Random random, int consumer) {
    String method =
        pick(random, List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "GET", "POST"));
    String target =
        switch (random.nextInt(6)) {
          case 0 -> SERVICE + "/citizens/" + pick(random, fed.citizenIds());
          case 1 -> SERVICE + "/citizens/" + pick(random, NASTY);
          case 2 -> "/r1/" + pick(random, NASTY) + "/" + pick(random, NASTY);
          // queries as sent, ';' and '/' included: both gateways sign the raw target
          case 3 -> SERVICE + "/citizens/verify?" + pick(random, NASTY);
          case 4 ->
              "/"
                  + pick(random, List.of("r2", "r1", "listClients", "token", ""))
                  + "/"
                  + pick(random, NASTY);
          default -> SERVICE + "/" + pick(random, NASTY) + "/" + pick(random, NASTY);
        };
    List<String> headers = new ArrayList<>();
    if (random.nextInt(6) != 0) {
      headers.add(
          "Authorization: Bearer " + (random.nextInt(10) == 0 ? pick(random, NASTY) : token));
    }
    if (random.nextInt(6) != 0) {
      headers.add(
          "X-Road-Client: " + (random.nextInt(3) == 0 ? pick(random, NASTY) : Federation.PORTAL));
    }
    for (String h :
        List.of(
            "X-Road-Issue",
            "X-Road-UserId",
            "X-Road-Id",
            "X-Road-Represented-Party",
            "X-Road-Security-Server",
            "Content-Type",
            "Transfer-Encoding",
            "Expect",
            "Content-Encoding",
            "X-HTTP-Method-Override")) {
      if (random.nextInt(5) == 0) {
        headers.add(h + ": " + pick(random, NASTY));
      }
    }
    String body = method.equals("GET") && random.nextBoolean() ? "" : pick(random, BODIES);
    return raw(
        "r1 " + method, consumer, method + " " + safeTarget(target) + " HTTP/1.1", headers, body);
  }

  private Case token(Random random, int consumer) {
    List<String> headers = new ArrayList<>();
    headers.add(
        "Content-Type: "
            + pick(random, List.of("application/x-www-form-urlencoded", pick(random, NASTY))));
    if (random.nextInt(3) == 0) {
      headers.add(
          "Authorization: Basic " + pick(random, List.of("%zz", "Og==", "cG9ydGFs", "", "!!!")));
    }
    String body =
        random.nextBoolean()
            ? pick(random, BODIES)
            : "grant_type="
                + pick(random, List.of("client_credentials", "password", "%zz", ""))
                + "&client_id="
                + pick(random, List.of("portal", "", "%00", "é"))
                + "&client_secret="
                + pick(random, NASTY);
    return raw("token", consumer, "POST /token HTTP/1.1", headers, body);
  }

  /** A request target as a client could put it on the wire: no spaces or line breaks in it. */
  private static String safeTarget(String target) {
    return target.replace(" ", "%20").replace("\t", "%09").replace("\r", "").replace("\n", "");
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static Case raw(String name, int port, String line, List<String> headers, String body) {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(line).append("\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      b.append(h.replace("\r", "").replace("\n", "")).append("\r\n");
    }
    boolean chunked =
        headers.stream().anyMatch(h -> h.toLowerCase().startsWith("transfer-encoding"));
    if (!chunked) {
      b.append("Content-Length: ").append(content.length).append("\r\n");
    }
    b.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    if (chunked) {
      out.writeBytes(bytes(Integer.toHexString(content.length) + "\r\n"));
      out.writeBytes(content);
      out.writeBytes(bytes("\r\n0\r\n\r\n"));
    } else {
      out.writeBytes(content);
    }
    return new Case(name, port, out.toByteArray());
  }

  private static Case rawChunked(String name, int port, String line, String chunks) {
    return new Case(
        name,
        port,
        bytes(
            line
                + "\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + chunks));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String printable(byte[] request) {
    String s = new String(request, 0, Math.min(request.length, 600), StandardCharsets.ISO_8859_1);
    return s.replace("\r\n", "⏎\n");
  }

  /** Sends the bytes, half-closes, reads the whole answer; a reset after an answer is fine. */
  static Answer send(Case c) throws IOException {
    try (Socket s = new Socket()) {
      // from many loopback addresses: each one's failed authentications are throttled on its own,
      // so wrong tokens among the cases do not turn the rest into 429s
      s.bind(new java.net.InetSocketAddress("127.0.1." + (1 + (++sourceCounter % 250)), 0));
      s.connect(new java.net.InetSocketAddress("127.0.0.1", c.port()), 5_000);
      s.setSoTimeout(15_000);
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        s.getOutputStream().write(c.bytes());
        s.getOutputStream().flush();
        s.shutdownOutput();
      } catch (SocketException e) {
        // the server answered and closed before taking the whole request (e.g. a huge header)
      }
      try {
        s.getInputStream().transferTo(all);
      } catch (SocketException e) {
        if (all.size() == 0) {
          throw e;
        }
      } catch (SocketTimeoutException e) {
        throw new IOException("no answer within 15 s", e);
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || end < 0) {
        throw new IOException(
            "not an HTTP answer: " + text.substring(0, Math.min(200, text.length())));
      }
      String body = text.substring(end + 4);
      if (text.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")) {
        body = dechunk(body);
      }
      return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), body);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < chunked.length()) {
      int eol = chunked.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
