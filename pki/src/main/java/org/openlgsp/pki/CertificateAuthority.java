package org.openlgsp.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openlgsp.core.Certificates;

/**
 * A certificate authority that holds its key in memory and issues certificates by {@link
 * CertificateProfile}. Used as the development CA of the demo and tests, and as the built-in CA of
 * small installations.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Credentials credentials;

  private CertificateAuthority(Credentials credentials) {
    this.credentials = credentials;
  }

  /** A new self-signed root with an EC P-256 key. */
  public static CertificateAuthority createRoot(String commonName, Duration validity) {
    KeyPair pair = KeyPairs.ecP256();
    X500Name name = name(commonName, "OpenLGSP");
    Instant now = Instant.now();
    X509Certificate root =
        build(
            name,
            pair.getPrivate(),
            null,
            name,
            pair.getPublic(),
            CertificateProfile.CERTIFICATE_AUTHORITY,
            List.of(),
            now,
            now.plus(validity));
    return new CertificateAuthority(new Credentials(pair.getPrivate(), List.of(root)));
  }

  /** A CA over existing credentials (e.g. read from its key store). */
  public static CertificateAuthority of(Credentials credentials) {
    return new CertificateAuthority(credentials);
  }

  public X509Certificate certificate() {
    return credentials.certificate();
  }

  public Credentials credentials() {
    return credentials;
  }

  /** Issues a certificate for {@code subjectKey}; DNS names and IP addresses go in the SAN. */
  public X509Certificate issue(
      CertificateProfile profile,
      String commonName,
      String organization,
      PublicKey subjectKey,
      List<String> subjectAltNames,
      Duration validity) {
    Instant now = Instant.now();
    return build(
        X500Name.getInstance(certificate().getSubjectX500Principal().getEncoded()),
        credentials.key(),
        certificate(),
        name(commonName, organization),
        subjectKey,
        profile,
        subjectAltNames,
        now.minusSeconds(60),
        now.plus(validity));
  }

  /**
   * Generates a key pair of the profile's kind and issues credentials for it (leaf, then this CA).
   */
  public Credentials issueCredentials(
      CertificateProfile profile,
      String commonName,
      String organization,
      List<String> subjectAltNames,
      Duration validity) {
    KeyPair pair =
        profile == CertificateProfile.MEMBER_SIGNING
                || profile == CertificateProfile.DIRECTORY_SIGNING
            ? KeyPairs.ed25519()
            : KeyPairs.ecP256();
    X509Certificate cert =
        issue(profile, commonName, organization, pair.getPublic(), subjectAltNames, validity);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(credentials.chain());
    return new Credentials(pair.getPrivate(), chain);
  }

  private static X500Name name(String commonName, String organization) {
    Objects.requireNonNull(commonName, "commonName");
    return new X500Name("CN=" + escape(commonName) + ",O=" + escape(organization) + ",C=VN");
  }

  private static String escape(String value) {
    return value.replaceAll("([,+=\"\\\\<>;#])", "\\\\$1");
  }

  private static X509Certificate build(
      X500Name issuer,
      java.security.PrivateKey issuerKey,
      X509Certificate issuerCert,
      X500Name subject,
      PublicKey subjectKey,
      CertificateProfile profile,
      List<String> subjectAltNames,
      Instant notBefore,
      Instant notAfter) {
    try {
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              issuer,
              new BigInteger(127, RANDOM).add(BigInteger.ONE),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      b.addExtension(
          Extension.basicConstraints,
          true,
          profile.isCa() ? new BasicConstraints(0) : new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage()));
      if (!profile.extendedKeyUsages().isEmpty()) {
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(profile.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
      }
      b.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      if (issuerCert != null) {
        b.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            utils.createAuthorityKeyIdentifier(issuerCert));
      }
      if (!subjectAltNames.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, altNames(subjectAltNames));
      }
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
      return Certificates.fromDer(b.build(signer).getEncoded());
    } catch (OperatorCreationException
        | java.io.IOException
        | java.security.cert.CertificateEncodingException e) {
      throw new PkiException("cannot issue certificate for " + subject, e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new PkiException("SHA-1 unavailable for key identifiers", e);
    }
  }

  private static DERSequence altNames(List<String> names) {
    ASN1Encodable[] entries =
        names.stream()
            .map(
                n ->
                    n.matches("[0-9.]+|.*:.*")
                        ? new GeneralName(GeneralName.iPAddress, n)
                        : new GeneralName(GeneralName.dNSName, n))
            .toArray(ASN1Encodable[]::new);
    return new DERSequence(entries);
  }
}
