package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.ledger.LedgerEntry;

/** Personal-data services: purpose required, subject recorded only as a keyed hash. */
class PersonalDataTest {
  static final String ID = "079090001234";
  static final String PATH = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/" + ID;
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

  HttpResponse<String> get(String issue) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + PATH + "?full=1"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-UserId", "VN079090001111");
    if (!issue.isEmpty()) {
      b.header("X-Road-Issue", issue);
    }
    return net.http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void callWithoutPurposeIsRefusedAndRecordedWithoutTheIdInClear() throws Exception {
    HttpResponse<String> r = get("");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(Json.mapper().readValue(r.body(), Map.class).get("code"))
        .isEqualTo(ErrorCode.PURPOSE_MISSING.code());
    List<LedgerEntry> all = net.tnLedger.range(0, 100);
    assertThat(all)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.record().errorCode()).isEqualTo("purpose.missing");
              assertThat(e.record().path()).isEqualTo("/citizens/{subject}?full=1");
              assertThat(e.record().subjectHash()).isEqualTo(TwoGateways.SUBJECTS.hash(ID));
            });
    assertThat(net.mpsLedger.size()).isZero();
  }

  @Test
  void bodyLocatorListedFirstTakesTheSubjectFromTheBodyAndLeavesThePathAlone() throws Exception {
    // the service declares json:/personalId,path:2 — POST /citizens/echo carries the ID in its body
    HttpRequest post =
        HttpRequest.newBuilder(
                URI.create(
                    net.clientHttp() + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/echo"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000124")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"personalId\":\"" + ID + "\"}"))
            .build();

    HttpResponse<String> r = net.http.send(post, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    for (var ledger : List.of(net.tnLedger, net.mpsLedger)) {
      LedgerEntry e = ledger.range(0, 10).get(0);
      assertThat(e.record().subjectHash()).isEqualTo(TwoGateways.SUBJECTS.hash(ID));
      assertThat(e.record().path()).isEqualTo("/citizens/echo");
    }

    // the client may reuse its X-Road-Id (as in X-Road): each call gets a fresh gateway nonce
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> again =
          net.http.send(
              HttpRequest.newBuilder(post, (n, v) -> true).header("X-Road-Id", "fixed-id").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    }
    LedgerEntry reused = net.mpsLedger.range(0, 10).getLast();
    assertThat(reused.record().messageId()).isEqualTo("fixed-id");
    assertThat(reused.record().subjectHash()).isEqualTo(TwoGateways.SUBJECTS.hash(ID));
    assertThat(reused.record().path()).isEqualTo("/citizens/echo");
  }

  @Test
  void callWithPurposeRecordsTheKeyedHashOnBothSidesAndNeverTheId() throws Exception {
    HttpResponse<String> r = get("HS-2026-000123");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String hash = TwoGateways.SUBJECTS.hash(ID);
    for (var ledger : List.of(net.tnLedger, net.mpsLedger)) {
      LedgerEntry e = ledger.range(0, 10).get(0);
      assertThat(e.record().subjectHash()).isEqualTo(hash).doesNotContain(ID);
      assertThat(e.record().issue()).isEqualTo("HS-2026-000123");
      assertThat(e.record().userId()).isEqualTo("VN079090001111");
      assertThat(new String(e.record().canonical(), java.nio.charset.StandardCharsets.UTF_8))
          .doesNotContain(ID);
    }
    byte[] otherInstallation = new byte[32];
    java.util.Arrays.fill(otherInstallation, (byte) 7);
    assertThat(hash)
        .isNotEqualTo(new org.openlgsp.ledger.SubjectHasher(otherInstallation).hash(ID));
  }
}
