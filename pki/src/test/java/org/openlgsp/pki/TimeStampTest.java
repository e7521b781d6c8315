package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openlgsp.pki.CertificateAuthorityTest.assertCode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

class TimeStampTest {
  @TempDir Path dir;
  TrustFixture trust;

  @BeforeEach
  void start() {
    trust = new TrustFixture(dir);
    OpenSsl.write(dir, "root.pem", Pem.write(trust.root.certificate()));
    OpenSsl.write(dir, "issuing.pem", Pem.write(trust.issuing.certificate()));
  }

  @AfterEach
  void stop() {
    trust.close();
  }

  @Test
  void builtInTokenOverACheckpointDigestVerifiesWithOpenssl() {
    byte[] digest = Digests.sha256("ledger checkpoint 42".getBytes(StandardCharsets.UTF_8));
    Timestamp t = trust.tsa.stamp(digest);
    assertThat(t.time()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    OpenSsl.write(dir, "token.der", t.token());
    OpenSsl.Result r =
        OpenSsl.run(
                dir,
                "ts",
                "-verify",
                "-token_in",
                "-in",
                "token.der",
                "-digest",
                HexFormat.of().formatHex(digest),
                "-CAfile",
                "root.pem",
                "-untrusted",
                "issuing.pem")
            .requireSuccess();
    assertThat(r.output()).contains("Verification: OK");
    OpenSsl.Result text =
        OpenSsl.run(dir, "ts", "-reply", "-token_in", "-in", "token.der", "-token_out", "-text")
            .requireSuccess();
    assertThat(text.output()).contains("Policy OID: " + TimeStampAuthority.DEFAULT_POLICY);
  }

  @Test
  void opensslQueryOverHttpIsAnsweredWithAReplyOpensslVerifies() throws Exception {
    Files.writeString(dir.resolve("data.txt"), "a batch of exchange records");
    OpenSsl.run(dir, "ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-out", "req.tsq")
        .requireSuccess();
    HttpResponse<byte[]> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(trust.baseUrl + "/tsa"))
                    .header("Content-Type", "application/timestamp-query")
                    .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve("req.tsq")))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).contains("application/timestamp-reply");
    OpenSsl.write(dir, "reply.tsr", res.body());
    OpenSsl.Result r =
        OpenSsl.run(
                dir,
                "ts",
                "-verify",
                "-queryfile",
                "req.tsq",
                "-in",
                "reply.tsr",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "issuing.pem")
            .requireSuccess();
    assertThat(r.output()).contains("Verification: OK");
  }

  @Test
  void clientStampsThroughHttpAndVerifiesTheToken() {
    TimeStampClient client =
        new TimeStampClient(
            trust.baseUrl + "/tsa", List.of(trust.root.certificate()), Duration.ofSeconds(5));
    byte[] digest = Digests.sha256(new byte[] {1, 2, 3});
    Timestamp t = client.stamp(digest);
    assertThat(t.digest()).isEqualTo(digest);
    // The same token, checked later by anyone holding the root.
    assertThat(
            new TimeStampVerifier(List.of(trust.root.certificate()))
                .verify(t.token(), digest)
                .serial())
        .isEqualTo(t.serial());
  }

  @Test
  void tokenForAnotherDigestIsInvalid() {
    Timestamp t = trust.tsa.stamp(Digests.sha256(new byte[] {1}));
    assertCode(
        () ->
            new TimeStampVerifier(List.of(trust.root.certificate()))
                .verify(t.token(), Digests.sha256(new byte[] {2})),
        ErrorCode.TIMESTAMP_INVALID);
  }

  @Test
  void tokenFromATsaOutsideTheConfiguredTrustIsUntrusted() {
    Timestamp t = trust.tsa.stamp(Digests.sha256(new byte[] {1}));
    TestPki other = new TestPki();
    LgspException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            LgspException.class,
            () ->
                new TimeStampVerifier(List.of(other.root.certificate()))
                    .verify(t.token(), t.digest()));
    assertThat(e.code()).isEqualTo(ErrorCode.TIMESTAMP_UNTRUSTED);
    assertThat(e.detail()).contains("add its CA certificate to the time-stamp trust anchors");
  }

  @Test
  void forgedTokenHelperMakesTokensThatVerifyWithATimeStampingCertificate() throws Exception {
    // Guards the two tests below: their tokens fail for the certificate, not for their make-up.
    Credentials tsa = trust.issue(CertificateProfile.TIME_STAMPING, "Proper TSA");
    byte[] digest = Digests.sha256(new byte[] {4});
    byte[] token = ForgedTokens.token(tsa, trust.issuing.chain(), digest, Optional.empty());
    new TimeStampVerifier(List.of(trust.root.certificate())).verify(token, digest);
  }

  @Test
  void tokenSignedWithATlsCertificateIsRefusedOverHttpWithTimestampUntrusted() throws Exception {
    // A real certificate from the trusted CA, but for TLS (serverAuth, clientAuth).
    Credentials tls = trust.issue(CertificateProfile.NODE_TLS, "Wrong-usage TSA");
    try (ForgedTokens.Server server = ForgedTokens.serve(tls, trust.issuing.chain())) {
      TimeStampClient client =
          new TimeStampClient(
              server.url(), List.of(trust.root.certificate()), Duration.ofSeconds(5));
      LgspException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              LgspException.class, () -> client.stamp(Digests.sha256(new byte[] {5})));
      assertThat(e.code()).isEqualTo(ErrorCode.TIMESTAMP_UNTRUSTED);
      assertThat(e.detail())
          .contains("a non-critical extendedKeyUsage [id-kp-serverAuth, id-kp-clientAuth]")
          .contains(
              "RFC 3161 §2.3 requires a critical extendedKeyUsage with only id-kp-timeStamping")
          .contains("--profile time-stamping");
    }
  }

  @Test
  void timeStampingUsageThatIsNotCriticalIsUntrustedHereAndForOpenssl() throws Exception {
    Credentials lax = ForgedTokens.nonCriticalTimeStampingCertificate(trust.issuing);
    byte[] digest = Digests.sha256(new byte[] {6});
    byte[] token = ForgedTokens.token(lax, trust.issuing.chain(), digest, Optional.empty());
    LgspException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            LgspException.class,
            () -> new TimeStampVerifier(List.of(trust.root.certificate())).verify(token, digest));
    assertThat(e.code()).isEqualTo(ErrorCode.TIMESTAMP_UNTRUSTED);
    assertThat(e.detail()).contains("a non-critical extendedKeyUsage [id-kp-timeStamping]");
    // An independent verifier agrees.
    OpenSsl.write(dir, "lax.der", token);
    OpenSsl.Result r =
        OpenSsl.run(
            dir,
            "ts",
            "-verify",
            "-token_in",
            "-in",
            "lax.der",
            "-digest",
            HexFormat.of().formatHex(digest),
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem");
    assertThat(r.exit()).as(r.output()).isNotZero();
    assertThat(r.output()).doesNotContain("Verification: OK");
  }

  @Test
  void unreachableTsaIsUnavailable() {
    TimeStampClient client =
        new TimeStampClient(
            "http://127.0.0.1:1/tsa", List.of(trust.root.certificate()), Duration.ofSeconds(2));
    assertCode(() -> client.stamp(Digests.sha256(new byte[] {1})), ErrorCode.TIMESTAMP_UNAVAILABLE);
  }

  @Test
  void garbageQueryIsRejectedInTheProtocol() throws Exception {
    var reply = new org.bouncycastle.tsp.TimeStampResponse(trust.tsa.respond(new byte[] {9, 9}));
    assertThat(reply.getStatus()).isEqualTo(org.bouncycastle.asn1.cmp.PKIStatus.REJECTION);
  }

  @Test
  void aTsaCertificateMustBeForTimeStamping() {
    Credentials tls = trust.issue(CertificateProfile.NODE_TLS, "not a tsa");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TimeStampAuthority(
                    tls, TimeStampAuthority.Settings.defaults(), java.time.Clock.systemUTC()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("time-stamping certificate");
  }

  static final String OTHER_POLICY = "1.2.3.4.5";
  static final String SECOND_POLICY = "2.25.1";

  private TimeStampAuthority tsa(Set<String> accepted, Duration accuracy) {
    return new TimeStampAuthority(
        trust.tsa.credentials(),
        new TimeStampAuthority.Settings(TimeStampAuthority.DEFAULT_POLICY, accepted, accuracy),
        java.time.Clock.systemUTC());
  }

  /** An openssl query for {@code data.txt}, asking for {@code policy} when given. */
  private byte[] query(String name, Optional<String> policy) throws Exception {
    Files.writeString(dir.resolve("data.txt"), "a batch of exchange records");
    List<String> args =
        new java.util.ArrayList<>(
            List.of("ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-out", name));
    policy.ifPresent(
        p -> {
          args.add("-tspolicy");
          args.add(p);
        });
    OpenSsl.run(dir, args.toArray(String[]::new)).requireSuccess();
    return Files.readAllBytes(dir.resolve(name));
  }

  /** openssl ts -verify of {@code name}.tsr against the query {@code name}.tsq. */
  private OpenSsl.Result verifyReply(String name) {
    return OpenSsl.run(
        dir,
        "ts",
        "-verify",
        "-queryfile",
        name + ".tsq",
        "-in",
        name + ".tsr",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "issuing.pem");
  }

  private String replyText(String name, byte[] reply) {
    OpenSsl.write(dir, name, reply);
    return OpenSsl.run(dir, "ts", "-reply", "-in", name, "-text").requireSuccess().output();
  }

  @Test
  void requestNamingAPolicyNotAcceptedIsRejectedWithUnacceptedPolicy() throws Exception {
    TimeStampAuthority tsa = tsa(Set.of(), TimeStampAuthority.Settings.DEFAULT_ACCURACY);
    byte[] reply = tsa.respond(query("other.tsq", Optional.of(OTHER_POLICY)));
    var response = new org.bouncycastle.tsp.TimeStampResponse(reply);
    assertThat(response.getStatus()).isEqualTo(PKIStatus.REJECTION);
    assertThat(response.getFailInfo().intValue()).isEqualTo(PKIFailureInfo.unacceptedPolicy);
    assertThat(response.getTimeStampToken()).isNull();
    assertThat(replyText("other.tsr", reply))
        .contains("Status: Rejected")
        .contains("the requested TSA policy is not supported by the TSA")
        .contains("TST info:\nNot included.");
  }

  @Test
  void requestNamingAnAcceptedSecondPolicyGetsItInTheToken() throws Exception {
    TimeStampAuthority tsa =
        tsa(Set.of(SECOND_POLICY), TimeStampAuthority.Settings.DEFAULT_ACCURACY);
    byte[] reply = tsa.respond(query("second.tsq", Optional.of(SECOND_POLICY)));
    assertThat(replyText("second.tsr", reply))
        .contains("Status: Granted")
        .contains("Policy OID: " + SECOND_POLICY);
    assertThat(verifyReply("second").output()).contains("Verification: OK");
    // A request naming no policy gets the default one.
    assertThat(replyText("none.tsr", tsa.respond(query("none.tsq", Optional.empty()))))
        .contains("Policy OID: " + TimeStampAuthority.DEFAULT_POLICY);
  }

  @Test
  void aRejectedRequestLeavesNoFailInfoInTheNextGrantedReply() throws Exception {
    TimeStampAuthority tsa = tsa(Set.of(), TimeStampAuthority.Settings.DEFAULT_ACCURACY);
    byte[] rejected = tsa.respond(query("other.tsq", Optional.of(OTHER_POLICY)));
    assertThat(new org.bouncycastle.tsp.TimeStampResponse(rejected).getStatus())
        .isEqualTo(PKIStatus.REJECTION);
    // A request with a SHA-1 imprint is refused too (badAlg), on the same TSA.
    byte[] sha1 =
        new org.bouncycastle.tsp.TimeStampRequestGenerator()
            .generate(org.bouncycastle.tsp.TSPAlgorithms.SHA1, new byte[20])
            .getEncoded();
    assertThat(new org.bouncycastle.tsp.TimeStampResponse(tsa.respond(sha1)).getFailInfo())
        .isNotNull();
    byte[] granted = tsa.respond(query("good.tsq", Optional.empty()));
    var response = new org.bouncycastle.tsp.TimeStampResponse(granted);
    assertThat(response.getStatus()).isEqualTo(PKIStatus.GRANTED);
    assertThat(response.getFailInfo()).isNull();
    assertThat(replyText("good.tsr", granted))
        .contains("Status: Granted")
        .contains("Failure info: unspecified")
        .doesNotContain("the requested TSA policy is not supported")
        .doesNotContain("unrecognized or unsupported algorithm");
    assertThat(verifyReply("good").output()).contains("Verification: OK");
  }

  @Test
  void configuredAccuracyIsWrittenIntoEveryToken() throws Exception {
    TimeStampAuthority tsa = tsa(Set.of(), Duration.ofMillis(1500).minusSeconds(1).plusNanos(7000));
    byte[] reply = tsa.respond(query("acc.tsq", Optional.empty()));
    assertThat(replyText("acc.tsr", reply))
        .contains("Accuracy: unspecified seconds, 0x01F4 millis, 0x07 micros");
    Timestamp t = tsa.stamp(Digests.sha256(new byte[] {7}));
    var info =
        new org.bouncycastle.tsp.TimeStampToken(new org.bouncycastle.cms.CMSSignedData(t.token()))
            .getTimeStampInfo();
    assertThat(info.getGenTimeAccuracy().getMillis()).isEqualTo(500);
    assertThat(info.getGenTimeAccuracy().getMicros()).isEqualTo(7);
    // The default is one second.
    assertThat(replyText("def.tsr", trust.tsa.respond(query("def.tsq", Optional.empty()))))
        .contains("Accuracy: 0x01 seconds");
  }

  @Test
  void settingsRefuseWhatATsaCannotHonestlyDeclare() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TimeStampAuthority.Settings(
                    TimeStampAuthority.DEFAULT_POLICY, Set.of(), Duration.ofSeconds(2)))
        .hasMessageContaining("between one microsecond and one second");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TimeStampAuthority.Settings(
                    TimeStampAuthority.DEFAULT_POLICY, Set.of(), Duration.ZERO))
        .hasMessageContaining("between one microsecond and one second");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TimeStampAuthority.Settings(
                    "not-an-oid", Set.of(), TimeStampAuthority.Settings.DEFAULT_ACCURACY))
        .hasMessageContaining("not an object identifier");
    assertThat(
            new TimeStampAuthority.Settings(
                    TimeStampAuthority.DEFAULT_POLICY,
                    Set.of(SECOND_POLICY),
                    TimeStampAuthority.Settings.DEFAULT_ACCURACY)
                .acceptedPolicies())
        .containsExactlyInAnyOrder(TimeStampAuthority.DEFAULT_POLICY, SECOND_POLICY);
  }
}
