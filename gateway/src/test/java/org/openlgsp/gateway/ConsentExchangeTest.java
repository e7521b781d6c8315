package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.PrivacyPolicy;

/**
 * Grants that require consent, through two real gateways: the provider checks the subject's consent
 * (published by keyed hash) before calling the backend, and a withdrawal takes effect when the next
 * directory is installed.
 */
class ConsentExchangeTest {
  static final String ID = "079090001234";
  static final String OTHER = "079190005678";
  static final String SERVICE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/";
  static final PrivacyPolicy NEEDS_CONSENT =
      new PrivacyPolicy(List.of("1.001234"), false, null, null, null, 0, "ho-tich");

  @TempDir Path dir;
  TwoGateways net;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
    net.grants.clear();
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL, TwoGateways.CITIZENS, List.of(), List.of(), NEEDS_CONSENT));
  }

  @AfterEach
  void stop() {
    net.close();
  }

  Directory.Consent consent(String subject, String category, String purpose, Instant to) {
    Instant now = net.clock.instant();
    return new Directory.Consent(
        java.util.UUID.randomUUID().toString(),
        TwoGateways.CONSENTS.hash(subject),
        category,
        TwoGateways.TAY_NINH,
        purpose,
        now.minus(Duration.ofDays(1)),
        to);
  }

  HttpResponse<String> get(String subject, String issue) throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + SERVICE + subject))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", issue)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) throws Exception {
    return (String) Json.mapper().readValue(r.body(), Map.class).get("code");
  }

  @Test
  void aCallIsAnsweredOnlyForASubjectWhoConsentedToThisAgencyCategoryPurposeAndTime()
      throws Exception {
    Instant later = net.clock.instant().plus(Duration.ofDays(30));
    net.consents.add(consent(ID, "ho-tich", "1.001234", later));
    net.consents.add(consent(OTHER, "dat-dai", "1.001234", later)); // another category
    net.republish();

    HttpResponse<String> consented = get(ID, "1.001234:HS-1");
    HttpResponse<String> otherCategory = get(OTHER, "1.001234:HS-2");
    net.consents.set(0, consent(ID, "ho-tich", "1.001234", net.clock.instant()));
    net.republish();
    HttpResponse<String> expired = get(ID, "1.001234:HS-3");

    assertThat(consented.statusCode()).as(consented.body()).isEqualTo(200);
    assertThat(otherCategory.statusCode()).isEqualTo(500); // X-Road: Server.* type
    assertThat(code(otherCategory)).isEqualTo("consent.missing");
    assertThat(code(expired)).isEqualTo("consent.missing");
    assertThat(net.backendTargets).hasSize(1); // refused before the backend was called
    assertThat(net.mpsLedger.range(0, 10))
        .extracting(e -> e.record().errorCode())
        .containsExactly("", "consent.missing", "consent.missing");
  }

  @Test
  void theProvidersLedgerRecordNamesTheConsentTheCallWasMadeUnderAndARefusalNamesNone()
      throws Exception {
    Directory.Consent given =
        consent(ID, "ho-tich", "1.001234", net.clock.instant().plus(Duration.ofDays(30)));
    net.consents.add(given);
    net.republish();

    HttpResponse<String> consented = get(ID, "1.001234:HS-1");
    net.consents.clear();
    net.republish();
    HttpResponse<String> refused = get(ID, "1.001234:HS-2");

    assertThat(consented.statusCode()).as(consented.body()).isEqualTo(200);
    assertThat(code(refused)).isEqualTo("consent.missing");
    var records = net.mpsLedger.range(0, 10).stream().map(e -> e.record()).toList();
    assertThat(records).hasSize(2);
    assertThat(records.get(0).consentId()).isEqualTo(given.id());
    assertThat(records.get(0).consentDigest()).isEqualTo(given.digest());
    assertThat(records.get(0).canonical()[0]).isEqualTo((byte) 3); // the record version with it
    assertThat(records.get(1).consentId()).isEmpty();
    assertThat(records.get(1).errorCode()).isEqualTo("consent.missing");
  }

  @Test
  void aWithdrawalMidTrafficTakesEffectWithTheNextDirectory() throws Exception {
    net.consents.add(
        consent(ID, "ho-tich", "1.001234", net.clock.instant().plus(Duration.ofDays(30))));
    net.republish();
    List<Integer> before = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      before.add(get(ID, "1.001234:HS-" + i).statusCode());
    }

    net.consents.clear(); // the registry publishes no withdrawn consent
    net.republish(); // what a gateway's next directory refresh installs
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      after.add(code(get(ID, "1.001234:HS-after-" + i)));
    }

    assertThat(before).containsOnly(200);
    assertThat(after).containsOnly("consent.missing");
    assertThat(net.backendTargets).hasSize(5);
  }

  @Test
  void aConsentForAnotherPurposeDoesNotCoverTheCall() throws Exception {
    net.grants.set(
        0,
        new Directory.Grant(
            TwoGateways.PORTAL,
            TwoGateways.CITIZENS,
            List.of(),
            List.of(),
            new PrivacyPolicy(List.of(), false, null, null, null, 0, "ho-tich")));
    net.consents.add(
        consent(ID, "ho-tich", "1.001234", net.clock.instant().plus(Duration.ofDays(1))));
    net.republish();

    HttpResponse<String> r = get(ID, "2.000999:HS-1");

    assertThat(code(r)).isEqualTo("consent.missing");
    assertThat(net.backendTargets).isEmpty();
  }
}
