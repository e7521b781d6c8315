package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openlgsp.pki.CertificateAuthorityTest.assertCode;

import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;

class OcspResponderTest {
  @TempDir Path dir;
  TrustFixture trust;
  Credentials node;
  OcspClient client = new OcspClient(Duration.ofSeconds(5), Clock.systemUTC());

  @BeforeEach
  void start() {
    trust = new TrustFixture(dir);
    node = trust.issue(CertificateProfile.NODE_TLS, "VN:GOV:000.00.00.G01:gw1");
    OpenSsl.write(dir, "root.pem", Pem.write(trust.root.certificate()));
    OpenSsl.write(dir, "issuing.pem", Pem.write(trust.issuing.certificate()));
    OpenSsl.write(dir, "leaf.pem", Pem.write(node.certificate()));
  }

  @AfterEach
  void stop() {
    trust.close();
  }

  private OpenSsl.Result opensslOcsp() {
    return OpenSsl.ocspForLeaf(dir, trust.baseUrl + "/ocsp", "-nonce", "-resp_text");
  }

  @Test
  void opensslVerifiesAGoodAnswerWithItsNonce() {
    OpenSsl.Result r = opensslOcsp().requireSuccess();
    assertThat(r.output()).contains("Response verify OK").contains("leaf.pem: good");
    assertThat(r.output()).contains("OCSP Nonce");
  }

