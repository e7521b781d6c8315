package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * The whole path is checkable from what the certificates say: the root keeps its records in the
 * database, publishes a CRL and (through a delegated responder) OCSP for the issuing CA, and every
 * certificate names its CRL, OCSP responder and issuer. openssl fetches the CRLs itself.
 */
class CaPathTest {
  @TempDir Path dir;
  Database db;
  CertificateAuthority root;
  CertificateAuthority issuing;
  TrustServer server;
  String base;
  Credentials leaf;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    db = TestDatabases.sqlite(dir);
    CertificateAuthority selfSigned = CertificateAuthority.createRoot("Path Root CA", TestPki.YEAR);
    root =
        CertificateAuthority.of(
            selfSigned.credentials(), db, Publication.root(base), Clock.systemUTC());
    Credentials ca =
        root.issueCredentials(
            CertificateProfile.INTERMEDIATE_CA,
            "Path Issuing CA",
            "OpenLGSP",
            List.of(),
            TestPki.YEAR);
    issuing = CertificateAuthority.of(ca, db, Publication.at(base), Clock.systemUTC());
    OcspResponder responder =
        OcspResponder.create(issuing, Duration.ofMinutes(10))
            .alsoFor(
                OcspResponder.forRecords(
                    root.certificate(),
                    db,
                    OcspResponder.create(root, Duration.ofMinutes(10)).credentials(),
                    Duration.ofMinutes(10),
                    Clock.systemUTC()));
    server =
        TrustServer.start(
            issuing,
            responder,
            Optional.empty(),
            Optional.of(() -> encoded(root.crl(Duration.ofDays(30)))),
            TrustServer.Options.defaults("127.0.0.1", port));
    leaf =
        issuing.issueCredentials(
            CertificateProfile.NODE_TLS, "gw1", "Test", List.of("localhost"), Duration.ofDays(30));
    OpenSsl.write(dir, "root.pem", Pem.write(root.certificate()));
    OpenSsl.write(dir, "issuing.pem", Pem.write(issuing.certificate()));
    OpenSsl.write(dir, "leaf.pem", Pem.write(leaf.certificate()));
  }

  private static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (java.security.cert.CRLException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void stop() {
    server.close();
    db.close();
  }

  /** The CRL distribution point URL a certificate names. */
  private static String crlUrl(java.security.cert.X509Certificate c) throws Exception {
    var points =
        org.bouncycastle.asn1.x509.CRLDistPoint.getInstance(
            org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils.parseExtensionValue(
                c.getExtensionValue("2.5.29.31")));
    var names =
        (org.bouncycastle.asn1.x509.GeneralNames)
            points.getDistributionPoints()[0].getDistributionPoint().getName();
    return names.getNames()[0].getName().toString();
  }

  /**
   * openssl verify -crl_check_all with the CRLs fetched from where the leaf and the issuing CA say
   * (the root's CRL covers the issuing CA and, issued by the root, the root itself).
   */
  private OpenSsl.Result verifyWithFetchedCrls() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    int i = 0;
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "verify", "-crl_check_all", "-CAfile", "root.pem", "-untrusted", "issuing.pem"));
    for (var c : List.of(leaf.certificate(), issuing.certificate())) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(crlUrl(c))).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).contains("application/pkix-crl");
      String name = "fetched-" + i++ + ".crl";
      OpenSsl.write(dir, name, r.body());
      OpenSsl.run(dir, "crl", "-inform", "DER", "-in", name, "-out", name + ".pem")
          .requireSuccess();
      args.add("-CRLfile");
      args.add(name + ".pem");
    }
    args.add("leaf.pem");
    return OpenSsl.run(dir, args.toArray(String[]::new));
  }

  private OpenSsl.Result ocspForIssuingCa() {
    return OpenSsl.run(
        dir,
        "ocsp",
        "-issuer",
        "root.pem",
        "-cert",
        "issuing.pem",
        "-url",
        OcspClient.responderUrl(issuing.certificate()).orElseThrow(),
        "-CAfile",
        "root.pem",
        "-resp_text");
  }

  @Test
  void everyCertificateNamesItsCrlOcspAndIssuer() {
    String text =
        OpenSsl.run(dir, "x509", "-in", "issuing.pem", "-noout", "-text").requireSuccess().output();
    assertThat(text)
        .contains("OCSP - URI:" + base + "/ocsp")
        .contains("CA Issuers - URI:" + base + "/root.cer")
        .contains("URI:" + base + "/root.crl");
    String leafText =
        OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text").requireSuccess().output();
    assertThat(leafText)
        .contains("OCSP - URI:" + base + "/ocsp")
        .contains("CA Issuers - URI:" + base + "/ca.cer")
        .contains("URI:" + base + "/crl");
  }

  @Test
  void caIssuersUrlsServeTheIssuersInDer() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (var pair :
        List.of(
            new Object[] {"/ca.cer", issuing.certificate()},
            new Object[] {"/root.cer", root.certificate()})) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + pair[0])).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).contains("application/pkix-cert");
      assertThat(r.body()).isEqualTo(((java.security.cert.X509Certificate) pair[1]).getEncoded());
    }
  }

  @Test
  void goodPathPassesCrlCheckAllUntilTheIssuingCaIsRevoked() throws Exception {
    assertThat(verifyWithFetchedCrls().requireSuccess().output()).contains("leaf.pem: OK");
    OpenSsl.Result good = ocspForIssuingCa().requireSuccess();
    assertThat(good.output()).contains("Response verify OK").contains("issuing.pem: good");

    root.revoke(issuing.certificate().getSerialNumber(), RevocationReason.CA_COMPROMISE);

    OpenSsl.Result refused = verifyWithFetchedCrls();
    assertThat(refused.exit()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("certificate revoked").doesNotContain("leaf.pem: OK");
    OpenSsl.Result revoked = ocspForIssuingCa().requireSuccess();
    assertThat(revoked.output())
        .contains("Response verify OK")
        .contains("issuing.pem: revoked")
        .contains("Reason: cACompromise")
        .doesNotContain("unknown");
  }

  @Test
  void rootRecordsSurviveAReopen() {
    root.revoke(issuing.certificate().getSerialNumber(), RevocationReason.CA_COMPROMISE);
    CertificateAuthority reopened =
        CertificateAuthority.of(root.credentials(), db, Publication.root(base), Clock.systemUTC());
    assertThat(reopened.list(10))
        .anySatisfy(
            c -> {
              assertThat(c.serial()).isEqualTo(issuing.certificate().getSerialNumber());
              assertThat(c.revoked()).isTrue();
            });
  }

  @Test
  void leafOcspStillAnsweredByTheIssuingCasResponder() {
    OpenSsl.Result r =
        OpenSsl.ocspForLeaf(dir, base + "/ocsp", "-verify_other", "issuing.pem").requireSuccess();
    assertThat(r.output()).contains("Response verify OK").contains("leaf.pem: good");
  }
}
