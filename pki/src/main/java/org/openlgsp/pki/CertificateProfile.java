package org.openlgsp.pki;

import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/** What a certificate is for, and so which key usages and extended key usages it carries. */
public enum CertificateProfile {
  /** A CA certificate: signs certificates and CRLs. */
  CERTIFICATE_AUTHORITY(KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of()),
  /** A gateway node's TLS certificate: it is a server to peers and a client of them. */
  NODE_TLS(
      KeyUsage.digitalSignature | KeyUsage.keyAgreement,
      List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth)),
  /** A member's message-signing certificate. */
  MEMBER_SIGNING(KeyUsage.digitalSignature | KeyUsage.nonRepudiation, List.of()),
  /** A local information system's TLS client certificate towards its own gateway. */
  SYSTEM_CLIENT(KeyUsage.digitalSignature, List.of(KeyPurposeId.id_kp_clientAuth)),
  /** The registry's directory-signing certificate. */
  DIRECTORY_SIGNING(KeyUsage.digitalSignature | KeyUsage.nonRepudiation, List.of()),
  /** A TLS server certificate for a registry or admin endpoint. */
  SERVER_TLS(
      KeyUsage.digitalSignature | KeyUsage.keyAgreement, List.of(KeyPurposeId.id_kp_serverAuth));

  private final int keyUsage;
  private final List<KeyPurposeId> extendedKeyUsages;

  CertificateProfile(int keyUsage, List<KeyPurposeId> extendedKeyUsages) {
    this.keyUsage = keyUsage;
    this.extendedKeyUsages = extendedKeyUsages;
  }

  int keyUsage() {
    return keyUsage;
  }

  List<KeyPurposeId> extendedKeyUsages() {
    return extendedKeyUsages;
  }

  boolean isCa() {
    return this == CERTIFICATE_AUTHORITY;
  }
}