  @Test
  void opensslSeesARevocationImmediately() {
    trust.issuing.revoke(node.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    OpenSsl.Result r = opensslOcsp().requireSuccess();
    assertThat(r.output())
        .contains("Response verify OK")
        .contains("leaf.pem: revoked")
        .contains("Reason: keyCompromise");
  }

  @Test
  void unspecifiedReasonIsLeftOutOfTheAnswerAsTheCrlLeavesItOut() throws Exception {
    trust.issuing.revoke(node.certificate().getSerialNumber(), RevocationReason.UNSPECIFIED);
    OpenSsl.Result r = opensslOcsp().requireSuccess();
    assertThat(r.output())
        .contains("Response verify OK")
        .contains("leaf.pem: revoked")
        .doesNotContain("Reason:")
        .doesNotContain("unspecified");
    OpenSsl.write(dir, "crl.der", trust.issuing.crl(Duration.ofHours(1)).getEncoded());
    assertThat(
            OpenSsl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text")
                .requireSuccess()
                .output())
        .contains("Serial Number: " + opensslHex(node.certificate().getSerialNumber()))
        .doesNotContain("CRL Reason Code");
    assertThat(
            client.status(trust.baseUrl + "/ocsp", node.certificate(), trust.issuing.certificate()))
        .isInstanceOfSatisfying(
            RevocationStatus.Revoked.class,
            x -> assertThat(x.reason()).isEqualTo(RevocationReason.UNSPECIFIED));
  }

  @Test
  void opensslRequestFileAnsweredOverGetIsVerifiedByOpenssl() throws Exception {
    OpenSsl.run(
            dir,
            "ocsp",
            "-issuer",
            "issuing.pem",
            "-cert",
            "leaf.pem",
            "-no_nonce",
            "-reqout",
            "req.der")
        .requireSuccess();
    byte[] req = java.nio.file.Files.readAllBytes(dir.resolve("req.der"));
    String path =
        URLEncoder.encode(Base64.getEncoder().encodeToString(req), StandardCharsets.US_ASCII);
    HttpResponse<byte[]> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(trust.baseUrl + "/ocsp/" + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).contains("application/ocsp-response");
    OpenSsl.write(dir, "resp.der", res.body());
    OpenSsl.Result r =
        OpenSsl.run(
                dir,
                "ocsp",
                "-issuer",
                "issuing.pem",
                "-cert",
                "leaf.pem",
                "-respin",
                "resp.der",
                "-CAfile",
                "root.pem")
            .requireSuccess();
    assertThat(r.output()).contains("Response verify OK").contains("leaf.pem: good");
  }

  @Test
  void clientVerifiesGoodThenRevoked() {
    RevocationStatus good = client.status(node.certificate(), trust.issuing.certificate());
    assertThat(good).isInstanceOf(RevocationStatus.Good.class);
    good.requireGood(node.certificate(), Instant.now(), Duration.ofMinutes(5));

    trust.issuing.revoke(node.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);
    RevocationStatus revoked = client.status(node.certificate(), trust.issuing.certificate());
    assertThat(revoked)
        .isInstanceOfSatisfying(
            RevocationStatus.Revoked.class,
            r -> assertThat(r.reason()).isEqualTo(RevocationReason.SUPERSEDED));
    assertCode(
        () -> revoked.requireGood(node.certificate(), Instant.now(), Duration.ofMinutes(5)),
        ErrorCode.CERTIFICATE_REVOKED);
  }

  @Test
  void oldAnswerIsStale() {
    RevocationStatus good = client.status(node.certificate(), trust.issuing.certificate());
    assertCode(
        () ->
            good.requireGood(
                node.certificate(), Instant.now().plusSeconds(301), Duration.ofMinutes(5)),
        ErrorCode.OCSP_STALE);
    // Past nextUpdate (10 minutes) the answer is stale whatever the window.
    assertThat(good.freshAt(Instant.now().plus(Duration.ofMinutes(11)), Duration.ofHours(1)))
        .isFalse();
  }

  @Test
  void certificateOfAnotherCaIsUnknownToTheResponder() {
    TestPki other = new TestPki();
    Credentials stranger =
        other.issuing.issueCredentials(
            CertificateProfile.NODE_TLS, "x", "o", List.of(), Duration.ofDays(1));
    RevocationStatus s =
        client.status(trust.baseUrl + "/ocsp", stranger.certificate(), trust.issuing.certificate());
    assertThat(s).isInstanceOf(RevocationStatus.Unknown.class);
    assertCode(
        () -> s.requireGood(stranger.certificate(), Instant.now(), Duration.ofMinutes(5)),
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN);
  }

  @Test
  void answerSignedByAnotherResponderIsInvalid() {
    TestPki other = new TestPki();
    OcspResponder forger = OcspResponder.create(other.issuing, Duration.ofMinutes(10));
    byte[] good = client.status(node.certificate(), trust.issuing.certificate()).response();
    assertThat(good).isNotEmpty();
    // A response from another CA's responder, about a serial of its own, for our certificate.
    Credentials theirs =
        other.issuing.issueCredentials(
            CertificateProfile.NODE_TLS, "x", "o", List.of(), Duration.ofDays(1));
    byte[] forged = forger.respond(request(theirs, other.issuing));
    assertCode(
        () ->
            OcspVerifier.verify(
                forged,
                node.certificate(),
                trust.issuing.certificate(),
                Optional.empty(),
                Instant.now()),
        ErrorCode.OCSP_INVALID);
  }

  @Test
  void malformedRequestGetsMalformedRequestStatus() throws Exception {
    OCSPResp r = new OCSPResp(trust.responder.respond(new byte[] {1, 2, 3}));
    assertThat(r.getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
  }

  @Test
  void unreachableResponderIsUnavailable() {
    assertCode(
        () ->
            client.status(
                "http://127.0.0.1:1/ocsp", node.certificate(), trust.issuing.certificate()),
        ErrorCode.OCSP_UNAVAILABLE);
  }

  @Test
  void responderUrlComesFromTheCertificate() {
    assertThat(OcspClient.responderUrl(node.certificate())).contains(trust.baseUrl + "/ocsp");
    assertThat(OcspClient.responderUrl(trust.root.certificate())).isEmpty();
  }

  static byte[] request(Credentials cert, CertificateAuthority issuer) {
    try {
      var id =
          new org.bouncycastle.cert.ocsp.CertificateID(
              new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder()
                  .build()
                  .get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1),
              new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(issuer.certificate()),
              cert.certificate().getSerialNumber());
      return new org.bouncycastle.cert.ocsp.OCSPReqBuilder().addRequest(id).build().getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** openssl prints a long serial as whole bytes, so a leading zero nibble shows. */
  private static String opensslHex(BigInteger serial) {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return hex.length() % 2 == 0 ? hex : "0" + hex;
  }
}
