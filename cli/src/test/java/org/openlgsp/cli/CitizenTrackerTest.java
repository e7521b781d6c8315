package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.testkit.Federation;

/**
 * The citizen data tracker through a running federation (docs/privacy.md, "Citizen data tracker"):
 * the registry asks both gateways' ledger APIs with its tracker token ({@code
 * registry.tracker.gateways}, {@code gateway.ledger.trackerTokenSha256}) and merges their proved
 * accesses; {@code lgsp ledger verify-report} checks the answer offline.
 */
class CitizenTrackerTest {
  @TempDir Path dir;

  private static final String PURPOSE = "yeu-cau-cong-dan:DVC-2026-0042";
  private final HttpClient http = HttpClient.newHttpClient();

  record Answer(int status, String body) {
    JsonNode json() {
      return Json.read(body.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }
  }

  @Test
  void aCitizenSeesEveryGatewaysProvedAccessesAndNothingOfAnotherCitizens() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(2).withTracker())) {
      String citizen = fed.citizenIds().get(0);
      String other = fed.citizenIds().get(1);
      ServiceId residence =
          new ServiceId(Federation.CITIZENS.provider(), "residence"); // a second service
      RegistryClient admin = new RegistryClient(fed.registryUrl(), fed.adminToken());
      admin.addService(
          new AdminRequests.Service(residence.toString(), fed.backendUrl() + "/api", "path:2"));
      admin.grant(
          new AdminRequests.Grant(
              Federation.PORTAL.toString(),
              residence.toString(),
              List.of("GET"),
              List.of("/citizens/*")));
      // a consent in force for Tây Ninh and purpose 1.001234: named by the accesses it covered
      String consent =
          admin
              .addConsent(
                  new AdminRequests.Consent(
                      citizen,
                      "ho-tich",
                      Federation.TAY_NINH.toString(),
                      "1.001234",
                      java.time.Instant.now().minusSeconds(60),
                      java.time.Instant.now().plus(Duration.ofDays(1))))
              .id();
      assertThat(fed.lookUpCitizen(citizen, "1.001234:HS-1").statusCode()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  fed.call(residence, "/citizens/" + citizen, "1.001234:HS-2").statusCode() == 200);
      assertThat(fed.lookUpCitizen(other, "1.001234:HS-OTHER").statusCode()).isEqualTo(200);

      // every access is covered by a checkpoint (10 s cadence) once both ledgers have signed
      JsonNode report =
          await()
              .atMost(Duration.ofSeconds(40))
              .pollInterval(Duration.ofSeconds(2))
              .until(
                  () -> lookup(fed, fed.trackerReaderToken(), citizen, PURPOSE).json(),
                  r -> r.path("accesses").size() >= 4 && allProved(r));
      assertThat(report.path("complete").asBoolean()).isTrue();
      assertThat(report.path("subject").asText()).isEqualTo("*********" + citizen.substring(9));
      assertThat(report.path("requester").asText()).isEqualTo("portal");
      assertThat(report.path("gateways"))
          .extracting(g -> g.path("node").asText() + "=" + g.path("status").asText())
          .containsExactlyInAnyOrder(
              fed.consumerNodeId() + "=ANSWERED", fed.providerNodeId() + "=ANSWERED");
      // the provider's gateway is not in the tracker's configuration (only the consumer's, as an
      // override): the registry found it in its signed directory, at the ledger API it publishes
      org.openlgsp.node.NodeConfig.RegistryTracker configured =
          org.openlgsp.node.NodeConfig.read(dir.resolve("registry.yaml"))
              .registry()
              .orElseThrow()
              .tracker()
              .orElseThrow();
      assertThat(configured.gateways())
          .extracting(org.openlgsp.node.NodeConfig.TrackerGateway::node)
          .containsExactly(fed.consumerNodeId().toString());
      assertThat(configured.tokenFile()).contains("pki/tracker.token");
      assertThat(admin.nodes())
          .filteredOn(n -> n.id().toString().equals(fed.providerNodeId().toString()))
          .singleElement()
          .satisfies(n -> assertThat(n.ledgerApi()).isEqualTo(fed.ledgerApiUrl(false)));
      // each call is recorded by both gateways (consumer and provider side), on both services
      assertThat(report.path("accesses"))
          .extracting(
              e ->
                  e.path("gateway").asText()
                      + " "
                      + e.path("access").path("service").asText()
                      + " "
                      + e.path("access").path("purpose").asText())
          .contains(
              fed.consumerNodeId() + " " + Federation.CITIZEN_SERVICE + " 1.001234:HS-1",
              fed.providerNodeId() + " " + Federation.CITIZEN_SERVICE + " 1.001234:HS-1",
              fed.consumerNodeId() + " " + residence + " 1.001234:HS-2",
              fed.providerNodeId() + " " + residence + " 1.001234:HS-2");
      assertThat(report.path("accesses"))
          .allSatisfy(
              e -> {
                assertThat(e.path("access").path("purpose").asText())
                    .isNotEqualTo("1.001234:HS-OTHER");
                assertThat(e.path("access").path("agency").asText())
                    .isEqualTo("UBND tỉnh Tây Ninh");
                assertThat(e.path("access").path("officer").asText()).isEqualTo("VN072090000001");
              });
      assertThat(report.path("accesses"))
          .allSatisfy(
              e ->
                  assertThat(e.path("consents"))
                      .extracting(k -> k.path("id").asText() + " " + k.path("category").asText())
                      .containsExactly(consent + " ho-tich"));
      assertThat(report.toString()).doesNotContain(citizen);

      // the citizen sees who looked them up before (the waits above looked up several times)
      assertThat(report.path("lookups"))
          .isNotEmpty()
          .allSatisfy(
              l -> {
                assertThat(l.path("requester").asText()).isEqualTo("portal");
                assertThat(l.path("purpose").asText()).isEqualTo(PURPOSE);
                assertThat(l.path("outcome").asText()).isEqualTo("ok");
              });

      // the other citizen's report holds only the other citizen's access, and no look-up yet
      JsonNode others = lookup(fed, fed.trackerReaderToken(), other, PURPOSE).json();
      assertThat(others.path("lookups")).isEmpty();
      assertThat(others.path("accesses"))
          .extracting(e -> e.path("access").path("purpose").asText())
          .containsOnly("1.001234:HS-OTHER");

      // offline: sound with both gateways' pinned keys and the registry's consent-log key (the
      // consent's logged changes carry its proofs); a tampered entry or a dropped proof not
      Path file = dir.resolve("report.json");
      Files.writeString(file, report.toString());
      String consumerKey = key(fed, true);
      String providerKey = key(fed, false);
      String logKey = fed.registryNode().consentLogKey().orElseThrow().toString();
      CommandRun sound = verifyReport(file, consumerKey, providerKey, logKey);
      assertThat(sound.exit()).as(sound.out() + sound.err()).isZero();
      assertThat(sound.out()).contains("SOUND: " + report.path("accesses").size() + " accesses");

      CommandRun oneKey = verifyReport(file, consumerKey);
      assertThat(oneKey.exit()).isEqualTo(1);
      assertThat(oneKey.out()).contains("not signed by a pinned key");

      ObjectNode tampered = (ObjectNode) report.deepCopy();
      ((ObjectNode) tampered.path("accesses").get(0).path("access"))
          .put("purpose", "kiem-tra-hop-phap");
      Files.writeString(file, tampered.toString());
      CommandRun edited = verifyReport(file, consumerKey, providerKey, logKey);
      assertThat(edited.exit()).isEqualTo(1);
      assertThat(edited.out())
          .contains("PROBLEM: entry 0")
          .contains("not what the ledger recorded")
          .contains("UNSOUND");

      ObjectNode dropped = (ObjectNode) report.deepCopy();
      ((ObjectNode) dropped.path("accesses").get(1).path("access"))
          .set("proof", Json.mapper().createObjectNode().put("pending", "no proof"));
      Files.writeString(file, dropped.toString());
      CommandRun noProof = verifyReport(file, consumerKey, providerKey, logKey);
      assertThat(noProof.exit()).isEqualTo(1);
      assertThat(noProof.out()).contains("PROBLEM: entry 1").contains("no inclusion proof");

      // another access's recorded bytes under this entry's proof
      ObjectNode forgedPath = (ObjectNode) report.deepCopy();
      ((ObjectNode) forgedPath.path("accesses").get(2).path("access"))
          .put("record", forgedPath.path("accesses").get(3).path("access").path("record").asText());
      Files.writeString(file, forgedPath.toString());
      assertThat(verifyReport(file, consumerKey, providerKey, logKey).exit()).isEqualTo(1);

      // the citizen's PDF: Vietnamese text in an embedded font
      HttpResponse<byte[]> pdf =
          http.send(
              request(fed, fed.trackerReaderToken(), "?format=pdf")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"personalId\":\"" + citizen + "\",\"purpose\":\"" + PURPOSE + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(pdf.statusCode()).isEqualTo(200);
      assertThat(pdf.headers().firstValue("Content-Type")).contains("application/pdf");
      try (org.apache.pdfbox.pdmodel.PDDocument doc =
          org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
        // table cells wrap: compare with runs of white space made one space
        String text =
            new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
        assertThat(text)
            .contains("Báo cáo truy cập dữ liệu cá nhân")
            .contains("Số lượt truy cập / Accesses: " + report.path("accesses").size())
            .contains("UBND tỉnh Tây Ninh")
            .doesNotContain(citizen);
      }

      // the page the citizen reads
      Answer page = lookupPage(fed, citizen);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body())
          .contains("Báo cáo truy cập dữ liệu cá nhân")
          .contains("UBND tỉnh Tây Ninh")
          .contains("1.001234:HS-2")
          .doesNotContain(citizen);

      // every look-up is in the registry's audit log, by the keyed hash under the tracker's
      // subject key (registry.tracker.subjectKey, generated at start) only, with its purpose
      org.openlgsp.core.KeyedHash trackerKey =
          new org.openlgsp.core.KeyedHash(
              java.util.Base64.getDecoder()
                  .decode(Files.readString(dir.resolve("data/tracker-subject.key")).strip()));
      String hashed = "subject " + trackerKey.hash(citizen) + " for purpose " + PURPOSE;
      List<Registry.AuditEntry> audit = admin.auditLog(100);
      assertThat(audit)
          .filteredOn(a -> a.action().equals("tracker.lookup"))
          .extracting(Registry.AuditEntry::target)
          .contains(hashed);
      assertThat(audit)
          .filteredOn(a -> a.action().equals("tracker.lookup") && a.outcome().equals("ok"))
          .isNotEmpty()
          .allSatisfy(
              a -> {
                assertThat(a.actor()).isEqualTo("portal");
                assertThat(a.target()).startsWith("subject ").contains("for purpose " + PURPOSE);
              });
      assertThat(audit).noneSatisfy(a -> assertThat(a.toString()).contains(citizen));
    }
  }

  @Test
  void aLookupNeedsTheReaderRoleAPurposeAndSaysWhichGatewayDidNotAnswer() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1).withTracker())) {
      String citizen = fed.citizenIds().get(0);
      assertThat(lookup(fed, fed.adminToken(), citizen, PURPOSE).status()).isEqualTo(403);
      assertThat(lookup(fed, "not-a-token", citizen, PURPOSE).status()).isEqualTo(401);
      Answer noPurpose =
          post(fed, fed.trackerReaderToken(), "{\"personalId\":\"" + citizen + "\"}");
      assertThat(noPurpose.status()).isEqualTo(400);
      assertThat(noPurpose.json().path("code").asText()).isEqualTo("purpose.missing");
      Answer badId = lookup(fed, fed.trackerReaderToken(), "12345", PURPOSE);
      assertThat(badId.status()).isEqualTo(400);
      assertThat(badId.json().path("code").asText()).isEqualTo("request.malformed");

      // serve --check shows the section with its defaults and the reader's token hash redacted
      String effective =
          org.openlgsp.node.ConfigCheck.effectiveConfiguration(dir.resolve("registry.yaml"));
      assertThat(effective)
          .contains("tracker:")
          .contains("PT5S")
          .contains("data/tracker-subject.key")
          .contains("pki/tracker.token")
          .doesNotContain(org.openlgsp.registry.RegistryServer.hashToken(fed.trackerReaderToken()));
      Files.delete(dir.resolve("pki/tracker.token"));
      assertThatThrownBy(
              () ->
                  org.openlgsp.node.ConfigCheck.effectiveConfiguration(
                      dir.resolve("registry.yaml")))
          .hasMessageContaining("registry.tracker.gateways[0].tokenFile");

      fed.lookUpCitizen(citizen, "1.001234:HS-1");
      fed.providerNode().close(); // the population database's gateway goes down
      Answer partial = lookup(fed, fed.trackerReaderToken(), citizen, PURPOSE);
      assertThat(partial.status()).isEqualTo(200);
      JsonNode r = partial.json();
      assertThat(r.path("complete").asBoolean()).isFalse();
      assertThat(r.path("gateways"))
          .extracting(g -> g.path("node").asText() + "=" + g.path("status").asText())
          .containsExactlyInAnyOrder(
              fed.consumerNodeId() + "=ANSWERED", fed.providerNodeId() + "=NOT_ANSWERED");
      assertThat(r.path("accesses"))
          .isNotEmpty()
          .allSatisfy(
              e ->
                  assertThat(e.path("gateway").asText())
                      .isEqualTo(fed.consumerNodeId().toString()));

      // verify-report says the report is incomplete and which gateway did not answer
      Path file = dir.resolve("partial.json");
      Files.writeString(file, r.toString());
      CommandRun run = verifyReport(file, key(fed, true));
      assertThat(run.out()).contains("warning: gateway " + fed.providerNodeId() + " NOT_ANSWERED");
      // the refused look-ups are audited too
      assertThat(new RegistryClient(fed.registryUrl(), fed.adminToken()).auditLog(100))
          .extracting(a -> a.action() + " " + a.outcome())
          .contains("tracker.lookup admin.forbidden", "tracker.lookup purpose.missing");
    }
  }

  private static CommandRun verifyReport(Path file, String... keys) {
    List<String> args =
        new java.util.ArrayList<>(List.of("ledger", "verify-report", file.toString()));
    for (String k : keys) {
      args.add("--key");
      args.add(k);
    }
    return CommandRun.run(args.toArray(String[]::new));
  }

  private static boolean allProved(JsonNode report) {
    for (JsonNode e : report.path("accesses")) {
      if (!e.path("access").path("proof").has("checkpoint")) {
        return false;
      }
    }
    return true;
  }

  private static String key(Federation fed, boolean consumer) {
    return LedgerSource.http(fed.ledgerApiUrl(consumer), fed.auditorToken())
        .key()
        .orElseThrow()
        .toString();
  }

  private Answer lookup(Federation fed, String token, String id, String purpose) throws Exception {
    return post(fed, token, "{\"personalId\":\"" + id + "\",\"purpose\":\"" + purpose + "\"}");
  }

  private Answer lookupPage(Federation fed, String id) throws Exception {
    HttpResponse<String> r =
        http.send(
            request(fed, fed.trackerReaderToken(), "?format=html")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"personalId\":\"" + id + "\",\"purpose\":\"" + PURPOSE + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body());
  }

  private Answer post(Federation fed, String token, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            request(fed, token, "").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body());
  }

  private static HttpRequest.Builder request(Federation fed, String token, String query) {
    return HttpRequest.newBuilder(URI.create(fed.registryUrl() + "/api/v1/tracker/lookups" + query))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
  }
}
