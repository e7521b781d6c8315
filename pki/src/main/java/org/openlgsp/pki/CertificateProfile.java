package org.openlgsp.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * What a certificate is for, and so which key usages, extended key usages and key types it gets.
 * The CA decides these from the profile, never from what a certificate request asks for.
 */
public enum CertificateProfile {
  /** A self-signed root: signs the issuing CA (and CRLs), nothing else. Path length 1. */
  ROOT_CA(KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of(), false, 1, Keys.CA, 20 * 365),
  /** The issuing (intermediate) CA: signs leaf certificates and CRLs. Path length 0. */
  INTERMEDIATE_CA(KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of(), false, 0, Keys.CA, 10 * 365),
  /**
   * A gateway node's TLS certificate: it is a server to peers and a client of them. keyAgreement is
   * written for EC keys only (RFC 3279: not for RSA), see CertificateAuthority#keyUsage.
   */
  NODE_TLS(
      KeyUsage.digitalSignature | KeyUsage.keyAgreement,
      List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth),
      false,
      -1,
      Keys.TLS,
      2 * 365),
  /** A member's message-signing certificate. */
  MEMBER_SIGNING(
      KeyUsage.digitalSignature | KeyUsage.nonRepudiation,
      List.of(),
      false,
      -1,
      Keys.SIGNING,
      2 * 365),
  /**
   * A member's encryption (key agreement) certificate: an EC P-256 key that messages relayed
   * through a hub are encrypted to (ECDH, docs/federation.md "Hub mode"). keyAgreement only: it
   * cannot sign, and a signing certificate cannot stand in for it.
   */
  MEMBER_ENCRYPTION(KeyUsage.keyAgreement, List.of(), false, -1, Keys.AGREEMENT, 2 * 365),
  /** A local information system's TLS client certificate towards its own gateway. */
  SYSTEM_CLIENT(
      KeyUsage.digitalSignature,
      List.of(KeyPurposeId.id_kp_clientAuth),
      false,
      -1,
      Keys.TLS,
      2 * 365),
  /** The registry's directory-signing certificate. */
  DIRECTORY_SIGNING(
      KeyUsage.digitalSignature | KeyUsage.nonRepudiation,
      List.of(),
      false,
      -1,
      Keys.SIGNING,
      2 * 365),
  /** A TLS server certificate for a registry or admin endpoint (keyAgreement for EC keys only). */
  SERVER_TLS(
      KeyUsage.digitalSignature | KeyUsage.keyAgreement,
      List.of(KeyPurposeId.id_kp_serverAuth),
      false,
      -1,
      Keys.TLS,
      2 * 365),
  /** A delegated OCSP responder (RFC 6960 §4.2.2.2); carries id-pkix-ocsp-nocheck. */
  OCSP_SIGNING(
      KeyUsage.digitalSignature, List.of(KeyPurposeId.id_kp_OCSPSigning), false, -1, Keys.CA, 365),
  /** A time-stamp authority (RFC 3161 §2.3: the only, critical, extended key usage). */
  TIME_STAMPING(
      KeyUsage.digitalSignature | KeyUsage.nonRepudiation,
      List.of(KeyPurposeId.id_kp_timeStamping),
      true,
      -1,
      Keys.CA,
      5 * 365);

  /** Key algorithms (JCA names) each kind of certificate may certify. */
  private static final class Keys {
    static final Set<String> CA = Set.of("EC", "RSA");
    static final Set<String> TLS = Set.of("EC", "RSA");
    static final Set<String> SIGNING = Set.of("Ed25519", "EdDSA", "EC", "RSA");
    static final Set<String> AGREEMENT = Set.of("EC");
  }

  private final int keyUsage;
  private final List<KeyPurposeId> extendedKeyUsages;
  private final boolean extendedKeyUsageCritical;
  private final int pathLength;
  private final Set<String> keyAlgorithms;
  private final Duration maxValidity;

  CertificateProfile(
      int keyUsage,
      List<KeyPurposeId> extendedKeyUsages,
      boolean extendedKeyUsageCritical,
      int pathLength,
      Set<String> keyAlgorithms,
      int maxValidityDays) {
    this.keyUsage = keyUsage;
    this.extendedKeyUsages = extendedKeyUsages;
    this.extendedKeyUsageCritical = extendedKeyUsageCritical;
    this.pathLength = pathLength;
    this.keyAlgorithms = keyAlgorithms;
    this.maxValidity = Duration.ofDays(maxValidityDays);
  }

  /** The profile name as used in the admin API and CLI, e.g. {@code node-tls}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static java.util.Optional<CertificateProfile> fromLabel(String label) {
    for (CertificateProfile p : values()) {
      if (p.label().equals(label)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }

  /** The longest validity the CA grants for this kind of certificate. */
  public Duration maxValidity() {
    return maxValidity;
  }

  /** Whether a key of this JCA algorithm may be certified under this profile. */
  public boolean allowsKeyAlgorithm(String algorithm) {
    return keyAlgorithms.contains(algorithm);
  }

  /** The key algorithms this profile accepts, for error messages. */
  public Set<String> keyAlgorithms() {
    return keyAlgorithms;
  }

  /**
   * Whether {@code certificate} can serve this purpose: it has every key usage bit and extended key
   * usage the profile gives, and is (or is not) a CA as the profile says. Certificates from an
   * external CA pass when they carry at least what our own would.
   */
  public boolean permits(X509Certificate certificate) {
    boolean[] bits = certificate.getKeyUsage();
    if (bits != null) {
      for (int bit = 0; bit < 9; bit++) {
        boolean needed = (keyUsage & bitMask(bit)) != 0;
        // keyAgreement is needed only by static-DH TLS; ECDHE signs, so a CA may leave it out.
        // An encryption certificate is nothing but keyAgreement: there it is required.
        boolean optional = bit == 4 && this != MEMBER_ENCRYPTION;
        if (needed && !optional && (bit >= bits.length || !bits[bit])) {
          return false;
        }
      }
    } else if (isCa()) {
      return false;
    }
    if (isCa() != (certificate.getBasicConstraints() >= 0)) {
      return false;
    }
    try {
      List<String> ekus = certificate.getExtendedKeyUsage();
      // Stricter than RFC 5280's "no EKU means any purpose": a signing certificate must not
      // double as a TLS certificate, so a purpose with EKUs needs them written out.
      for (KeyPurposeId id : extendedKeyUsages) {
        if (ekus == null || !ekus.contains(id.getId())) {
          return false;
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return true;
  }

  /** The mask of {@link KeyUsage} for bit {@code n} of {@link X509Certificate#getKeyUsage()}. */
  private static int bitMask(int n) {
    return n < 8 ? 1 << (7 - n) : 1 << 15;
  }

  int keyUsage() {
    return keyUsage;
  }

  List<KeyPurposeId> extendedKeyUsages() {
    return extendedKeyUsages;
  }

  boolean extendedKeyUsageCritical() {
    return extendedKeyUsageCritical;
  }

  boolean isCa() {
    return pathLength >= 0;
  }

  int pathLength() {
    return pathLength;
  }
}
