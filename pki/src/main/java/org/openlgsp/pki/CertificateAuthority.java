package org.openlgsp.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;

/**
 * A certificate authority: issues certificates by {@link CertificateProfile} from keys or PKCS#10
 * requests, records each one, revokes them and publishes CRLs. Built-in installations run a root
 * (kept offline once it has signed) and an issuing CA under it; its key may live in memory, in a
 * PKCS#12 file or in a PKCS#11 token — whatever {@link PrivateKey} the credentials hold.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration BACKDATE = Duration.ofMinutes(1);
  private final Credentials credentials;
  private final CertificateStore store;
  private final Publication publication;
  private final Clock clock;
  private final String issuerId;

  private CertificateAuthority(
      Credentials credentials, CertificateStore store, Publication publication, Clock clock) {
    if (credentials.certificate().getBasicConstraints() < 0) {
      throw new PkiException(
          "certificate " + subjectOf(credentials.certificate()) + " is not a CA certificate");
    }
    this.credentials = credentials;
    this.store = store;
    this.publication = publication;
    this.clock = clock;
    this.issuerId = Certificates.fingerprint(credentials.certificate());
  }

  /** A new self-signed root with an EC P-256 key, keeping its records in memory. */
  public static CertificateAuthority createRoot(String commonName, Duration validity) {
    return createRoot(commonName, validity, Clock.systemUTC());
  }

  public static CertificateAuthority createRoot(String commonName, Duration validity, Clock clock) {
    KeyPair pair = KeyPairs.ecP256();
    X500Name name = name(commonName, "OpenLGSP");
    Instant now = clock.instant();
    X509Certificate root =
        build(
            name,
            pair.getPrivate(),
            Optional.empty(),
            name,
            pair.getPublic(),
            CertificateProfile.ROOT_CA,
            List.of(),
            serial(),
            now.minus(BACKDATE),
            now.plus(validity),
            Publication.none());
    return new CertificateAuthority(
        new Credentials(pair.getPrivate(), List.of(root)),
        new MemoryCertificateStore(),
        Publication.none(),
        clock);
  }

  /** A CA over existing credentials whose records live in memory (development, tests). */
  static CertificateAuthority of(Credentials credentials) {
    return new CertificateAuthority(
        credentials, new MemoryCertificateStore(), Publication.none(), Clock.systemUTC());
  }

  /**
   * A CA whose records (serials, revocations, CRL numbers) live in {@code db}, so they survive
   * restarts; {@code publication} goes into every leaf it issues.
   */
  public static CertificateAuthority of(
      Credentials credentials, Database db, Publication publication, Clock clock) {
    return new CertificateAuthority(
        credentials, new DatabaseCertificateStore(db), publication, clock);
  }

  public X509Certificate certificate() {
    return credentials.certificate();
  }

  /** This CA's certificate followed by those above it, up to the root. */
  public List<X509Certificate> chain() {
    return credentials.chain();
  }

  public Credentials credentials() {
    return credentials;
  }

  public Publication publication() {
    return publication;
  }

  Clock clock() {
    return clock;
  }

  /**
   * Issues a certificate for the key and subject of a verified request. DNS and IP names of the
   * request are certified only for TLS profiles; validity is capped by the profile and by this CA's
   * own expiry.
   */
  public X509Certificate issue(
      CertificateRequest request, CertificateProfile profile, Duration validity) {
    check(request, profile);
    return issue(
        profile, request.subject(), request.publicKey(), request.subjectAltNames(), validity);
  }

  /**
   * What {@link #issue(CertificateRequest, CertificateProfile, Duration)} checks before it signs
   * anything: the request's names for the profile and its key's type. A batch checks every request
   * first, so one bad request issues nothing.
   */
  public void check(CertificateRequest request, CertificateProfile profile) {
    List<String> names = request.subjectAltNames();
    boolean tls =
        profile == CertificateProfile.NODE_TLS
            || profile == CertificateProfile.SERVER_TLS
            || profile == CertificateProfile.SYSTEM_CLIENT;
    if (!tls && !names.isEmpty()) {
      throw new LgspException(
          ErrorCode.CSR_MALFORMED,
          "a "
              + profile.label()
              + " certificate carries no DNS or IP names; create the CSR without them");
    }
    requireKeyAllowed(profile, request.publicKey());
    SubjectAltNames.requireValid(names);
  }

  private static void requireKeyAllowed(CertificateProfile profile, PublicKey subjectKey) {
    if (!profile.allowsKeyAlgorithm(subjectKey.getAlgorithm())) {
      throw new LgspException(
          ErrorCode.CSR_KEY_UNSUPPORTED,
          "a "
              + profile.label()
              + " certificate needs a key of type "
              + String.join(" or ", new java.util.TreeSet<>(profile.keyAlgorithms()))
              + ", the request has "
              + subjectKey.getAlgorithm()
              + "; generate a key of an allowed type");
    }
  }

  /**
   * A positive serial of 127 random bits (RFC 5280 §4.1.2.2 allows 20 octets; CA/B Forum asks for
   * at least 64 bits of CSPRNG output), never 0 or 1.
   */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.TWO);
  }

  /** Issues a certificate for {@code subjectKey}; DNS names and IP addresses go in the SAN. */
  public X509Certificate issue(
      CertificateProfile profile,
      String commonName,
      String organization,
      PublicKey subjectKey,
      List<String> subjectAltNames,
      Duration validity) {
    return issue(profile, name(commonName, organization), subjectKey, subjectAltNames, validity);
  }

  private X509Certificate issue(
      CertificateProfile profile,
      X500Name subject,
      PublicKey subjectKey,
      List<String> subjectAltNames,
      Duration validity) {
    if (profile == CertificateProfile.ROOT_CA) {
      throw new PkiException("a root is self-signed, not issued; use createRoot");
    }
    requireKeyAllowed(profile, subjectKey);
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive");
    }
    SubjectAltNames.requireValid(subjectAltNames);
    Instant now = clock.instant();
    Instant notAfter =
        min(
            now.plus(min(validity, profile.maxValidity())),
            certificate().getNotAfter().toInstant());
    X500Name issuer = X500Name.getInstance(certificate().getSubjectX500Principal().getEncoded());
    for (int attempt = 0; ; attempt++) {
      BigInteger serial = serial();
      X509Certificate cert =
          build(
              issuer,
              credentials.key(),
              Optional.of(certificate()),
              subject,
              subjectKey,
              profile,
              subjectAltNames,
              serial,
              now.minus(BACKDATE),
              notAfter,
              publication);
      if (store.record(
          issuerId, new IssuedCertificate(serial, profile, cert, now, Optional.empty()))) {
        return cert;
      }
      if (attempt > 3) {
        throw new PkiException("cannot allocate a unique serial number");
      }
    }
  }

  /**
   * Generates a key pair of the profile's kind and issues credentials for it (leaf, then this CA's
   * chain).
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

  /** The record of a certificate this CA issued. */
  Optional<IssuedCertificate> find(BigInteger serial) {
    return store.find(issuerId, serial);
  }

  /** The newest certificates this CA issued. */
  public List<IssuedCertificate> list(int limit) {
    return store.list(issuerId, limit);
  }

  /** Revokes a certificate this CA issued; the next CRL and every OCSP answer report it. */
  public IssuedCertificate revoke(BigInteger serial, RevocationReason reason) {
    IssuedCertificate.Revocation revocation =
        new IssuedCertificate.Revocation(clock.instant(), reason);
    if (!store.revoke(issuerId, serial, revocation)) {
      IssuedCertificate existing =
          find(serial)
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.RESOURCE_NOT_FOUND,
                          "this CA issued no certificate with serial "
                              + serial.toString(16)
                              + "; list them with `lgsp ca list`"));
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT,
          "certificate " + existing.serialHex() + " is already revoked");
    }
    return find(serial).orElseThrow();
  }

  /** A freshly signed CRL listing every revoked, unexpired certificate, valid for {@code ttl}. */
  public X509CRL crl(Duration ttl) {
    Instant now = clock.instant();
    X509v2CRLBuilder b =
        new X509v2CRLBuilder(
            X500Name.getInstance(certificate().getSubjectX500Principal().getEncoded()),
            Date.from(now));
    b.setNextUpdate(Date.from(now.plus(ttl)));
    try {
      for (IssuedCertificate c : store.revoked(issuerId, now)) {
        IssuedCertificate.Revocation r = c.revocation().orElseThrow();
        b.addCRLEntry(c.serial(), Date.from(r.at()), r.reason().code());
      }
      b.addExtension(
          Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(certificate()));
      b.addExtension(
          Extension.cRLNumber,
          false,
          new CRLNumber(BigInteger.valueOf(store.nextCrlNumber(issuerId))));
      return new JcaX509CRLConverter().getCRL(b.build(signer(credentials.key())));
    } catch (java.io.IOException
        | java.security.GeneralSecurityException
        | OperatorCreationException e) {
      throw new PkiException("cannot sign CRL", e);
    }
  }

  static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> throw new PkiException("unsupported CA key type " + key.getAlgorithm());
        };
    return new JcaContentSignerBuilder(algorithm).build(key);
  }

  private static X500Name name(String commonName, String organization) {
    Objects.requireNonNull(commonName, "commonName");
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, commonName)
        .addRDN(BCStyle.O, organization)
        .addRDN(BCStyle.C, "VN")
        .build();
  }

  static String subjectOf(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  private static X509Certificate build(
      X500Name issuer,
      PrivateKey issuerKey,
      Optional<X509Certificate> issuerCert,
      X500Name subject,
      PublicKey subjectKey,
      CertificateProfile profile,
      List<String> subjectAltNames,
      BigInteger serial,
      Instant notBefore,
      Instant notAfter,
      Publication publication) {
    try {
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              issuer,
              serial,
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      b.addExtension(
          Extension.basicConstraints,
          true,
          profile.isCa()
              ? new BasicConstraints(profile.pathLength())
              : new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage(profile, subjectKey)));
      if (!profile.extendedKeyUsages().isEmpty()) {
        b.addExtension(
            Extension.extendedKeyUsage,
            profile.extendedKeyUsageCritical(),
            new ExtendedKeyUsage(profile.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
      }
      b.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      if (issuerCert.isPresent()) {
        b.addExtension(
            Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuerCert.get()));
      }
      if (!subjectAltNames.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName, false, SubjectAltNames.sequence(subjectAltNames));
      }
      if (profile == CertificateProfile.OCSP_SIGNING) {
        // RFC 6960 §4.2.2.2.1: relying parties need not check the responder's own status.
        b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
      }
      List<AccessDescription> access = new ArrayList<>();
      publication
          .ocspUrl()
          .ifPresent(
              u ->
                  access.add(
                      new AccessDescription(
                          AccessDescription.id_ad_ocsp,
                          new GeneralName(GeneralName.uniformResourceIdentifier, u))));
      publication
          .caIssuersUrl()
          .ifPresent(
              u ->
                  access.add(
                      new AccessDescription(
                          AccessDescription.id_ad_caIssuers,
                          new GeneralName(GeneralName.uniformResourceIdentifier, u))));
      if (!access.isEmpty()) {
        b.addExtension(
            Extension.authorityInfoAccess,
            false,
            new AuthorityInformationAccess(access.toArray(AccessDescription[]::new)));
      }
      if (publication.crlUrl().isPresent()) {
        GeneralNames where =
            new GeneralNames(
                new GeneralName(GeneralName.uniformResourceIdentifier, publication.crlUrl().get()));
        b.addExtension(
            Extension.cRLDistributionPoints,
            false,
            new CRLDistPoint(
                new DistributionPoint[] {
                  new DistributionPoint(new DistributionPointName(where), null, null)
                }));
      }
      return Certificates.fromDer(b.build(signer(issuerKey)).getEncoded());
    } catch (OperatorCreationException | java.io.IOException e) {
      throw new PkiException("cannot issue certificate for " + subject, e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new PkiException("SHA-1 unavailable for key identifiers", e);
    }
  }

  /**
   * The key usage bits of {@code profile} for this key: keyAgreement only for EC keys (RFC 3279
   * §2.3.1: an RSA key's usage does not include keyAgreement; ECDHE signs anyway).
   */
  static int keyUsage(CertificateProfile profile, PublicKey subjectKey) {
    int bits = profile.keyUsage();
    return "EC".equals(subjectKey.getAlgorithm()) ? bits : bits & ~KeyUsage.keyAgreement;
  }

  /**
   * The authority key identifier: the issuer's subject key identifier alone (RFC 5280 §4.2.1.1),
   * not its name and serial, which would tie every certificate to one issuer certificate and break
   * a re-issued CA certificate for the same key.
   */
  static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer)
      throws java.security.NoSuchAlgorithmException, java.io.IOException {
    byte[] ext = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    byte[] keyId =
        ext != null
            ? SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext))
                .getKeyIdentifier()
            : new JcaX509ExtensionUtils()
                .createSubjectKeyIdentifier(issuer.getPublicKey())
                .getKeyIdentifier();
    return new AuthorityKeyIdentifier(keyId);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
