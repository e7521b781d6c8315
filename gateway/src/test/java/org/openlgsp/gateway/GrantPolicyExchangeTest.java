package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.LedgerEntry;

/**
 * Grant policies through two real gateways: purposes and officer checked by both (the consumer
 * denies early, the provider on its own directory), responses minimised and masked by the provider
 * before it signs them (docs/privacy.md).
 */
class GrantPolicyExchangeTest {
  static final String ID = "079090001234";
  static final String SERVICE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens";
  static final String HOUSEHOLD =
      """
      {"id":"HK-1","address":"12 Lê Lợi","members":[
        {"name":"Nguyễn Văn An","personalId":"079090001234","birthDate":"1990-03-12"},
        {"name":"Trần Thị Bình","personalId":"079190005678","birthDate":"12/07/1992"}]}""";

  @TempDir Path dir;
  TwoGateways net;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  static PrivacyPolicy purposes(boolean officer, String... purposes) {
    return new PrivacyPolicy(List.of(purposes), officer, null, null, null, 0);
  }

  static PrivacyPolicy filtering(
      List<String> fields,
      List<PrivacyPolicy.Mask> masks,
      PrivacyPolicy.NonJson nonJson,
      long max) {
    return new PrivacyPolicy(List.of(), false, fields, masks, nonJson, max);
  }

