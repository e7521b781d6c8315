package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.OcspClient;
import org.openlgsp.pki.OcspResponder;
import org.openlgsp.pki.Publication;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.pki.RevocationReason;
import org.openlgsp.pki.TrustServer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Signers checked against a real PKI: a root, an issuing CA on SQLite whose certificates name its
 * OCSP responder, and that responder served over HTTP. Each package verifies mathematically; only
 * its signer differs.
 */
class SignerTrustTest {
  static final AgencyCode PROVINCE = TestKeys.PROVINCE;
  static final AgencyCode DEPARTMENT = TestKeys.DEPARTMENT;
  static final Duration DAY = Duration.ofDays(1);
  // The root and issuing CA were made 30 days ago, so certificates can be issued in the past.
  static final Clock PAST = Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC);

  @TempDir Path dir;
  Database caDb;
  Database axisDb;
  CertificateAuthority root;
  CertificateAuthority issuing;
  TrustServer trustServer;
  DocumentAxis axis;

  @BeforeEach
  void pki() throws IOException {
    root = CertificateAuthority.createRoot("Root CA of the test", Duration.ofDays(3650), PAST);
    Credentials ca =
        root.issueCredentials(
            CertificateProfile.INTERMEDIATE_CA,
            "Issuing CA of the test",
            "OpenLGSP",
            List.of(),
            Duration.ofDays(365));
    caDb = TestDatabases.sqlite(dir.resolve("ca"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Publication publication = Publication.at("http://127.0.0.1:" + port);
    issuing = CertificateAuthority.of(ca, caDb, publication, Clock.systemUTC());
    trustServer =
        TrustServer.start(
            issuing,
            OcspResponder.create(issuing, Duration.ofMinutes(10)),
            Optional.empty(),
            TrustServer.Options.defaults("127.0.0.1", port));
  }

  @AfterEach
  void close() {
    if (axis != null) {
      axis.close();
    }
    if (axisDb != null) {
      axisDb.close();
    }
    if (trustServer != null) {
      trustServer.close();
    }
    caDb.close();
  }

  private DocumentAxis axis(SignerTrust trust) {
    axisDb = TestDatabases.sqlite(dir.resolve("axis"));
    axis =
        new DocumentAxis(
            axisDb,
            AxisOptions.defaults(dir.resolve("axis-files")),
            trust,
            Set.of(PROVINCE, DEPARTMENT),
            RemoteDelivery.NONE,
            Clock.systemUTC());
    return axis;
  }

  /** Trust anchored at the root, signer must be the sender, OCSP asked. */
  private SignerTrust strict() {
    return SignerTrust.anchoredAt(List.of(root.certificate()), Clock.systemUTC())
        .requiringSenderMatch(true)
        .withRevocation(
            new RevocationChecker(
                List.of(issuing.certificate()),
                new OcspClient(Duration.ofSeconds(5), Clock.systemUTC()),
                Duration.ofMinutes(5),
                Clock.systemUTC()));
  }

  /** A document-signing key of {@code organ}, certified by {@code ca}, chain in KeyInfo. */
  private static SigningKey key(CertificateAuthority ca, AgencyCode organ, Duration validity) {
    KeyPair pair = KeyPairs.ecP256();
    X509Certificate cert =
        ca.issue(
            CertificateProfile.MEMBER_SIGNING,
            organ.value(),
            "UBND tỉnh Nghệ An",
            pair.getPublic(),
            List.of(),
            validity);
    return new SigningKey(pair.getPrivate(), cert, List.of(ca.certificate()));
  }

  private Receipt submit(String number, SigningKey key) {
    byte[] bytes = DocumentAxisTest.signed(TestKeys.document(number), key);
    return axis.submit(PROVINCE, new ByteArrayInputStream(bytes));
  }

  private static List<String> problems(Runnable r) {
    try {
      r.run();
    } catch (InvalidPackageException e) {
      return e.problems();
    }
    throw new AssertionError("the package was accepted");
  }

  @Test
  void aSignerCertifiedByTheTrustedCaForTheSendingOrganIsAccepted() {
    axis(strict());

    Receipt r = submit("501", key(issuing, PROVINCE, DAY));

    assertThat(r.duplicate()).isFalse();
    assertThat(r.recipients()).containsExactly(DEPARTMENT.value());
  }

  @Test
  void aSignerFromAnUnknownCaIsRefusedThoughTheSignatureVerifies() {
    axis(strict());
    CertificateAuthority stranger = CertificateAuthority.createRoot("Some other CA", DAY);
    SigningKey foreign = key(stranger, PROVINCE, DAY);
    byte[] bytes = DocumentAxisTest.signed(TestKeys.document("502"), foreign);
    assertThat(
            XmlSignatures.verify(EdxmlCodec.parse(new ByteArrayInputStream(bytes)).dom()).valid())
        .isTrue();

    List<String> problems = problems(() -> axis.submit(PROVINCE, new ByteArrayInputStream(bytes)));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .contains("certificate.issuer_unknown")
                    .contains("does not chain to a trust anchor")
                    .contains("Some other CA"));
  }

  @Test
  void anExpiredSignerIsRefused() {
    axis(strict());
    CertificateAuthority before =
        CertificateAuthority.of(issuing.credentials(), caDb, issuing.publication(), PAST);

    List<String> problems = problems(() -> submit("503", key(before, PROVINCE, DAY)));

    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p).contains("certificate.expired").contains("expired at"));
  }

  @Test
  void aRevokedSignerIsRefusedByItsCasOcspAnswer() {
    axis(strict());
    SigningKey key = key(issuing, PROVINCE, DAY);
    issuing.revoke(key.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);

    List<String> problems = problems(() -> submit("504", key));

    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p).contains("certificate.revoked").contains("key-compromise"));
  }

  @Test
  void aSignerOfAnotherOrganIsRefusedWhenTheSignerMustBeTheSender() {
    axis(strict());
    SigningKey department = key(issuing, DEPARTMENT, DAY);

    List<String> problems = problems(() -> submit("505", department));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .contains("does not belong to the sending organ 000.00.00.H41")
                    .contains("000.00.15.H41"));
  }

  @Test
  void withoutTheSenderRuleAnotherOrgansTrustedSignerIsAccepted() {
    axis(SignerTrust.anchoredAt(List.of(root.certificate()), Clock.systemUTC()));

    assertThat(submit("506", key(issuing, DEPARTMENT, DAY)).duplicate()).isFalse();
  }

  @Test
  void everySignerProblemIsListedTogether() {
    axis(strict());
    CertificateAuthority before =
        CertificateAuthority.of(issuing.credentials(), caDb, issuing.publication(), PAST);

    List<String> problems = problems(() -> submit("507", key(before, DEPARTMENT, DAY)));

    assertThat(problems)
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("certificate.expired"))
        .anySatisfy(p -> assertThat(p).contains("does not belong to the sending organ"));
  }

  @Test
  void aSignerWhoseStatusCannotBeLearntIsRefusedAsUnavailableNotAsInvalid() {
    axis(strict());
    SigningKey key = key(issuing, PROVINCE, DAY);
    trustServer.close();
    trustServer = null;

    assertThatThrownBy(() -> submit("508", key))
        .isInstanceOf(LgspException.class)
        .isNotInstanceOf(InvalidPackageException.class)
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.OCSP_UNAVAILABLE));
  }

  @Test
  void noTrustAnchorsRefusesEverySignedPackage() {
    axis(SignerTrust.anchoredAt(List.of(), Clock.systemUTC()));

    assertThat(problems(() -> submit("509", key(issuing, PROVINCE, DAY))))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("no trust anchors"));
  }

  @Test
  void organCodesAreReadFromTheSubject() {
    SigningKey key = key(issuing, PROVINCE, DAY);

    assertThat(SignerTrust.organCodes(key.certificate())).containsExactly(PROVINCE.value());
    assertThat(SignerTrust.organCodes(issuing.certificate())).isEmpty();
  }
}
