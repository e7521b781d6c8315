package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.OcspClient;
import org.openlgsp.pki.OcspResponder;
import org.openlgsp.pki.Publication;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.pki.RevocationReason;
import org.openlgsp.pki.TrustServer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Two gateways whose certificates come from an issuing CA with a live OCSP responder; each checks
 * the other's certificates with a short freshness window while traffic flows.
 */
class RevocationExchangeTest {
  static final Duration FRESHNESS = Duration.ofSeconds(2);
  static final String CITIZEN = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  @TempDir Path dir;
  Database caDb;
  CertificateAuthority issuing;
  TrustServer trust;
  TwoGateways net;
  String token;

  @BeforeEach
  void start() throws Exception {
    int port = freePort();
    CertificateAuthority root = CertificateAuthority.createRoot("Test Root", TwoGateways.YEAR);
    Credentials ca =
        root.issueCredentials(
            CertificateProfile.INTERMEDIATE_CA,
            "Test Issuing CA",
            "OpenLGSP",
            List.of(),
            TwoGateways.YEAR);
    caDb = TestDatabases.sqlite(dir);
    issuing =
        CertificateAuthority.of(
            ca, caDb, Publication.at("http://127.0.0.1:" + port), Clock.systemUTC());
    trust =
        TrustServer.start(
            issuing,
            OcspResponder.create(issuing, Duration.ofMinutes(1)),
            Optional.empty(),
            TrustServer.Options.defaults("127.0.0.1", port));
    net =
        new TwoGateways(
            dir,
            issuing,
            Optional.of(
                () ->
                    new RevocationChecker(
                        List.of(issuing.certificate()),
                        new OcspClient(Duration.ofSeconds(2), Clock.systemUTC()),
                        FRESHNESS,
                        Clock.systemUTC())));
    token = net.token();
  }

  @AfterEach
  void stop() {
    net.close();
    trust.close();
    caDb.close();
  }

  record Outcome(Instant sent, int status, String code) {}

  Outcome call() throws Exception {
    Instant sent = Instant.now();
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZEN))
                .header("Authorization", "Bearer " + token)
                .header("X-Road-Client", TwoGateways.PORTAL.toString())
                .header("X-Road-Issue", "HS-2026-000123") // citizens is a personal-data service
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String code =
        r.statusCode() == 200
            ? ""
            : String.valueOf(Json.mapper().readValue(r.body(), Map.class).get("code"));
    return new Outcome(sent, r.statusCode(), code);
  }

  /** Calls until {@code until}, revoking {@code victim} once {@code revokeAfter} calls passed. */
  List<Outcome> trafficRevoking(Credentials victim, int revokeAfter, Instant[] revokedAt)
      throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    Instant end = null;
    while (end == null || Instant.now().isBefore(end)) {
      outcomes.add(call());
      if (outcomes.size() == revokeAfter) {
        issuing.revoke(victim.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
        revokedAt[0] = Instant.now();
        end = revokedAt[0].plus(FRESHNESS).plusSeconds(1);
      }
    }
    return outcomes;
  }

  private static void assertRefusedWithinOneWindow(List<Outcome> outcomes, Instant revokedAt) {
    assertThat(outcomes).isNotEmpty();
    for (Outcome o : outcomes) {
      if (o.sent().isBefore(revokedAt)) {
        assertThat(o.status()).as("before revocation: %s", o).isEqualTo(200);
      } else if (o.sent().isAfter(revokedAt.plus(FRESHNESS))) {
        assertThat(o.code())
            .as("after one freshness window: %s", o)
            .isEqualTo("certificate.revoked");
        assertThat(o.status()).isEqualTo(403);
      } else {
        assertThat(o.status() == 200 || o.code().equals("certificate.revoked"))
            .as("%s", o)
            .isTrue();
      }
    }
    assertThat(outcomes.getLast().code()).isEqualTo("certificate.revoked");
  }

  @Test
  void revokingTheConsumerNodeTlsCertificateDuringTrafficRefusesItWithinTheWindow()
      throws Exception {
    Instant[] revokedAt = new Instant[1];
    List<Outcome> outcomes = trafficRevoking(net.tnTls, 20, revokedAt);
    assertRefusedWithinOneWindow(outcomes, revokedAt[0]);
  }

  @Test
  void revokingTheConsumerMemberSigningCertificateRefusesItsRequests() throws Exception {
    Instant[] revokedAt = new Instant[1];
    List<Outcome> outcomes = trafficRevoking(net.tnSigning, 20, revokedAt);
    assertRefusedWithinOneWindow(outcomes, revokedAt[0]);
  }

  @Test
  void revokingTheProviderSigningCertificateMakesTheConsumerRefuseItsResponses() throws Exception {
    Instant[] revokedAt = new Instant[1];
    List<Outcome> outcomes = trafficRevoking(net.mpsSigning, 20, revokedAt);
    assertRefusedWithinOneWindow(outcomes, revokedAt[0]);
  }

  @Test
  void revokingTheProviderTlsCertificateIsNoticedDespiteKeepAliveConnections() throws Exception {
    Instant[] revokedAt = new Instant[1];
    List<Outcome> outcomes = trafficRevoking(net.mpsTls, 20, revokedAt);
    assertRefusedWithinOneWindow(outcomes, revokedAt[0]);
  }

  @Test
  void responderOutageBeyondTheWindowFailsClosedWithOcspStale() throws Exception {
    assertThat(call().status()).isEqualTo(200);
    trust.close();
    Thread.sleep(FRESHNESS.toMillis() + 300);
    Outcome o = call();
    assertThat(o.status()).isEqualTo(403);
    assertThat(o.code()).isEqualTo("ocsp.stale");
  }

  @Test
  void signingKeyRotationUnderTrafficFailsNoExchange() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread traffic =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (running.get()) {
                    try {
                      outcomes.add(call());
                    } catch (Exception e) {
                      outcomes.add(new Outcome(Instant.now(), -1, e.toString()));
                    }
                  }
                });
    Thread.sleep(300);
    // 1. The member gets a new key and certificate; the registry publishes it next to the old one.
    Credentials next =
        net.creds(CertificateProfile.MEMBER_SIGNING, TwoGateways.TAY_NINH.toString());
    net.tnSigningCertificates.add(next);
    net.republish();
    Thread.sleep(300);
    // 2. The gateway switches to the new key.
    net.tn.useSigningCredentials(TwoGateways.TAY_NINH, next);
    int switchedAt = outcomes.size();
    Thread.sleep(300);
    // 3. The old certificate is revoked and leaves the directory.
    issuing.revoke(net.tnSigning.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);
    net.tnSigningCertificates.remove(net.tnSigning);
    net.republish();
    Thread.sleep(FRESHNESS.toMillis() + 500);
    running.set(false);
    traffic.join();
    assertThat(outcomes.size()).isGreaterThan(switchedAt + 10);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).as("%s", o).isEqualTo(200));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
