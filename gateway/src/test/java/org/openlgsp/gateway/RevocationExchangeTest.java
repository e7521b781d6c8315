package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
  /** A metaservice: authenticated like an exchange, and answered without the provider. */
  static final String LIST_METHODS = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/listMethods";

  static final Duration FRESHNESS = Duration.ofSeconds(2);
  static final String CITIZEN = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  @TempDir Path dir;
  Database caDb;
  CertificateAuthority issuing;
  TrustServer trust;
  TwoGateways net;
  String token;

  /**
   * The time of the CA, its OCSP responder and both gateways' revocation checkers (not of the
   * gateways' messages), so a test can let a freshness window pass without waiting it out.
   */
  final MutableClock pkiClock = new MutableClock();

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
        CertificateAuthority.of(ca, caDb, Publication.at("http://127.0.0.1:" + port), pkiClock);
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
                        new OcspClient(Duration.ofSeconds(2), pkiClock),
                        FRESHNESS,
                        pkiClock)));
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
    return send(
        net.http,
        HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZEN))
            .header("Accept", "application/problem+json") // OpenLGSP statuses and codes
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", TwoGateways.PORTAL.toString()));
  }

  /** Sends a GET with the issue header (citizens is a personal-data service); its outcome. */
  private static Outcome send(java.net.http.HttpClient client, HttpRequest.Builder request)
      throws Exception {
    Instant sent = Instant.now();
    HttpResponse<String> r =
        client.send(
            request.header("X-Road-Issue", "HS-2026-000123").GET().build(),
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

  /**
   * The staple attached to what a gateway signs is encoded once per OCSP answer, and a refreshed
   * answer goes out as soon as the checker holds it, never the old answer's cached encoding.
   */
  @Test
  void stapleIsTheCurrentAnswerAndFollowsItsRefresh() {
    Duration freshness = Duration.ofMinutes(1);
    RevocationChecker checker =
        new RevocationChecker(
            List.of(issuing.certificate()),
            new OcspClient(Duration.ofSeconds(2), pkiClock),
            freshness,
            pkiClock);
    java.security.cert.X509Certificate own =
        issuing
            .issueCredentials(
                CertificateProfile.NODE_TLS, "node", "OpenLGSP", List.of(), TwoGateways.YEAR)
            .certificate();
    Revocation revocation = Revocation.checkedBy(checker);
    String first = revocation.staple(own).orElseThrow();
    assertThat(java.util.Base64.getDecoder().decode(first))
        .isEqualTo(checker.staple(own).orElseThrow());
    assertThat(revocation.staple(own)).contains(first);

    // past half the freshness window the checker asks the responder again: a new answer
    pkiClock.advance(freshness.dividedBy(2).plusSeconds(5));
    byte[] refreshed = checker.staple(own).orElseThrow();
    assertThat(refreshed).isNotEqualTo(java.util.Base64.getDecoder().decode(first));
    assertThat(revocation.staple(own))
        .contains(java.util.Base64.getEncoder().encodeToString(refreshed));
    assertThat(Revocation.off().staple(own)).isEmpty();
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
  void aRevokedLocalSystemCertificateIsRefusedAtItsNextCallAndAnUnrevokedOneStillWorks()
      throws Exception {
    java.net.http.HttpClient portal = net.mtlsClient(net.portalClientCert);
    java.net.http.HttpClient other = net.mtlsClient(net.otherClientCert);
    assertThat(overMutualTls(portal, CITIZEN, TwoGateways.PORTAL).status()).isEqualTo(200);
    assertThat(overMutualTls(other, LIST_METHODS, TwoGateways.OTHER_SYSTEM).status())
        .isEqualTo(200);

    issuing.revoke(
        net.portalClientCert.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    pkiClock.advance(FRESHNESS.plusSeconds(1)); // the cached "good" no longer counts

    // the same client, likely on its keep-alive connection from before the revocation
    Outcome refused = overMutualTls(portal, CITIZEN, TwoGateways.PORTAL);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("certificate.revoked");
    Outcome listing = overMutualTls(portal, LIST_METHODS, TwoGateways.PORTAL);
    assertThat(listing.code()).isEqualTo("certificate.revoked");
    assertThat(overMutualTls(other, LIST_METHODS, TwoGateways.OTHER_SYSTEM).status())
        .isEqualTo(200);
    // the revoked certificate is refused, not the system: its bearer token still works
    assertThat(call().status()).isEqualTo(200);
  }

  /**
   * The same refusal seen by an independent TLS client: {@code openssl s_client} presenting the
   * revoked system-client certificate completes the handshake (the certificate is pinned) but its
   * request is answered 403 {@code certificate.revoked}; another system's certificate is answered.
   */
  @Test
  void aRevokedLocalSystemCertificateIsRefusedToOpensslToo() throws Exception {
    org.openlgsp.testpeers.Peers.require(org.openlgsp.testpeers.Peer.OPENSSL);
    assertThat(opensslCall(net.portalClientCert, CITIZEN, TwoGateways.PORTAL))
        .startsWith("HTTP/1.1 200 ");
    issuing.revoke(
        net.portalClientCert.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    pkiClock.advance(FRESHNESS.plusSeconds(1)); // the cached "good" no longer counts
    assertThat(opensslCall(net.portalClientCert, LIST_METHODS, TwoGateways.PORTAL))
        .startsWith("HTTP/1.1 403 ")
        .contains("\"code\":\"certificate.revoked\"");
    assertThat(opensslCall(net.otherClientCert, LIST_METHODS, TwoGateways.OTHER_SYSTEM))
        .startsWith("HTTP/1.1 200 ");
  }

  /** One HTTP/1.1 request over {@code openssl s_client} with {@code own} as client certificate. */
  private String opensslCall(Credentials own, String path, org.openlgsp.core.ClientId system)
      throws Exception {
    Path cert = java.nio.file.Files.createTempFile(dir, "client", ".pem");
    Path key = java.nio.file.Files.createTempFile(dir, "client", ".key");
    java.nio.file.Files.writeString(cert, org.openlgsp.pki.Pem.write(own.certificate()));
    java.nio.file.Files.writeString(key, org.openlgsp.pki.Pem.write(own.key()));
    Process p =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-quiet",
                "-connect",
                "127.0.0.1:" + net.tn.clientTlsPort(),
                "-cert",
                cert.toString(),
                "-key",
                key.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (var in = p.getOutputStream()) {
      in.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/problem+json\r\n"
                  + "X-Road-Issue: HS-2026-000123\r\n"
                  + "X-Road-Client: "
                  + system
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl s_client did not finish");
    }
    return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aLocalSystemCertificateWhoseStatusCannotBeHadIsRefused() throws Exception {
    java.net.http.HttpClient portal = net.mtlsClient(net.portalClientCert);
    trust.close(); // the responder is gone before the gateway ever asked about this certificate
    Outcome o = overMutualTls(portal, LIST_METHODS, TwoGateways.PORTAL);
    assertThat(o.status()).isEqualTo(503);
    assertThat(o.code()).isEqualTo("ocsp.unavailable");
  }

  private Outcome overMutualTls(
      java.net.http.HttpClient client, String path, org.openlgsp.core.ClientId system)
      throws Exception {
    return send(
        client,
        HttpRequest.newBuilder(URI.create(net.clientTls() + path))
            .header("Accept", "application/problem+json") // OpenLGSP statuses and codes
            .header("X-Road-Client", system.toString()));
  }

  @Test
  void responderOutageBeyondTheWindowFailsClosedWithOcspStale() throws Exception {
    assertThat(call().status()).isEqualTo(200);
    trust.close();
    pkiClock.advance(FRESHNESS.plusMillis(300));
    Outcome o = call();
    assertThat(o.status()).isEqualTo(403);
    assertThat(o.code()).isEqualTo("ocsp.stale");
  }

  List<Credentials> everyNodeTls = List.of();

  /** Calls from {@code threads} virtual threads until stopped; keeps every outcome. */
  final class Traffic {
    final java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    final List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Thread> threads = new ArrayList<>();

    Traffic(int n) {
      for (int i = 0; i < n; i++) {
        threads.add(
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
                    }));
      }
    }

    int count() {
      return outcomes.size();
    }

    /** Returns once {@code n} more exchanges have run. */
    void awaitMore(int n) {
      int from = count();
      await().atMost(Duration.ofSeconds(30)).until(() -> count() >= from + n);
    }

    List<Outcome> stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
      return List.copyOf(outcomes);
    }
  }

  @Test
  void signingKeyRotationUnderTrafficFailsNoExchange() throws Exception {
    Traffic traffic = new Traffic(1);
    traffic.awaitMore(10);
    // 1. The member gets a new key and certificate; the registry publishes it next to the old one.
    Credentials next =
        net.creds(CertificateProfile.MEMBER_SIGNING, TwoGateways.TAY_NINH.toString());
    net.tnSigningCertificates.add(next);
    net.republish();
    traffic.awaitMore(10);
    // 2. The gateway switches to the new key.
    net.tn.useSigningCredentials(TwoGateways.TAY_NINH, next);
    traffic.awaitMore(10);
    // 3. The old certificate is revoked and leaves the directory; once a freshness window has
    // passed every cached answer is renewed, so a use of the old key would now be refused.
    issuing.revoke(net.tnSigning.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);
    net.tnSigningCertificates.remove(net.tnSigning);
    net.republish();
    pkiClock.advance(FRESHNESS.plusMillis(500));
    traffic.awaitMore(10);
    List<Outcome> outcomes = traffic.stop();
    assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).as("%s", o).isEqualTo(200));
  }

  @Test
  void nodeTlsRotationOfBothNodesUnderTrafficFailsNoExchangeThenTheOldKeysAreRefused()
      throws Exception {
    Traffic traffic = new Traffic(4); // several connections, some in flight at each switch
    traffic.awaitMore(10);
    // 1. Each node gets a new TLS key and certificate, published next to the old one.
    Credentials tnNext = net.creds(CertificateProfile.NODE_TLS, TwoGateways.TN_NODE.toString());
    Credentials mpsNext = net.creds(CertificateProfile.NODE_TLS, TwoGateways.MPS_NODE.toString());
    everyNodeTls = List.of(net.tnTls, net.mpsTls, tnNext, mpsNext);
    net.tnTlsCertificates.add(tnNext);
    net.mpsTlsCertificates.add(mpsNext);
    net.republish();
    traffic.awaitMore(10);
    // 2. Both gateways switch while exchanges run: listeners and peer clients alike.
    net.tn.useNodeTls(tnNext);
    net.mps.useNodeTls(mpsNext);
    traffic.awaitMore(10);
    // 3. The old certificates are revoked and leave the directory.
    issuing.revoke(net.tnTls.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);
    issuing.revoke(net.mpsTls.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);
    net.tnTlsCertificates.remove(net.tnTls);
    net.mpsTlsCertificates.remove(net.mpsTls);
    net.republish();
    pkiClock.advance(FRESHNESS.plusMillis(500)); // every cached answer must now be renewed
    traffic.awaitMore(10);
    List<Outcome> outcomes = traffic.stop();
    assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).as("%s", o).isEqualTo(200));

    // The nodes present the new certificates, and a peer still holding an old key is refused.
    assertThat(presentedBy(net.mps.peerPort(), tnNext)).isEqualTo(mpsNext.certificate());
    assertThat(presentedBy(net.tn.peerPort(), mpsNext)).isEqualTo(tnNext.certificate());
    assertThat(net.tn.nodeTlsCertificate()).isEqualTo(tnNext.certificate());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> presentedBy(net.mps.peerPort(), net.tnTls))
        .isInstanceOf(IOException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> presentedBy(net.tn.peerPort(), net.mpsTls))
        .isInstanceOf(IOException.class);
  }

  /**
   * Connects to a peer listener presenting {@code own}, sends a request and returns the server's
   * certificate; TLS 1.3 servers refuse a client certificate after the handshake, so the request is
   * what fails then.
   */
  private java.security.cert.X509Certificate presentedBy(int port, Credentials own)
      throws IOException {
    // Trusts every certificate either node ever had: the probe reports which one is presented.
    java.util.Set<String> any = new java.util.HashSet<>();
    for (Credentials c : everyNodeTls) {
      any.add(org.openlgsp.core.Certificates.fingerprint(c.certificate()));
    }
    javax.net.ssl.SSLContext ctx =
        org.openlgsp.pki.TlsContexts.create(
            own, new org.openlgsp.pki.PinnedTrustManager(() -> any));
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      var out = socket.getOutputStream();
      out.write(
          "GET /r1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      if (socket.getInputStream().read() < 0) {
        throw new IOException("connection closed without an answer");
      }
      return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
