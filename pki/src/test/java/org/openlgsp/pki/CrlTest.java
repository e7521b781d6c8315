package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrlTest {
  @TempDir Path dir;
  TrustFixture trust;

  @BeforeEach
  void start() {
    trust = new TrustFixture(dir);
    OpenSsl.write(dir, "root.pem", Pem.write(trust.root.certificate()));
    OpenSsl.write(dir, "issuing.pem", Pem.write(trust.issuing.certificate()));
    OpenSsl.write(
        dir, "chain.pem", Pem.write(trust.issuing.certificate(), trust.root.certificate()));
  }

  @AfterEach
  void stop() {
    trust.close();
  }

  private byte[] fetchCrl() throws Exception {
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(trust.baseUrl + "/crl")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains("application/pkix-crl");
    return r.body();
  }

  @Test
  void publishedCrlVerifiesWithOpensslAndListsTheRevokedSerial() throws Exception {
    Credentials revoked = trust.issue(CertificateProfile.MEMBER_SIGNING, "VN:GOV:000.00.00.G01");
    Credentials kept = trust.issue(CertificateProfile.MEMBER_SIGNING, "VN:GOV:000.00.00.H53");
    trust.issuing.revoke(revoked.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    OpenSsl.write(dir, "crl.der", fetchCrl());

    OpenSsl.Result crl =
        OpenSsl.run(
                dir,
                "crl",
                "-inform",
                "DER",
                "-in",
                "crl.der",
                "-CAfile",
                "chain.pem",
                "-noout",
                "-text")
            .requireSuccess();
    String serial =
        revoked.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    assertThat(crl.output())
        .contains("verify OK")
        .contains("Key Compromise")
        .contains("X509v3 CRL Number");
    assertThat(crl.output().replace(":", "").toUpperCase(java.util.Locale.ROOT)).contains(serial);

    // A relying party checking the CRL refuses the revoked certificate and accepts the other.
    OpenSsl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem").requireSuccess();
    OpenSsl.write(dir, "revoked.pem", Pem.write(revoked.certificate()));
    OpenSsl.write(dir, "kept.pem", Pem.write(kept.certificate()));
    OpenSsl.Result refused =
        OpenSsl.run(
            dir,
            "verify",
            "-crl_check",
            "-CRLfile",
            "crl.pem",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
            "revoked.pem");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("certificate revoked");
    assertThat(
            OpenSsl.run(
                    dir,
                    "verify",
                    "-crl_check",
                    "-CRLfile",
                    "crl.pem",
                    "-CAfile",
                    "root.pem",
                    "-untrusted",
                    "issuing.pem",
                    "kept.pem")
                .requireSuccess()
                .output())
        .contains("kept.pem: OK");
  }

  @Test
  void caChainIsServedAsPem() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(trust.baseUrl + "/ca")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(Pem.certificates(r.body()))
        .containsExactly(trust.issuing.certificate(), trust.root.certificate());
  }

  @Test
  void unknownPathIsAProblem() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(trust.baseUrl + "/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("\"code\":\"resource.not_found\"");
  }
}
