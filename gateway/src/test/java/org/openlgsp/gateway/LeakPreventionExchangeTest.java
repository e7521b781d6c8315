package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.PrivacyPolicy.LeakAction;
import org.openlgsp.core.PrivacyPolicy.LeakRule;
import org.openlgsp.gateway.spi.ExchangeObservation;

/**
 * Leak prevention through two real gateways: the provider's detectors mask, block or report
 * identifiers and classification marks in a response before signing it (docs/privacy.md).
 */
class LeakPreventionExchangeTest {
  static final String SERVICE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/canned/x";
  static final String BODY =
      """
      {"hoSo":"HS-1","ghiChu":"Liên hệ 0912345678, CCCD 079090001234","doMat":"TỐI MẬT",
       "cmnd":"023456789","mst":"0100109106-001","so":[79090001234, 179090001234]}""";

  @TempDir Path dir;
  TwoGateways net;
  final List<ExchangeObservation> seen = new CopyOnWriteArrayList<>();
  final List<ExchangeObservation> consumerSeen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    net = new TwoGateways(dir, List.of(consumerSeen::add), List.of(seen::add));
    net.cannedBody = BODY.getBytes(StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  void grant(LeakRule... rules) {
    net.grants.clear();
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL,
            TwoGateways.CITIZENS,
            List.of(),
            List.of(),
            new PrivacyPolicy(List.of(), false, null, null, null, 0, "", List.of(rules))));
    net.republish();
  }

  HttpResponse<String> get() throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + SERVICE))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "1.001234")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Map<?, ?> json(HttpResponse<String> r) throws Exception {
    return Json.mapper().readValue(r.body(), Map.class);
  }

  @Test
  void maskedIdentifiersLeaveTheProviderAsStarsInTheSignedBody() throws Exception {
    grant(
        new LeakRule("cccd", LeakAction.MASK),
        new LeakRule("phone", LeakAction.MASK),
        new LeakRule("cmnd", LeakAction.MASK),
        new LeakRule("tax_code", LeakAction.MASK));

    HttpResponse<String> r = get();

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("ghiChu")).isEqualTo("Liên hệ **********, CCCD ************");
    assertThat(json(r).get("cmnd")).isEqualTo("*********");
    assertThat(json(r).get("mst")).isEqualTo("**************");
    // an integer that is a 12-digit ID becomes a masked string; an 11-digit one is no CCCD
    assertThat(Json.mapper().readTree(r.body()).get("so").toString())
        .isEqualTo("[79090001234,\"************\"]");
    assertThat(r.body()).doesNotContain("079090001234").doesNotContain("0912345678");
    assertThat(json(r).get("doMat")).isEqualTo("TỐI MẬT"); // not a detector of this grant
    await(() -> !seen.isEmpty());
    assertThat(providerObservation().leaks())
        .containsExactly("cccd:mask", "cmnd:mask", "phone:mask", "tax_code:mask");
  }

  @Test
  void aClassificationMarkBlocksTheResponseAndIsReported() throws Exception {
    grant(new LeakRule("classification", LeakAction.BLOCK), new LeakRule("cccd", LeakAction.ALLOW));

    HttpResponse<String> r = get();

    assertThat(r.statusCode()).isEqualTo(500); // X-Road: a Server.* type
    assertThat(json(r).get("code")).isEqualTo("privacy.leak_blocked");
    assertThat(r.body()).doesNotContain("079090001234").doesNotContain("MẬT");
    await(() -> !seen.isEmpty());
    assertThat(providerObservation().leaks()).containsExactly("classification:block");
    assertThat(providerObservation().errorCode()).isEqualTo("privacy.leak_blocked");
  }

  @Test
  void anAlertRulePassesTheResponseAndRecordsTheFindingForTheAlerts() throws Exception {
    grant(new LeakRule("cccd", LeakAction.ALERT));

    HttpResponse<String> r = get();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("079090001234");
    await(() -> !seen.isEmpty());
    assertThat(providerObservation().leaks()).containsExactly("cccd:alert");
  }

  @Test
  void decomposedVietnameseMarksAndTextBodiesAreFound() throws Exception {
    net.cannedType = "text/plain; charset=utf-8";
    // "TUYỆT MẬT" in NFD: base letters followed by combining marks
    net.cannedBody =
        java.text.Normalizer.normalize("Văn bản TUYỆT MẬT số 12", java.text.Normalizer.Form.NFD)
            .getBytes(StandardCharsets.UTF_8);
    grant(new LeakRule("classification", LeakAction.BLOCK));

    HttpResponse<String> r = get();

    assertThat(json(r).get("code")).isEqualTo("privacy.leak_blocked");
  }

  HttpResponse<String> post(String contentType, String body) throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(
                URI.create(
                    net.clientHttp() + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/echo"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "1.001234")
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRequestWithABlockedMarkIsRefusedByTheConsumerGatewayBeforeItLeaves() throws Exception {
    grant(new LeakRule("classification", LeakAction.BLOCK));

    // the mark as JSON unicode escapes: "TUYỆT MẬT"
    HttpResponse<String> r =
        post("application/json", "{\"doMat\":\"TUY\\u1EC6T M\\u1EACT\",\"so\":1}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("code")).isEqualTo("privacy.request_leak_blocked");
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue("Client.InvalidBody");
    assertThat(r.body()).doesNotContain("MẬT");
    await(() -> !consumerSeen.isEmpty());
    ExchangeObservation consumer = consumerObservation();
    assertThat(consumer.leaks()).containsExactly("classification:block");
    assertThat(consumer.errorCode()).isEqualTo("privacy.request_leak_blocked");
    assertThat(seen).isEmpty(); // the provider was never asked
    // the same request without the mark passes
    assertThat(post("application/json", "{\"doMat\":\"THUONG\",\"so\":1}").statusCode())
        .isEqualTo(201); // the echo backend's answer
  }

  @Test
  void anAlertOnARequestPassesItAndRecordsTheFindingAndMaskRulesLeaveRequestsAlone()
      throws Exception {
    grant(new LeakRule("cccd", LeakAction.ALERT), new LeakRule("phone", LeakAction.MASK));

    HttpResponse<String> r =
        post("text/plain; charset=utf-8", "CCCD 079090001234, điện thoại 0912345678");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    // the backend got the request as sent: mask rules are for answers
    assertThat(r.body()).isEqualTo("CCCD 079090001234, điện thoại 0912345678");
    await(() -> !consumerSeen.isEmpty());
    assertThat(consumerObservation().leaks()).containsExactly("cccd:alert");
  }

  @Test
  void eachFindingIsInTheSignedLedgerRecordWithWhereItWasFoundButNeverTheValue() throws Exception {
    grant(
        new LeakRule("cccd", LeakAction.MASK),
        new LeakRule("phone", LeakAction.ALERT),
        new LeakRule("classification", LeakAction.BLOCK));

    HttpResponse<String> masked = get();
    HttpResponse<String> blocked =
        post("application/json", "{\"doMat\":\"TUY\u1EC6T M\u1EACT\",\"so\":1}");

    assertThat(masked.statusCode()).as(masked.body()).isEqualTo(500); // "TỐI MẬT" in the answer
    assertThat(json(blocked).get("code")).isEqualTo("privacy.request_leak_blocked");
    var provider = net.mpsLedger.range(0, 10);
    assertThat(provider)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.record().findings())
                  .isEqualTo(
                      "response/cccd:mask,response/classification:block,response/phone:alert");
              assertThat(e.record().errorCode()).isEqualTo("privacy.leak_blocked");
              assertThat(new String(e.record().canonical(), StandardCharsets.UTF_8))
                  .doesNotContain("079090001234")
                  .doesNotContain("0912345678")
                  .doesNotContain("MẬT");
            });
    // the consumer's records: the answer's block (no findings of its own), then the request's
    assertThat(net.tnLedger.range(0, 10))
        .extracting(e -> e.record().findings())
        .containsExactly("", "request/classification:block");
  }

  ExchangeObservation consumerObservation() {
    return consumerSeen.get(0);
  }

  ExchangeObservation providerObservation() {
    return seen.stream()
        .filter(o -> o.securityServerType() == ExchangeObservation.SecurityServerType.PRODUCER)
        .findFirst()
        .orElseThrow();
  }

  static void await(java.util.concurrent.Callable<Boolean> c) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(c);
  }
}
