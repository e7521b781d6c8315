package org.openlgsp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.RuntimeUnknownHostException;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lgsp gateway credential ...}: local systems' OAuth2 client credentials through a gateway's
 * credentials API (docs/protocol.md, "Local systems' credentials"). A new secret is printed once,
 * on standard output, and nowhere else.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Operate a running gateway node through its operator APIs.",
    subcommands = {GatewayCommands.CredentialCommands.class})
final class GatewayCommands {
  /** Where the API is and the token that opens it. */
  static final class Api {
    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description =
            "Credentials API of a gateway node (gateway.credentials.apiPort),"
                + " e.g. http://127.0.0.1:9320.")
    String url;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description =
            "File holding one of gateway.credentials.tokens (else env LGSP_CREDENTIALS_TOKEN);"
                + " its name is who the gateway's audit records.")
    Optional<Path> tokenFile;

    String token() {
      String token =
          tokenFile
              .map(StatsCommands.Api::read)
              .orElseGet(
                  () -> Optional.ofNullable(System.getenv("LGSP_CREDENTIALS_TOKEN")).orElse(""));
      if (token.isBlank()) {
        throw new IllegalArgumentException("give --token-file FILE or set LGSP_CREDENTIALS_TOKEN");
      }
      return token.strip();
    }

    /** The answer of {@code method path} with {@code body} (JSON, or none when empty). */
    JsonNode call(Method method, String path, String body, int expected) {
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      WebClient http =
          WebClient.builder()
              .connectTimeout(Duration.ofSeconds(5))
              .readTimeout(Duration.ofSeconds(30))
              .followRedirects(false)
              .build();
      HttpClientRequest request =
          http.method(method)
              .uri(base + "/credentials/v1" + path)
              .header(HeaderNames.AUTHORIZATION, "Bearer " + token());
      try (HttpClientResponse r =
          body.isEmpty()
              ? request.request()
              : request
                  .header(HeaderNames.CONTENT_TYPE, "application/json")
                  .submit(body.getBytes(StandardCharsets.UTF_8))) {
        byte[] answer = r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0];
        if (r.status().code() != expected) {
          throw LgspException.fromProblem(
              answer, "unreadable answer from the gateway (" + r.status().code() + ")");
        }
        return Json.mapper().readTree(answer);
      } catch (IOException e) {
        throw new IllegalStateException("unreadable answer from the gateway");
      } catch (UncheckedIOException | RuntimeUnknownHostException e) {
        throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage());
      }
    }
  }

  @Command(
      name = "credential",
      mixinStandardHelpOptions = true,
      description = {
        "Local systems' OAuth2 client credentials created at run time: create, rotate, revoke,"
            + " list.",
        "A secret is shown once, when it is made; the gateway keeps only its SHA-256."
      },
      subcommands = {Create.class, Rotate.class, Revoke.class, ListCmd.class})
  static final class CredentialCommands {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a credential for a local system the gateway serves; prints its secret" + " once.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Api api;

    @Option(
        names = "--system",
        required = true,
        paramLabel = "ID",
        description = "The local system, e.g. VN/GOV/000.00.00.H53/DVC.")
    String system;

    @Override
    public Integer call() {
      JsonNode r =
          api.call(
              Method.POST,
              "/credentials",
              Json.writeString(java.util.Map.of("system", system)),
              201);
      printIssued(spec.commandLine().getOut(), r);
      return 0;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Give a credential a new secret, printed once; the old one still gets tokens"
              + " for the overlap.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Api api;

    @Parameters(paramLabel = "CLIENT_ID", description = "The credential's client id.")
    String clientId;

    @Option(
        names = "--overlap",
        paramLabel = "DURATION",
        description =
            "How long the old secret still gets tokens, ISO-8601 (e.g. PT1H, PT0S);"
                + " default gateway.credentials.rotationOverlap.")
    Optional<Duration> overlap;

    @Override
    public Integer call() {
      String body =
          overlap.map(o -> Json.writeString(java.util.Map.of("overlap", o.toString()))).orElse("");
      JsonNode r = api.call(Method.POST, "/credentials/" + clientId + "/rotate", body, 200);
      printIssued(spec.commandLine().getOut(), r);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "old secret valid until: " + r.path("credential").path("previousValidUntil").asText());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a credential at once: no new token, and its tokens stop working.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Api api;

    @Parameters(paramLabel = "CLIENT_ID", description = "The credential's client id.")
    String clientId;

    @Override
    public Integer call() {
      JsonNode r = api.call(Method.POST, "/credentials/" + clientId + "/revoke", "", 200);
      PrintWriter out = spec.commandLine().getOut();
      out.println("revoked " + r.path("clientId").asText() + " at " + r.path("revokedAt").asText());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The systems the gateway serves and their credentials (never a secret).")
  static final class ListCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Api api;

    @Option(names = "--system", paramLabel = "ID", description = "Only this system.")
    Optional<String> system;

    @Override
    public Integer call() {
      String query =
          system
              .map(s -> "?system=" + java.net.URLEncoder.encode(s, StandardCharsets.UTF_8))
              .orElse("");
      JsonNode systems = api.call(Method.GET, "/systems" + query, "", 200);
      PrintWriter out = spec.commandLine().getOut();
      out.println("SYSTEM\tCLIENT_ID\tSTATE\tCREATED\tBY\tROTATED\tOLD_SECRET_UNTIL\tREVOKED\tBY");
      for (JsonNode s : systems) {
        String configured = s.path("configuredClientId").asText();
        if (!configured.isEmpty()) {
          out.println(
              s.path("system").asText() + "\t" + configured + "\tnode.yaml\t-\t-\t-\t-\t-\t-");
        }
        for (JsonNode c : s.path("credentials")) {
          out.println(
              String.join(
                  "\t",
                  s.path("system").asText(),
                  c.path("clientId").asText(),
                  c.path("state").asText(),
                  c.path("createdAt").asText(),
                  c.path("createdBy").asText(),
                  dash(c.path("rotatedAt").asText()),
                  dash(c.path("previousValidUntil").asText()),
                  dash(c.path("revokedAt").asText()),
                  dash(c.path("revokedBy").asText())));
        }
        if (configured.isEmpty() && s.path("credentials").isEmpty()) {
          out.println(s.path("system").asText() + "\t-\tnone\t-\t-\t-\t-\t-\t-");
        }
      }
      out.flush();
      return 0;
    }

    private static String dash(String s) {
      return s.isEmpty() ? "-" : s;
    }
  }

  private static void printIssued(PrintWriter out, JsonNode r) {
    out.println("client_id:     " + r.path("clientId").asText());
    out.println("client_secret: " + r.path("clientSecret").asText());
    out.println("(the secret is shown this once: the gateway keeps only its SHA-256)");
    out.flush();
  }
}