  /** Both gateways act on a grant with {@code policy}. */
  void grant(PrivacyPolicy policy) {
    net.grants.clear();
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL, TwoGateways.CITIZENS, List.of(), List.of(), policy));
    net.republish();
  }

  /** Only the provider's directory carries {@code policy}: the consumer forwards, so it decides. */
  void grantOnProviderOnly(PrivacyPolicy policy) {
    net.grants.clear();
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL, TwoGateways.CITIZENS, List.of(), List.of(), policy));
    Directory d = net.directory(net.mpsTls.certificate());
    net.mpsDirectory.accept(SignedDocument.sign(d, net.directorySigner.signer()));
  }

  HttpResponse<String> get(String path, String issue, String officer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + SERVICE + path))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString());
    if (!issue.isEmpty()) {
      b.header("X-Road-Issue", issue);
    }
    if (!officer.isEmpty()) {
      b.header("X-Road-UserId", officer);
    }
    return net.http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  // X-Road's convention on the client API (PR-REST 4.6): 400 for Client.* types, else 500.
  static final int SERVER_TYPE = 500;
  static final int CLIENT_TYPE = 400;

  static String code(HttpResponse<String> r) throws Exception {
    return (String) Json.mapper().readValue(r.body(), Map.class).get("code");
  }

  @Test
  void anAllowedPurposeWithItsOfficerPassesAndBothLedgersRecordThem() throws Exception {
    grant(purposes(true, "1.001234"));

    HttpResponse<String> r = get("/citizens/" + ID, "1.001234:HS-2026-000124", "VN079090001111");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    for (var ledger : List.of(net.tnLedger, net.mpsLedger)) {
      assertThat(ledger.range(0, 10))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.record().issue()).isEqualTo("1.001234:HS-2026-000124");
                assertThat(e.record().userId()).isEqualTo("VN079090001111");
                assertThat(e.record().subjectHash()).isEqualTo(TwoGateways.SUBJECTS.hash(ID));
              });
    }
  }

  @Test
  void theConsumerRefusesAPurposeTheGrantDoesNotAllowBeforeTheProviderIsAsked() throws Exception {
    grant(purposes(false, "1.001234"));

    HttpResponse<String> r = get("/citizens/" + ID, "marketing", "");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(SERVER_TYPE);
    assertThat(code(r)).isEqualTo("access.purpose_not_allowed");
    assertThat(net.tnLedger.range(0, 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.record().errorCode()).isEqualTo("access.purpose_not_allowed");
              assertThat(e.record().issue()).isEqualTo("marketing");
            });
    assertThat(net.mpsLedger.size()).isZero();
    assertThat(net.backendTargets).isEmpty();
  }

  @Test
  void theProviderRefusesAPurposeOrAMissingOfficerOnItsOwnDirectory() throws Exception {
    grantOnProviderOnly(purposes(true, "1.001234"));

    HttpResponse<String> wrongPurpose = get("/citizens/" + ID, "2.000001", "VN079090001111");
    HttpResponse<String> noOfficer = get("/citizens/" + ID, "1.001234", "");

    assertThat(wrongPurpose.statusCode()).as(wrongPurpose.body()).isEqualTo(SERVER_TYPE);
    assertThat(code(wrongPurpose)).isEqualTo("access.purpose_not_allowed");
    assertThat(noOfficer.statusCode()).as(noOfficer.body()).isEqualTo(CLIENT_TYPE);
    assertThat(code(noOfficer)).isEqualTo("access.officer_required");
    assertThat(net.mpsLedger.range(0, 10))
        .extracting(e -> e.record().errorCode())
        .containsExactly("access.purpose_not_allowed", "access.officer_required");
    assertThat(net.backendTargets).isEmpty();
  }

  @Test
  void theConsumerAlsoRefusesAMissingOfficer() throws Exception {
    grant(purposes(true));

    HttpResponse<String> r = get("/citizens/" + ID, "1.001234", "");

    assertThat(r.statusCode()).isEqualTo(CLIENT_TYPE);
    assertThat(code(r)).isEqualTo("access.officer_required");
    assertThat(net.mpsLedger.size()).isZero();
  }

  @Test
  void theProviderMinimisesAndMasksBeforeSigningSoTheConsumerVerifiesTheSmallerBody()
      throws Exception {
    grantOnProviderOnly(
        filtering(
            List.of("/fullName", "/personalId"),
            List.of(new PrivacyPolicy.Mask("/personalId", "last:4")),
            null,
            0));

    HttpResponse<String> r = get("/citizens/" + ID, "1.001234", "");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo("{\"fullName\":\"Nguyễn Văn An\",\"personalId\":\"********1234\"}");
    assertThat(r.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(r.body().getBytes(StandardCharsets.UTF_8).length));
    LedgerEntry consumer = net.tnLedger.range(0, 1).getFirst();
    LedgerEntry provider = net.mpsLedger.range(0, 1).getFirst();
    assertThat(consumer.record().responseBodyDigest())
        .isEqualTo(provider.record().responseBodyDigest())
        .isEqualTo(BodySpool.of(r.body().getBytes(StandardCharsets.UTF_8)).digest());
  }

  @Test
  void nestedArraysAreFilteredElementByElement() throws Exception {
    net.cannedBody = HOUSEHOLD.getBytes(StandardCharsets.UTF_8);
    grant(
        filtering(
            List.of("/id", "/members/*/name", "/members/*/birthDate", "/members/*/personalId"),
            List.of(
                new PrivacyPolicy.Mask("/members/*/birthDate", "year"),
                new PrivacyPolicy.Mask("/members/*/personalId", "redact")),
            null,
            0));

    HttpResponse<String> r = get("/canned/household", "1.001234", "");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "{\"id\":\"HK-1\",\"members\":["
                + "{\"name\":\"Nguyễn Văn An\",\"personalId\":null,\"birthDate\":\"1990\"},"
                + "{\"name\":\"Trần Thị Bình\",\"personalId\":null,\"birthDate\":\"1992\"}]}");
  }

  @Test
  void aResponseLargerThanTheGrantLetsTheProviderFilterIsRefusedNotPassed() throws Exception {
    StringBuilder big = new StringBuilder("{\"members\":[");
    for (int i = 0; i < 200; i++) {
      big.append(i == 0 ? "" : ",").append("{\"name\":\"Nguyễn Văn ").append(i).append("\"}");
    }
    net.cannedBody = big.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    grant(filtering(List.of("/members/0/name"), List.of(), null, 1024));

    HttpResponse<String> r = get("/canned/big", "1.001234", "");

    assertThat(net.cannedBody.length).isGreaterThan(1024);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(SERVER_TYPE);
    assertThat(code(r)).isEqualTo("privacy.response_too_large");
    assertThat(r.body()).doesNotContain("Nguyễn");
  }

  @Test
  void nonJsonResponsesPassOrAreRefusedAsTheGrantSays() throws Exception {
    net.cannedType = "text/plain; charset=utf-8";
    net.cannedBody = ("CCCD " + ID).getBytes(StandardCharsets.UTF_8);
    grant(filtering(List.of("/id"), List.of(), PrivacyPolicy.NonJson.PASS, 0));
    HttpResponse<String> passed = get("/canned/text", "1.001234", "");
    grant(filtering(List.of("/id"), List.of(), PrivacyPolicy.NonJson.REFUSE, 0));
    HttpResponse<String> refused = get("/canned/text", "1.001234", "");

    assertThat(passed.statusCode()).isEqualTo(200);
    assertThat(passed.body()).isEqualTo("CCCD " + ID);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(SERVER_TYPE);
    assertThat(code(refused)).isEqualTo("privacy.response_unfilterable");
    assertThat(refused.body()).doesNotContain(ID);
  }

  @Test
  void aJsonAnswerThatDoesNotParseIsRefusedEvenWhenNonJsonWouldPass() throws Exception {
    net.cannedType = "application/json";
    net.cannedBody = ("{\"personalId\":\"" + ID + "\",").getBytes(StandardCharsets.UTF_8);
    grant(filtering(List.of("/id"), List.of(), PrivacyPolicy.NonJson.PASS, 0));

    HttpResponse<String> r = get("/canned/broken", "1.001234", "");

    assertThat(r.statusCode()).isEqualTo(SERVER_TYPE);
    assertThat(code(r)).isEqualTo("privacy.response_unfilterable");
    assertThat(r.body()).doesNotContain(ID);
  }

  @Test
  void anOpenGrantPassesTheBackendsBytesUnchanged() throws Exception {
    net.cannedBody = HOUSEHOLD.getBytes(StandardCharsets.UTF_8);
    grant(PrivacyPolicy.OPEN);

    HttpResponse<String> r = get("/canned/household", "1.001234", "");

    assertThat(r.body()).isEqualTo(HOUSEHOLD);
  }
}
