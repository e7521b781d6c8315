package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.OcspResponder;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.Publication;
import org.openlgsp.pki.RevocationReason;
import org.openlgsp.pki.TrustServer;
import org.openlgsp.storage.Database;

/**
 * {@code documents.trustAnchors}, {@code signerMustMatchSender} and {@code revocation} reach the
 * running document axis: the same signed packages from the People's Committee of Nghệ An are taken
 * or refused as the file says — a signer from a CA outside the anchors, a signer of another agency
 * (only when the signer must match the sender), a revoked signer (only with OCSP checking); and
 * {@code revocation.issuers}, {@code timeout} and {@code freshness} decide which CAs the responder
 * is asked about, how long a hung one is waited for, and how old an answer may be.
 */
class DocumentsSignerSettingsTest {
  @TempDir Path dir;

  final String token = "province-token";
  Database caDb;
  TrustServer ocsp;
  CertificateAuthority root;
  CertificateAuthority issuing;

  /** The agencies' CA: a root and an issuing CA whose certificates name its OCSP responder. */
  @BeforeEach
  void pki() throws IOException {
    root = CertificateAuthority.createRoot("Agency Root CA", Duration.ofDays(10));
    Credentials ca =
        root.issueCredentials(
            CertificateProfile.INTERMEDIATE_CA,
            "Agency Issuing CA",
            "OpenLGSP",
            List.of(),
            Duration.ofDays(5));
    caDb = Database.sqlite(dir.resolve("ca.db"));
    int port = freePort();
    issuing =
        CertificateAuthority.of(
            ca, caDb, Publication.at("http://127.0.0.1:" + port), Clock.systemUTC());
    ocsp =
        TrustServer.start(
            issuing,
            OcspResponder.create(issuing, Duration.ofMinutes(10)),
            Optional.empty(),
            TrustServer.Options.defaults("127.0.0.1", port));
    Files.writeString(
        dir.resolve("agency-ca.pem"), Pem.write(issuing.certificate(), root.certificate()));
    Files.writeString(dir.resolve("agency-root.pem"), Pem.write(root.certificate()));
    Files.writeString(dir.resolve("agency-issuing.pem"), Pem.write(issuing.certificate()));
    Files.writeString(
        dir.resolve("other-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Other CA", Duration.ofDays(1)).certificate()));
  }

  @AfterEach
  void close() {
    ocsp.close();
    caDb.close();
  }

  @Test
  void trustAnchorsDecideWhichCasSignersMayComeFrom() throws Exception {
    CertificateAuthority other = CertificateAuthority.createRoot("Stranger CA", Duration.ofDays(1));
    Files.writeString(dir.resolve("stranger-ca.pem"), Pem.write(other.certificate()));
    SigningKey province = key(issuing, Federation.PROVINCE);
    SigningKey stranger = key(other, Federation.PROVINCE);
    int port = freePort();

    try (DocumentsNode axis = start(port, "trustAnchors: [agency-ca.pem, other-ca.pem]")) {
      assertThat(send(port, "1", province)).isEqualTo("taken");
      assertThat(send(port, "2", stranger))
          .contains("certificate.issuer_unknown", "does not chain to a trust anchor");
    }
    try (DocumentsNode axis = start(port, "trustAnchors: [agency-ca.pem, stranger-ca.pem]")) {
      assertThat(send(port, "3", stranger)).isEqualTo("taken");
    }
  }

  @Test
  void anotherAgencysSignerIsRefusedOnlyWhenTheSignerMustMatchTheSender() throws Exception {
    SigningKey department = key(issuing, Federation.DEPARTMENT);
    int port = freePort();

    try (DocumentsNode axis = start(port, "trustAnchors: [agency-ca.pem]")) { // default false
      assertThat(send(port, "11", department)).isEqualTo("taken");
    }
    try (DocumentsNode axis =
        start(port, "trustAnchors: [agency-ca.pem]\n  signerMustMatchSender: true")) {
      assertThat(send(port, "12", department))
          .contains("document.invalid", "does not belong to the sending organ");
      assertThat(send(port, "13", key(issuing, Federation.PROVINCE))).isEqualTo("taken");
    }
  }

  @Test
  void aRevokedSignerIsRefusedOnlyWithRevocationChecking() throws Exception {
    SigningKey revoked = key(issuing, Federation.PROVINCE);
    issuing.revoke(revoked.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    int port = freePort();

    try (DocumentsNode axis = start(port, "trustAnchors: [agency-ca.pem]")) {
      assertThat(send(port, "21", revoked)).isEqualTo("taken");
    }
    try (DocumentsNode axis =
        start(
            port,
            "trustAnchors: [agency-ca.pem]\n  revocation: {freshness: PT5M, timeout: PT5S}")) {
      assertThat(send(port, "22", revoked)).contains("certificate.revoked");
      assertThat(send(port, "23", key(issuing, Federation.PROVINCE))).isEqualTo("taken");
    }
  }

  /**
   * Anchored at the root only (the issuing CA travels in the signature's KeyInfo), the axis knows
   * no CA to ask the responder about the signer: refused with {@code certificate.issuer_unknown},
   * unless {@code revocation.issuers} names the issuing CA.
   */
  @Test
  void revocationIssuersAreTheCasTheAxisAsksAboutBesidesItsAnchors() throws Exception {
    SigningKey province = key(issuing, Federation.PROVINCE);
    int port = freePort();

    try (DocumentsNode axis =
        start(port, "trustAnchors: [agency-root.pem]\n  revocation: {freshness: PT5M}")) {
      assertThat(send(port, "31", province)).contains("certificate.issuer_unknown");
    }
    try (DocumentsNode axis =
        start(
            port,
            "trustAnchors: [agency-root.pem]\n"
                + "  revocation: {issuers: [agency-issuing.pem], freshness: PT5M}")) {
      assertThat(send(port, "32", province)).isEqualTo("taken");
    }
  }

  /**
   * A signer whose CA's OCSP responder takes connections and never answers: the package is refused
   * with {@code ocsp.unavailable} once {@code revocation.timeout} has passed, not before.
   */
  @Test
  void revocationTimeoutIsHowLongTheAxisWaitsForAHungResponder() throws Exception {
    try (ServerSocket hung = new ServerSocket(0);
        Database hungDb = Database.sqlite(dir.resolve("hung-ca.db"))) {
      CertificateAuthority hungCa =
          CertificateAuthority.of(
              root.issueCredentials(
                  CertificateProfile.INTERMEDIATE_CA,
                  "Hung Issuing CA",
                  "OpenLGSP",
                  List.of(),
                  Duration.ofDays(5)),
              hungDb,
              Publication.at("http://127.0.0.1:" + hung.getLocalPort()),
              Clock.systemUTC());
      Files.writeString(dir.resolve("hung-issuing.pem"), Pem.write(hungCa.certificate()));
      SigningKey province = key(hungCa, Federation.PROVINCE);
      int port = freePort();
      String anchors =
          "trustAnchors: [agency-root.pem]\n  revocation: {issuers: [hung-issuing.pem], ";

      try (DocumentsNode axis = start(port, anchors + "timeout: PT1S}")) {
        long started = System.nanoTime();
        assertThat(send(port, "41", province)).contains("ocsp.unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(1))
            .isLessThan(Duration.ofSeconds(6));
      }
      try (DocumentsNode axis = start(port, anchors + "timeout: PT6S}")) {
        long started = System.nanoTime();
        assertThat(send(port, "42", province)).contains("ocsp.unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
      }
    }
  }

  /**
   * With the axis's clock 40 s ahead, every OCSP answer is 40 s old to it: good enough under the
   * default freshness, stale ({@code ocsp.stale}) under {@code revocation.freshness: PT20S}.
   */
  @Test
  void revocationFreshnessDecidesHowOldAnOcspAnswerMayBe() throws Exception {
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(40));
    int port = freePort();
    String anchors = "trustAnchors: [agency-ca.pem]\n  revocation: ";

    try (DocumentsNode axis = start(port, anchors + "{timeout: PT5S}", ahead)) {
      assertThat(send(port, "51", key(issuing, Federation.PROVINCE))).isEqualTo("taken");
    }
    try (DocumentsNode axis = start(port, anchors + "{freshness: PT20S}", ahead)) {
      assertThat(send(port, "52", key(issuing, Federation.PROVINCE))).contains("ocsp.stale");
    }
  }

  /**
   * The province sends document {@code number} to the department, signed by {@code key}: "taken",
   * or the refusal's problem document.
   */
  private String send(int port, String number, SigningKey key) {
    byte[] signed =
        SignedPackages.sign(Federation.sampleDocument(number, List.of(Federation.DEPARTMENT)), key);
    AxisClient province = new AxisClient("http://127.0.0.1:" + port, token);
    try {
      assertThat(province.send(signed).recipients()).containsExactly(Federation.DEPARTMENT.value());
      return "taken";
    } catch (LgspException e) {
      return new String(e.toProblem().toJsonBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A document-signing key of {@code organ}, certified by {@code ca}, its CA in KeyInfo. */
  private static SigningKey key(CertificateAuthority ca, AgencyCode organ) {
    KeyPair pair = KeyPairs.ecP256();
    X509Certificate cert =
        ca.issue(
            CertificateProfile.MEMBER_SIGNING,
            organ.value(),
            "UBND tỉnh Nghệ An",
            pair.getPublic(),
            List.of(),
            Duration.ofDays(1));
    return new SigningKey(pair.getPrivate(), cert, List.of(ca.certificate()));
  }

  /** A documents-only node from its file, with {@code settings} (documents lines) added. */
  private DocumentsNode start(int port, String settings) throws IOException {
    return start(port, settings, Clock.systemUTC());
  }

  private DocumentsNode start(int port, String settings, Clock clock) throws IOException {
    return AxisFiles.start(dir, port, token, settings, clock);
  }

  private static int freePort() throws IOException {
    return AxisFiles.freePort();
  }
}
