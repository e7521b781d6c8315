package org.openlgsp.pki;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * A PKCS#10 certificate signing request that parsed and whose self-signature verified (proof that
 * the requester holds the private key). The CA takes the key, the subject and the requested DNS/IP
 * names from it; key usages come from the {@link CertificateProfile}, never from the request.
 */
public final class CertificateRequest {
  private static final int MAX_BYTES = 64 * 1024;
  private final byte[] der;
  private final X500Name subject;
  private final PublicKey publicKey;
  private final List<String> subjectAltNames;

  private CertificateRequest(
      byte[] der, X500Name subject, PublicKey publicKey, List<String> subjectAltNames) {
    this.der = der;
    this.subject = subject;
    this.publicKey = publicKey;
    this.subjectAltNames = List.copyOf(subjectAltNames);
  }

  /**
   * Creates a request signed with {@code key} (which may sit in a PKCS#11 token) for {@code
   * publicKey}; DNS names and IP addresses are asked for as subject alternative names.
   */
  public static CertificateRequest create(
      java.security.PrivateKey key,
      PublicKey publicKey,
      String commonName,
      String organization,
      List<String> subjectAltNames) {
    X500Name subject =
        new org.bouncycastle.asn1.x500.X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.CN, commonName)
            .addRDN(BCStyle.O, organization)
            .addRDN(BCStyle.C, "VN")
            .build();
    var builder =
        new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(subject, publicKey);
    if (!subjectAltNames.isEmpty()) {
      GeneralName[] names = SubjectAltNames.generalNames(subjectAltNames);
      try {
        var ext = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
      } catch (IOException e) {
        throw new PkiException("cannot encode subject alternative names", e);
      }
    }
    try {
      return fromDer(builder.build(CertificateAuthority.signer(key)).getEncoded());
    } catch (OperatorCreationException | IOException e) {
      throw new PkiException("cannot sign the certificate request", e);
    }
  }

  /** The request as PEM text. */
  public String pem() {
    try {
      return Pem.write(new org.bouncycastle.pkcs.PKCS10CertificationRequest(der));
    } catch (IOException e) {
      throw new PkiException("cannot encode the certificate request", e);
    }
  }

  /** Parses PEM ({@code -----BEGIN CERTIFICATE REQUEST-----}), bare base64 or DER bytes. */
  public static CertificateRequest parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw malformed(
          "the request is empty or larger than " + MAX_BYTES + " bytes; send one PKCS#10 CSR");
    }
    if (bytes[0] == 0x30) {
      return fromDer(bytes);
    }
    String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).trim();
    if (text.startsWith("-----BEGIN")) {
      return fromPem(text);
    }
    try {
      return fromDer(Base64.getMimeDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw malformed("the request is neither PEM, base64 nor DER; send a PKCS#10 CSR");
    }
  }

  public static CertificateRequest parse(String text) {
    return parse(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static CertificateRequest fromPem(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest r) {
        return fromDer(r.getEncoded());
      }
      throw malformed(
          "the PEM block is not a CERTIFICATE REQUEST; create one with `lgsp keys csr` or"
              + " `openssl req -new`");
    } catch (IOException | RuntimeException e) {
      if (e instanceof LgspException l) {
        throw l;
      }
      throw malformed("the PEM text cannot be read; check that it was copied completely");
    }
  }

  private static CertificateRequest fromDer(byte[] der) {
    JcaPKCS10CertificationRequest request;
    PublicKey key;
    try {
      request = new JcaPKCS10CertificationRequest(der);
      key = request.getPublicKey();
    } catch (IOException | RuntimeException | GeneralSecurityException e) {
      throw malformed("the bytes are not a DER-encoded PKCS#10 CSR; check that it was not cut off");
    }
    try {
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw malformed(
            "the CSR's signature does not verify with its own public key: it was altered or"
                + " signed with another key; create it again with the key it names");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw malformed(
          "the CSR's signature algorithm is not supported; sign it with ECDSA, Ed25519 or RSA");
    }
    X500Name subject = request.getSubject();
    if (subject.getRDNs(BCStyle.CN).length != 1) {
      throw malformed("the CSR subject must have exactly one CN (the node or member identifier)");
    }
    return new CertificateRequest(der, subject, key, subjectAltNames(request));
  }

  private static List<String> subjectAltNames(JcaPKCS10CertificationRequest request) {
    List<String> names = new ArrayList<>();
    for (Attribute a : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable value : a.getAttributeValues()) {
        Extensions ext = Extensions.getInstance(value);
        GeneralNames sans = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
        if (sans == null) {
          continue;
        }
        for (GeneralName n : sans.getNames()) {
          switch (n.getTagNo()) {
            case GeneralName.dNSName -> {
              String dns = DERIA5String.getInstance(n.getName()).getString();
              SubjectAltNames.requireDnsName(dns);
              names.add(dns);
            }
            case GeneralName.iPAddress -> names.add(ip(ASN1OctetString.getInstance(n.getName())));
            default ->
                throw malformed(
                    "the CSR asks for a subject alternative name other than DNS or IP; only"
                        + " those are certified");
          }
        }
      }
    }
    return names;
  }

  private static String ip(ASN1OctetString octets) {
    try {
      return java.net.InetAddress.getByAddress(octets.getOctets()).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw malformed("the CSR has an IP address of the wrong length");
    }
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.CSR_MALFORMED, detail);
  }

  public byte[] der() {
    return der.clone();
  }

  public X500Name subject() {
    return subject;
  }

  /** The single common name of the subject. */
  public String commonName() {
    return IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue());
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** DNS names and IP addresses requested for the subject alternative name. */
  public List<String> subjectAltNames() {
    return subjectAltNames;
  }
}
