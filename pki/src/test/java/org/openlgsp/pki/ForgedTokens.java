package org.openlgsp.pki;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.tsp.MessageImprint;
import org.bouncycastle.asn1.tsp.TSTInfo;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tsp.TimeStampRequest;

/**
 * RFC 3161 tokens signed with whatever certificate a test gives, including ones a TSA must not use:
 * Bouncy Castle's token generator (and OpenSSL's) refuse those, so the CMS SignedData is put
 * together here as RFC 3161 §2.4.2 describes it (TSTInfo content, ESS signing-certificate-v2
 * attribute).
 */
final class ForgedTokens {
  private ForgedTokens() {}

  static byte[] token(
      Credentials signer, List<X509Certificate> chain, byte[] sha256, Optional<BigInteger> nonce)
      throws Exception {
    TSTInfo info =
        new TSTInfo(
            new ASN1ObjectIdentifier(TimeStampAuthority.DEFAULT_POLICY),
            new MessageImprint(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), sha256),
            new ASN1Integer(new BigInteger(64, new java.security.SecureRandom())),
            new ASN1GeneralizedTime(new Date()),
            null,
            ASN1Boolean.FALSE,
            nonce.map(ASN1Integer::new).orElse(null),
            null,
            null);
    byte[] certHash =
        MessageDigest.getInstance("SHA-256").digest(signer.certificate().getEncoded());
    AttributeTable signed =
        new AttributeTable(
            new Attribute(
                PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                new DERSet(new SigningCertificateV2(new ESSCertIDv2(certHash)))));
    CMSSignedDataGenerator cms = new CMSSignedDataGenerator();
    cms.addSignerInfoGenerator(
        new JcaSimpleSignerInfoGeneratorBuilder()
            .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(signed))
            .build(algorithm(signer.key().getAlgorithm()), signer.key(), signer.certificate()));
    List<X509Certificate> certs = new java.util.ArrayList<>(List.of(signer.certificate()));
    certs.addAll(chain);
    cms.addCertificates(new JcaCertStore(certs));
    return cms.generate(
            new CMSProcessableByteArray(
                PKCSObjectIdentifiers.id_ct_TSTInfo, info.getEncoded(ASN1Encoding.DER)),
            true)
        .getEncoded();
  }

  /** A certificate from {@code ca} for time-stamping whose extendedKeyUsage is not critical. */
  static Credentials nonCriticalTimeStampingCertificate(CertificateAuthority ca) throws Exception {
    KeyPair key = KeyPairs.ecP256();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            ca.certificate(),
            new BigInteger(127, new java.security.SecureRandom()),
            Date.from(now.minus(Duration.ofMinutes(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            new X500Principal("CN=Lax TSA,O=Test"),
            key.getPublic());
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
    b.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
    b.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
    java.security.PrivateKey caKey = ca.credentials().key();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder(algorithm(caKey.getAlgorithm())).build(caKey)));
    return new Credentials(key.getPrivate(), List.of(cert));
  }

  private static String algorithm(String keyAlgorithm) {
    return keyAlgorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
  }

  /** An HTTP TSA that answers every query with a token signed by {@code signer}. */
  static Server serve(Credentials signer, List<X509Certificate> chain) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/tsa",
        exchange -> {
          try (exchange) {
            TimeStampRequest request =
                new TimeStampRequest(exchange.getRequestBody().readAllBytes());
            byte[] token =
                token(
                    signer,
                    chain,
                    request.getMessageImprintDigest(),
                    Optional.ofNullable(request.getNonce()));
            byte[] reply =
                new TimeStampResp(
                        new PKIStatusInfo(PKIStatus.granted), ContentInfo.getInstance(token))
                    .getEncoded();
            exchange.getResponseHeaders().add("Content-Type", "application/timestamp-reply");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
          } catch (Exception e) {
            throw new IOException(e);
          }
        });
    http.start();
    return new Server(http);
  }

  record Server(HttpServer http) implements AutoCloseable {
    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort() + "/tsa";
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
