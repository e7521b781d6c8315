package org.openlgsp.demo;

import io.helidon.http.ClientResponseHeaders;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Json;
import org.openlgsp.gateway.ExchangeProtocol;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.node.CheckpointTimestamps;
import org.openlgsp.testkit.Federation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lgsp demo}: two agencies exchange data through OpenLGSP, with a readable transcript. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    subcommands = {
      EdocDemoCommand.class,
      BackendCommand.class,
      ProceduresDemoCommand.class,
      FederationDemoCommand.class
    },
    description = {
      "Start a registry, two gateways (Tây Ninh's provincial LGSP and the Ministry of Public"
          + " Security) and a sample population database on 127.0.0.1 with embedded SQLite storage,"
          + " run an allowed, a denied, a tampered and a replayed exchange, and print what happened."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--keep-running",
      description =
          "Stay up on the README's fixed ports (7070, 8080, 8443, 5500, 5501, 9090) for curl,"
              + " with the web console on 8480 and its demo accounts printed once.")
  boolean keepRunning;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Work folder for keys, configuration and databases (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".lgsp", "demo");

  private final WebClient http = WebClient.builder().followRedirects(false).build();

  /** What a gateway answered: status, body and headers. */
  private record Answer(int statusCode, String body, ClientResponseHeaders headers) {
    Optional<String> header(String name) {
      return headers.first(HeaderNames.create(name));
    }

    /** Status, X-Road error type and the problem, on one line. */
    String refusal() {
      return statusCode
          + "  X-Road-Error: "
          + header("X-Road-Error").orElse("")
          + "  "
          + abbreviate(body);
    }

    static Answer of(HttpClientResponse r) {
      try (r) {
        return new Answer(r.status().code(), r.as(String.class), r.headers());
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    System.out.println(
        "OpenLGSP demo: everything on 127.0.0.1, embedded SQLite storage in "
            + dir.toAbsolutePath());
    System.out.println();
    Federation.Ports ports = keepRunning ? Federation.Ports.fixed() : Federation.Ports.ephemeral();
    try (Federation fed =
        Federation.start(
            dir,
            Federation.Options.exchange(200)
                .withPorts(ports)
                .withOut(System.out)
                // the console's charts, alerts, statistics and records (docs/console.md)
                .withOperatorApis())) {
      System.out.println();
      String token = fed.portalToken();
      System.out.println(
          "[token]     "
              + Federation.PORTAL
              + " authenticated with OAuth2 client credentials: POST /token → Bearer token (1 h)");
      List<String> ids = fed.citizenIds();
      allowed(fed, token, ids.get(0));
      denied(fed, token, ids.get(1));
      tampered(fed, ids.get(2));
      printLedger("Tây Ninh gateway ledger (consumer side)", fed.consumerNode().ledger());
      printLedger("Bộ Công an gateway ledger (provider side)", fed.providerNode().ledger());
      printCheckpoint(fed);
      if (keepRunning) {
        printConsole(fed, System.out);
        waitForever(fed, ids.get(0));
      }
    }
    return 0;
  }

  private void allowed(Federation fed, String token, String id) throws Exception {
    String path = "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/" + id;
    System.out.println();
    System.out.println(
        "1) ALLOWED  "
            + Federation.PORTAL
            + " looks up a citizen in the national population database");
    System.out.println("   GET " + path);
    Answer r = callGateway(fed, token, path);
    System.out.println("   → " + r.statusCode() + "  " + abbreviate(r.body()));
    System.out.println(
        "   request signed by Tây Ninh's member key (Ed25519), verified by the Bộ Công an gateway;");
    System.out.println(
        "   response signed by Bộ Công an's member key, bound to X-Road-Request-Hash "
            + r.header("X-Road-Request-Hash").orElse("?").substring(0, 16)
            + "…, verified by the Tây Ninh gateway");
    System.out.println("   X-Road-Id " + r.header("X-Road-Id").orElse("?"));
  }

  private void denied(Federation fed, String token, String id) throws Exception {
    String path = "/r1/" + Federation.CITIZEN_SERVICE + "/households/" + id;
    System.out.println();
    System.out.println("2) DENIED   the same system asks for household data it holds no grant for");
    System.out.println("   GET " + path);
    Answer r = callGateway(fed, token, path);
    System.out.println("   → " + r.refusal());
  }

  private void tampered(Federation fed, String id) throws Exception {
    System.out.println();
    System.out.println(
        "3) TAMPERED an attacker who stole the Tây Ninh node's TLS key (not its signing key) intercepts a");
    System.out.println(
        "   signed request between the gateways and changes the personal ID in its body");
    byte[] original = Json.write(Map.of("SoDinhDanh", id, "HoVaTen", "Nguyễn Văn An"));
    byte[] forged =
        Json.write(Map.of("SoDinhDanh", fed.citizenIds().get(3), "HoVaTen", "Nguyễn Văn An"));
    String messageId = UUID.randomUUID().toString();
    Map<String, String> headers =
        ExchangeProtocol.signRequest(
            fed.consumerSigning().signer(),
            Federation.PORTAL,
            Federation.CITIZENS,
            "POST",
            "/citizens/verify",
            messageId,
            original,
            System.currentTimeMillis(),
            "HS-2026-000123");
    WebClient stolen =
        fed.peerClientWithConsumerTls(
            Certificates.fingerprint(fed.providerNode().tlsCredentials().certificate()));
    Answer r = sendSigned(fed, stolen, headers, forged);
    System.out.println(
        "   POST "
            + fed.providerPeerUrl()
            + "/r1/"
            + Federation.CITIZEN_SERVICE
            + "/citizens/verify (body altered)");
    System.out.println("   → " + r.refusal());
    System.out.println();
    System.out.println(
        "4) REPLAYED the genuine request arrives once; the attacker then resends a copy of it");
    Answer first = sendSigned(fed, stolen, headers, original);
    Answer again = sendSigned(fed, stolen, headers, original);
    System.out.println(
        "   genuine delivery → " + first.statusCode() + " " + abbreviate(first.body()));
    System.out.println("   replayed copy    → " + again.refusal());
  }

  private static Answer sendSigned(
      Federation fed, WebClient client, Map<String, String> headers, byte[] body) {
    HttpClientRequest request =
        client.post(
            fed.providerPeerUrl() + "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/verify");
    headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
    return Answer.of(request.submit(body));
  }

  private Answer callGateway(Federation fed, String token, String path) {
    return Answer.of(
        http.get(fed.consumerHttpUrl() + path)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .header(HeaderNames.create("X-Road-Client"), Federation.PORTAL.toString())
            .header(HeaderNames.create("X-Road-UserId"), "VN072090000001")
            .header(HeaderNames.create("X-Road-Issue"), "HS-2026-000123")
            .request());
  }

  private static void printLedger(String title, Ledger ledger) {
    System.out.println();
    System.out.println(
        title + ": " + ledger.size() + " records, each durable before the caller got its answer");
    for (LedgerEntry e : ledger.range(0, 100)) {
      var r = e.record();
      System.out.printf(
          "   #%d %-8s %d %-22s %s %s %s  leaf %s…%n",
          e.index(),
          r.side(),
          r.status(),
          r.errorCode().isEmpty() ? "ok" : r.errorCode(),
          r.client(),
          r.method(),
          r.path().length() > 40 ? r.path().substring(0, 40) + "…" : r.path(),
          org.openlgsp.core.Digests.hex(e.leafHash()).substring(0, 12));
    }
  }

  /**
   * Publishes a checkpoint of the consumer's ledger now (normally every 10 s) and shows its proof
   * of time (RFC 3161 token of the built-in TSA, verified) and the registry's cosignature.
   */
  private static void printCheckpoint(Federation fed) {
    org.openlgsp.ledger.StoredCheckpoint cp = fed.consumerNode().checkpoints().publish();
    String time =
        cp.timestampToken()
            .map(
                token ->
                    "time-stamped by the built-in TSA at "
                        + CheckpointTimestamps.checker(List.of(fed.tsaTrustAnchor()))
                            .check(
                                token,
                                org.openlgsp.core.Digests.sha256(
                                    cp.note().text().getBytes(StandardCharsets.UTF_8)))
                        + " (RFC 3161 token verified)")
            .orElse("NOT time-stamped (TSA unreachable)");
    String cosigned =
        fed.registryNode()
            .witnessKey()
            .flatMap(k -> cp.note().cosignedAt(k))
            .map(t -> "cosigned by the registry's witness at " + t)
            .orElse("NOT cosigned by the registry");
    System.out.println();
    System.out.printf(
        "[ledger]    checkpoint of the Tây Ninh ledger at size %d, signed (Ed25519, C2SP signed"
            + " note),%n            %s,%n            %s%n",
        cp.size(), time, cosigned);
  }

  private static String abbreviate(String body) {
    String oneLine = body.replace('\n', ' ');
    return oneLine.length() > 150 ? oneLine.substring(0, 150) + "…" : oneLine;
  }

  /**
   * The console's address and two demo accounts with random passwords, printed this once (only
   * their Argon2id hashes are stored): a platform administrator and Tây Ninh's agency
   * administrator. Each sets up its TOTP second factor at its first sign-in.
   */
  static void printConsole(Federation fed, java.io.PrintStream out) {
    org.openlgsp.console.Console console = fed.registryNode().console().orElseThrow();
    out.println();
    out.println("Web console: " + console.url() + " (docs/console.md)");
    account(
        out,
        console,
        "admin",
        org.openlgsp.console.ConsoleRole.PLATFORM_ADMIN,
        java.util.Optional.empty());
    account(
        out,
        console,
        "tayninh-admin",
        org.openlgsp.console.ConsoleRole.AGENCY_ADMIN,
        java.util.Optional.of(Federation.PORTAL.memberId()));
    out.println("  (passwords shown once; the first sign-in sets up the TOTP second factor)");
  }

  private static void account(
      java.io.PrintStream out,
      org.openlgsp.console.Console console,
      String username,
      org.openlgsp.console.ConsoleRole role,
      java.util.Optional<org.openlgsp.core.ClientId> agency) {
    if (console.accounts().find(username).isPresent()) {
      out.println(
          "  " + username + " (" + role.id() + "): exists; its password was printed when created");
      return;
    }
    String password = console.accounts().create(username, role, agency);
    out.println(
        "  "
            + username
            + " ("
            + role.id()
            + agency.map(a -> ", " + a.encoded()).orElse("")
            + "): password "
            + password);
  }

  private static void waitForever(Federation fed, String id) throws InterruptedException {
    String token = fed.portalToken();
    System.out.println();
    System.out.println(
        "Running. Try (token valid 1 h; secrets are in " + fed.workDir().resolve("pki") + "):");
    System.out.println(
        "  curl -s -H 'Authorization: Bearer "
            + token
            + "' -H 'X-Road-Client: "
            + Federation.PORTAL
            + "' -H 'X-Road-Issue: HS-2026-000123' \\");
    System.out.println(
        "       "
            + fed.consumerHttpUrl()
            + "/r1/"
            + Federation.CITIZEN_SERVICE
            + "/citizens/"
            + id);
    System.out.println("  curl -s " + fed.consumerHttpUrl() + "/listClients");
    System.out.println("  curl -s " + fed.registryUrl() + "/directory");
    System.out.println(
        "  curl -s -H \"Authorization: Bearer $(cat "
            + fed.workDir().resolve("pki/admin.token")
            + ")\" "
            + fed.registryUrl()
            + "/api/v1/grants");
    System.out.println("Stop with Ctrl-C.");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    stop.await();
  }
}
