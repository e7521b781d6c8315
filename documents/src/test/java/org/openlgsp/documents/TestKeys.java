package org.openlgsp.documents;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openlgsp.core.AgencyCode;

/** Agency document-signing keys with self-signed certificates, and sample documents. */
final class TestKeys {
  static final AgencyCode PROVINCE = AgencyCode.parse("000.00.00.H41");
  static final AgencyCode DEPARTMENT = AgencyCode.parse("000.00.15.H41");

  private TestKeys() {}

  static SigningKey rsa(String cn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return key(g.generateKeyPair(), "SHA256withRSA", cn);
  }

  static SigningKey ec(String cn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return key(g.generateKeyPair(), "SHA256withECDSA", cn);
  }

  private static SigningKey key(KeyPair pair, String alg, String cn) throws Exception {
    X500Name name = new X500Name("CN=" + cn + ",O=OpenLGSP test,C=VN");
    X509v3CertificateBuilder b =
        new X509v3CertificateBuilder(
            name,
            BigInteger.valueOf(System.nanoTime()),
            Date.from(Instant.now().minusSeconds(600)),
            Date.from(Instant.now().plusSeconds(86_400)),
            name,
            SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    byte[] der = b.build(new JcaContentSignerBuilder(alg).build(pair.getPrivate())).getEncoded();
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    return new SigningKey(pair.getPrivate(), cert);
  }

  static DocumentPackage document(String number) {
    return Packages.document(
        new Packages.NewDocument(
            PROVINCE,
            "UBND Tỉnh Nghệ An",
            List.of(DEPARTMENT),
            number,
            "UBND-VX",
            LocalDate.of(2026, 11, 23),
            "V/v triển khai trục liên thông văn bản",
            "Nội dung văn bản " + number,
            "Nguyễn Văn A"),
        Instant.parse("2026-11-23T03:00:00Z"));
  }
}
