package org.openlgsp.core;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and self-signed certificates for core's tests (core does not depend on pki). */
final class TestKeys {
  private TestKeys() {}

  static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  static KeyPair ecP256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static X509Certificate selfSigned(KeyPair pair, Instant notBefore, Instant notAfter)
      throws Exception {
    String algorithm =
        pair.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "Ed25519";
    X500Name name = new X500Name("CN=test directory signer,C=VN");
    X509v3CertificateBuilder b =
        new X509v3CertificateBuilder(
            name,
            BigInteger.valueOf(System.nanoTime()),
            Date.from(notBefore),
            Date.from(notAfter),
            name,
            SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
    return Certificates.fromDer(
        b.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())).getEncoded());
  }

  static X509Certificate selfSigned(KeyPair pair) throws Exception {
    return selfSigned(pair, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400));
  }
}
