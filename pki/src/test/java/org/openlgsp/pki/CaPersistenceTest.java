package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class CaPersistenceTest {
  @TempDir Path dir;

  private static long crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    return ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets())
        .getValue()
        .longValueExact();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void serialsRevocationsAndCrlNumbersSurviveARestart(String kind) throws Exception {
    TestPki pki = new TestPki();
    Credentials caCreds = pki.issuing.credentials();
    Database db = TestDatabases.open(kind, dir);
    String url = db.describe();
    X509Certificate kept;
    X509Certificate revoked;
    long firstCrl;
    CertificateAuthority ca =
        CertificateAuthority.of(caCreds, db, Publication.none(), Clock.systemUTC());
    kept =
        ca.issueCredentials(CertificateProfile.NODE_TLS, "a", "o", List.of(), Duration.ofDays(30))
            .certificate();
    revoked =
        ca.issueCredentials(CertificateProfile.NODE_TLS, "b", "o", List.of(), Duration.ofDays(30))
            .certificate();
    ca.revoke(revoked.getSerialNumber(), RevocationReason.SUPERSEDED);
    firstCrl = crlNumber(ca.crl(Duration.ofHours(1)));

    // "Restart": a new CA object over the same database (a second pool on it, as a new process).
    Database reopened =
        kind.equals("sqlite")
            ? Database.sqlite(Path.of(url.substring("jdbc:sqlite:".length())))
            : db;
    CertificateAuthority again =
        CertificateAuthority.of(caCreds, reopened, Publication.none(), Clock.systemUTC());
    assertThat(again.find(kept.getSerialNumber()))
        .get()
        .satisfies(c -> assertThat(c.revoked()).isFalse());
    assertThat(again.find(revoked.getSerialNumber()))
        .get()
        .satisfies(
            c ->
                assertThat(c.revocation().orElseThrow().reason())
                    .isEqualTo(RevocationReason.SUPERSEDED));
    X509CRL crl = again.crl(Duration.ofHours(1));
    assertThat(crlNumber(crl)).isGreaterThan(firstCrl);
    assertThat(crl.getRevokedCertificate(revoked.getSerialNumber())).isNotNull();
    assertThat(crl.getRevokedCertificate(kept.getSerialNumber())).isNull();
    crl.verify(caCreds.certificate().getPublicKey());
    assertThat(again.list(10)).hasSize(2);
    assertThat(again.find(BigInteger.valueOf(12345))).isEmpty();
    if (reopened != db) {
      reopened.close();
    }
    db.close();
  }
}
