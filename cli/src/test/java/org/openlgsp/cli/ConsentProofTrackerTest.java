package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.testkit.Federation;

/**
 * "Under which consent" through a running federation (docs/privacy.md, "Consent log"): the provider
 * gateway records the consent it checked in the exchange's ledger record, the registry logs the
 * consent's grant and withdrawal in its consent log, and the citizen's tracker report shows both,
 * each with an inclusion proof that {@code lgsp ledger verify-report} checks offline with the
 * gateways' and the consent log's keys.
 */
class ConsentProofTrackerTest {
  @TempDir Path dir;

  private static final String PURPOSE = "yeu-cau-cong-dan:DVC-2026-0099";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aConsentedAccessNamesItsConsentAndTheAccessAfterWithdrawalIsARecordedRefusal()
      throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(2).withTracker())) {
      RegistryClient admin = new RegistryClient(fed.registryUrl(), fed.adminToken());
      String citizen = fed.citizenIds().get(0);
      String other = fed.citizenIds().get(1);
      String open = admin.grants().getFirst().id();
      admin.grant(
          new AdminRequests.Grant(
              Federation.PORTAL.toString(),
              Federation.CITIZEN_SERVICE,
              List.of(),
              List.of(),
              new PrivacyPolicy(List.of("1.001234"), false, null, null, null, 0, "ho-tich")));
      admin.revokeGrant(open);
      String consent =
          admin
              .addConsent(
                  new AdminRequests.Consent(
                      citizen,
                      "ho-tich",
                      Federation.TAY_NINH.toString(),
                      "1.001234",
                      Instant.now().minusSeconds(60),
                      Instant.now().plus(Duration.ofDays(1))))
              .id();
      // once the gateways hold the directory with the consent-requiring grant only
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fed.lookUpCitizen(other, "1.001234:HS-0").statusCode() == 403);

      assertThat(fed.lookUpCitizen(citizen, "1.001234:HS-1").statusCode()).isEqualTo(200);
      admin.withdrawConsent(consent);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fed.lookUpCitizen(citizen, "1.001234:HS-2").statusCode() == 403);
      // the next access after the withdrawal took effect
      assertThat(fed.lookUpCitizen(citizen, "1.001234:HS-3").statusCode()).isEqualTo(403);

      // both gateways' records of both calls, and the consent's two changes, all proved
      JsonNode report =
          await()
              .atMost(Duration.ofSeconds(40))
              .pollInterval(Duration.ofSeconds(2))
              .until(() -> lookup(fed, citizen), r -> proved(r, fed.providerNodeId().toString()));
      List<JsonNode> provider = new ArrayList<>();
      report
          .path("accesses")
          .forEach(
              e -> {
                if (e.path("gateway").asText().equals(fed.providerNodeId().toString())) {
                  provider.add(e);
                }
              });
      JsonNode served =
          provider.stream()
              .filter(e -> e.path("access").path("purpose").asText().equals("1.001234:HS-1"))
              .findFirst()
              .orElseThrow();
      assertThat(served.path("access").path("status").asInt()).isEqualTo(200);
      assertThat(served.path("access").path("consentId").asText()).isEqualTo(consent);
      assertThat(served.path("access").path("consentDigest").asText()).isNotEmpty();
      JsonNode logged = served.path("consents").get(0);
      assertThat(logged.path("id").asText()).isEqualTo(consent);
      assertThat(logged.path("matches").asBoolean()).isTrue();
      assertThat(logged.path("changes"))
          .extracting(c -> c.path("action").asText())
          .containsExactly("GRANT", "WITHDRAW");
      // the access was made under the consent as granted: its digest is the grant's
      assertThat(logged.path("changes").get(0).path("digest").asText())
          .isEqualTo(served.path("access").path("consentDigest").asText());
      List<JsonNode> refused =
          provider.stream()
              .filter(e -> e.path("access").path("purpose").asText().equals("1.001234:HS-3"))
              .toList();
      assertThat(refused)
          .isNotEmpty()
          .allSatisfy(
              e -> {
                assertThat(e.path("access").path("status").asInt()).isEqualTo(403);
                assertThat(e.path("access").path("errorCode").asText())
                    .isEqualTo("consent.missing");
                assertThat(e.path("access").path("consentId").asText()).isEmpty();
              });
      assertThat(report.toString()).doesNotContain(citizen);

      // offline: sound with both gateways' keys and the consent log's key, not without the latter
      Path file = dir.resolve("report.json");
      Files.writeString(file, report.toString());
      String consumerKey = key(fed, true);
      String providerKey = key(fed, false);
      String logKey = fed.registryNode().consentLogKey().orElseThrow().toString();
      CommandRun sound = verifyReport(file, consumerKey, providerKey, logKey);
      assertThat(sound.exit()).as(sound.out() + sound.err()).isZero();
      CommandRun noLogKey = verifyReport(file, consumerKey, providerKey);
      assertThat(noLogKey.exit()).isEqualTo(1);
      assertThat(noLogKey.out()).contains("consent " + consent + " log #");

      // the page the citizen reads names the consent and the refusal
      HttpResponse<String> page =
          http.send(
              request(fed, "?format=html")
                  .POST(HttpRequest.BodyPublishers.ofString(body(citizen)))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(page.body())
          .contains(consent)
          .contains("từ chối / refused: consent.missing")
          .contains("consent log #")
          .doesNotContain(citizen);

      // the consent's proof from the registry's API through the CLI, checked with the log's key
      Path token = dir.resolve("admin.token");
      Files.writeString(token, fed.adminToken());
      CommandRun proof =
          CommandRun.run(
              "registry",
              "consent",
              "proof",
              consent,
              "--url",
              fed.registryUrl(),
              "--token-file",
              token.toString(),
              "--key",
              logKey);
      assertThat(proof.exit()).as(proof.out() + proof.err()).isZero();
      assertThat(proof.out()).contains("SOUND: 2 logged changes, every proof checked");

      // the whole consent log, recomputed and checked like any ledger
      CommandRun verify =
          CommandRun.run("ledger", "verify", "--config", dir.resolve("registry.yaml").toString());
      assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).contains("SOUND: 2 records recomputed");
    }
  }

  private static boolean proved(JsonNode report, String provider) {
    int providerEntries = 0;
    for (JsonNode e : report.path("accesses")) {
      if (!e.path("access").path("proof").has("checkpoint")) {
        return false;
      }
      if (e.path("gateway").asText().equals(provider)) {
        providerEntries++;
      }
    }
    return providerEntries >= 2;
  }

  private static CommandRun verifyReport(Path file, String... keys) {
    List<String> args = new ArrayList<>(List.of("ledger", "verify-report", file.toString()));
    for (String k : keys) {
      args.add("--key");
      args.add(k);
    }
    return CommandRun.run(args.toArray(String[]::new));
  }

  private static String key(Federation fed, boolean consumer) {
    return LedgerSource.http(fed.ledgerApiUrl(consumer), fed.auditorToken())
        .key()
        .orElseThrow()
        .toString();
  }

  private static String body(String citizen) {
    return "{\"personalId\":\"" + citizen + "\",\"purpose\":\"" + PURPOSE + "\"}";
  }

  private JsonNode lookup(Federation fed, String citizen) throws Exception {
    HttpResponse<String> r =
        http.send(
            request(fed, "").POST(HttpRequest.BodyPublishers.ofString(body(citizen))).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return Json.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
  }

  private HttpRequest.Builder request(Federation fed, String query) {
    return HttpRequest.newBuilder(URI.create(fed.registryUrl() + "/api/v1/tracker/lookups" + query))
        .header("Authorization", "Bearer " + fed.trackerReaderToken())
        .header("Content-Type", "application/json");
  }
}
