package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.Outcome;
import org.openlgsp.gateway.spi.ExchangeObservation.SecurityServerType;
import org.openlgsp.gateway.spi.ExchangeObserver;

/** What the two real gateways tell their observers, and that observers cannot hurt exchanges. */
class ExchangeObserverTest {
  static final String CITIZEN = "079090001234";
  static final String PATH = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/" + CITIZEN;
  @TempDir Path dir;
  TwoGateways net;
  final List<ExchangeObservation> consumer = new CopyOnWriteArrayList<>();
  final List<ExchangeObservation> provider = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    net.close();
  }

  HttpResponse<String> get(String token) throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + PATH + "?detail=full"))
            .header("Accept", "application/problem+json") // OpenLGSP statuses.header("Accept",
            // "application/problem+json") // OpenLGSP statuses
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Id", "msg-1")
            .header("X-Road-UserId", "officer-17")
            .header("X-Road-Issue", "HS-2026-000123")
            .header("X-Road-Represented-Party", "GOV/000.00.00.H53")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSuccessfulExchangeIsObservedOnBothSidesWithItsFieldsAndWithoutThePersonalId()
      throws Exception {
    net = new TwoGateways(dir, List.of(consumer::add), List.of(provider::add));

    HttpResponse<String> r = get(net.token());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.size() == 1 && provider.size() == 1);
    ExchangeObservation c = consumer.getFirst();
    ExchangeObservation p = provider.getFirst();
    assertThat(c.securityServerType()).isEqualTo(SecurityServerType.CLIENT);
    assertThat(p.securityServerType()).isEqualTo(SecurityServerType.PRODUCER);
    for (ExchangeObservation o : List.of(c, p)) {
      assertThat(o.client()).isEqualTo(TwoGateways.PORTAL);
      assertThat(o.service()).isEqualTo(TwoGateways.CITIZENS);
      assertThat(o.messageId()).isEqualTo("msg-1");
      assertThat(o.restMethod()).isEqualTo("GET");
      assertThat(o.restPath()).isEqualTo("/citizens/{subject}");
      assertThat(o.messageUserId()).isEqualTo("officer-17");
      assertThat(o.officer()).isEqualTo("officer-17");
      assertThat(o.messageIssue()).isEqualTo("HS-2026-000123");
      assertThat(o.purpose()).isEqualTo("HS-2026-000123");
      assertThat(o.representedParty()).isEqualTo("GOV/000.00.00.H53");
      assertThat(o.statusCode()).isEqualTo(200);
      assertThat(o.succeeded()).isTrue();
      assertThat(o.outcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(o.errorCode()).isEmpty();
      assertThat(o.faultCode()).isEmpty();
      assertThat(o.serviceType()).isEqualTo("REST");
      assertThat(o.requestSize()).isZero();
      assertThat(o.responseSize())
          .isEqualTo(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
      assertThat(o.requestOutTs()).isPresent();
      assertThat(o.responseInTs()).isPresent();
      assertThat(o.subjectHash()).isNotEmpty().isEqualTo(TwoGateways.SUBJECTS.hash(CITIZEN));
      assertThat(o.clientSecurityServerAddress())
          .isEqualTo("https://127.0.0.1:" + net.tn.peerPort());
      assertThat(o.serviceSecurityServerAddress())
          .isEqualTo("https://127.0.0.1:" + net.mps.peerPort());
      // the portal called the consumer, the consumer gateway the provider: both from loopback
      assertThat(o.sourceAddress()).isEqualTo("127.0.0.1");
      // the ID is in the path and the body: neither reaches an observer
      assertThat(o.toString()).doesNotContain(CITIZEN).doesNotContain("detail=full");
    }
    assertThat(c.ledgerIndex()).isEqualTo(net.tnLedger.size() - 1);
    assertThat(p.ledgerIndex()).isEqualTo(net.mpsLedger.size() - 1);
    assertThat(c.backendTime()).isZero();
    assertThat(p.peerTime()).isZero();
  }

  @Test
  void aRefusalIsObservedWithItsFaultCodeByTheGatewayThatRefused() throws Exception {
    net = new TwoGateways(dir, List.of(consumer::add), List.of(provider::add));
    net.grants.clear();
    net.republish();

    HttpResponse<String> r = get(net.token());

    assertThat(r.statusCode()).isEqualTo(403);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.size() == 1);
    ExchangeObservation c = consumer.getFirst();
    assertThat(c.succeeded()).isFalse();
    assertThat(c.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(c.errorCode()).isEqualTo("access.denied");
    assertThat(c.faultCode()).isEqualTo("Server.ServerProxy.AccessDenied");
    assertThat(c.faultString()).isEqualTo("Access denied");
    assertThat(c.statusCode()).isEqualTo(403);
    assertThat(c.requestOutTs()).isEmpty();
    assertThat(c.responseInTs()).isEmpty();
    assertThat(provider).isEmpty(); // never reached
  }

  @Test
  void aRefusalByTheProviderIsObservedOnBothSidesWithTheProvidersCode() throws Exception {
    net = new TwoGateways(dir, List.of(consumer::add), List.of(provider::add));
    // only the provider's directory loses the grant: the consumer sends, the provider refuses
    net.grants.clear();
    net.mpsDirectory.accept(
        org.openlgsp.core.SignedDocument.sign(
            net.directory(net.mpsTls.certificate()), net.directorySigner.signer()));

    HttpResponse<String> r = get(net.token());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.size() == 1 && provider.size() == 1);
    ExchangeObservation c = consumer.getFirst();
    ExchangeObservation p = provider.getFirst();
    for (ExchangeObservation o : List.of(c, p)) {
      assertThat(o.errorCode()).isEqualTo("access.denied");
      assertThat(o.faultCode()).isEqualTo("Server.ServerProxy.AccessDenied");
      assertThat(o.outcome()).isEqualTo(Outcome.REFUSED);
      assertThat(o.statusCode()).isEqualTo(403);
    }
    assertThat(c.requestOutTs()).isPresent(); // it went to the provider ...
    assertThat(c.responseInTs()).isPresent(); // ... and came back signed
    assertThat(p.requestOutTs()).isEmpty(); // the backend was never called
    assertThat(p.responseSize()).isPositive(); // the signed problem
  }

  @Test
  void anObserverThatThrowsNeitherFailsTheExchangeNorSilencesTheOthers() throws Exception {
    ExchangeObserver failing =
        o -> {
          throw new IllegalStateException("observer broken");
        };
    ExchangeObserver asserting =
        o -> {
          throw new AssertionError("observer broken too");
        };
    net = new TwoGateways(dir, List.of(failing, asserting, consumer::add), List.of(failing));

    HttpResponse<String> r = get(net.token());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(consumer).hasSize(1);
  }
}
