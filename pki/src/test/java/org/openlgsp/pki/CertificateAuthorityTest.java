package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

class CertificateAuthorityTest {
  final TestPki pki = new TestPki(Publication.at("http://127.0.0.1:9/trust"));
  @TempDir Path dir;

  private X509Certificate issueFromCsr(CertificateProfile profile, KeyPair key, List<String> sans) {
    CertificateRequest csr =
        CertificateRequest.create(
            key.getPrivate(), key.getPublic(), "VN:GOV:000.00.00.G01", "Bộ Công an", sans);
    return pki.issuing.issue(CertificateRequest.parse(csr.pem()), profile, TestPki.YEAR);
  }

  private OpenSsl.Result verify(X509Certificate leaf, String purpose) {
    OpenSsl.write(dir, "root.pem", Pem.write(pki.root.certificate()));
    OpenSsl.write(dir, "issuing.pem", Pem.write(pki.issuing.certificate()));
    OpenSsl.write(dir, "leaf.pem", Pem.write(leaf));
    return OpenSsl.run(
        dir,
        "verify",
        "-x509_strict",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "issuing.pem",
        "-purpose",
        purpose,
        "leaf.pem");
  }

  @Test
  void nodeTlsCertificateFromCsrVerifiesWithOpensslAsServerAndClient() {
    X509Certificate leaf =
        issueFromCsr(
            CertificateProfile.NODE_TLS, KeyPairs.ecP256(), List.of("gw.mps.gov.vn", "10.0.0.7"));
    assertThat(verify(leaf, "sslserver").requireSuccess().output()).contains("leaf.pem: OK");
    assertThat(verify(leaf, "sslclient").requireSuccess().output()).contains("leaf.pem: OK");
    OpenSsl.Result text = OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text");
    assertThat(text.output())
        .contains("DNS:gw.mps.gov.vn", "IP Address:10.0.0.7")
        .contains("OCSP - URI:http://127.0.0.1:9/trust/ocsp")
        .contains("URI:http://127.0.0.1:9/trust/crl");
  }

  @Test
  void memberSigningCertificateWithEd25519KeyVerifiesWithOpenssl() {
    X509Certificate leaf =
        issueFromCsr(CertificateProfile.MEMBER_SIGNING, KeyPairs.ed25519(), List.of());
    assertThat(verify(leaf, "any").requireSuccess().output()).contains("leaf.pem: OK");
    assertThat(CertificateProfile.MEMBER_SIGNING.permits(leaf)).isTrue();
    assertThat(CertificateProfile.NODE_TLS.permits(leaf)).isFalse();
  }

  @Test
  void ocspAndTimeStampingProfilesCarryTheirExtendedKeyUsages() {
    X509Certificate ocsp =
        issueFromCsr(CertificateProfile.OCSP_SIGNING, KeyPairs.ecP256(), List.of());
    assertThat(verify(ocsp, "ocsphelper").requireSuccess().output()).contains("OK");
    X509Certificate tsa =
        issueFromCsr(CertificateProfile.TIME_STAMPING, KeyPairs.ecP256(), List.of());
    assertThat(verify(tsa, "timestampsign").requireSuccess().output()).contains("OK");
    assertThat(
            OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-ext", "extendedKeyUsage")
                .output())
        .contains("critical")
        .contains("Time Stamping");
  }

  @Test
  void requestMadeByOpensslIsIssued() throws Exception {
    CertificateRequest csr = CertificateRequest.parse(opensslRequest("DNS:gw1.tayninh.gov.vn"));
    assertThat(csr.commonName()).isEqualTo("VN:GOV:000.00.00.H53:gw1");
    assertThat(csr.subjectAltNames()).containsExactly("gw1.tayninh.gov.vn");
    X509Certificate leaf = pki.issuing.issue(csr, CertificateProfile.NODE_TLS, TestPki.YEAR);
    assertThat(verify(leaf, "sslserver").requireSuccess().output()).contains("OK");
  }

  @Test
  void validityIsCappedByTheProfile() {
    KeyPair key = KeyPairs.ecP256();
    CertificateRequest csr =
        CertificateRequest.create(key.getPrivate(), key.getPublic(), "ocsp", "OpenLGSP", List.of());
    X509Certificate c =
        pki.issuing.issue(csr, CertificateProfile.OCSP_SIGNING, Duration.ofDays(5000));
    assertThat(Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()))
        .isLessThanOrEqualTo(CertificateProfile.OCSP_SIGNING.maxValidity().plusMinutes(1));
  }

  @Test
  void garbageIsAMalformedCsr() {
    assertCode(() -> CertificateRequest.parse("hello"), ErrorCode.CSR_MALFORMED);
    assertCode(
        () ->
            CertificateRequest.parse(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        ErrorCode.CSR_MALFORMED);
    assertCode(
        () -> CertificateRequest.parse(new byte[] {0x30, 0x03, 0x02, 0x01}),
        ErrorCode.CSR_MALFORMED);
  }

  @Test
  void truncatedCsrIsMalformed() {
    KeyPair key = KeyPairs.ecP256();
    byte[] der =
        CertificateRequest.create(key.getPrivate(), key.getPublic(), "x", "o", List.of()).der();
    byte[] cut = java.util.Arrays.copyOf(der, der.length - 10);
    assertCode(() -> CertificateRequest.parse(cut), ErrorCode.CSR_MALFORMED);
  }

  @Test
  void csrWhoseSignatureDoesNotVerifyIsRejected() {
    KeyPair key = KeyPairs.ecP256();
    byte[] der =
        CertificateRequest.create(key.getPrivate(), key.getPublic(), "node-a", "o", List.of())
            .der();
    // Flip one byte of the subject: the DER stays well-formed but the signature no longer matches.
    String asText = new String(der, StandardCharsets.ISO_8859_1);
    int at = asText.indexOf("node-a");
    der[at] = 'm';
    assertThatThrownBy(() -> CertificateRequest.parse(der))
        .isInstanceOf(LgspException.class)
        .satisfies(e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.CSR_MALFORMED))
        .hasMessageContaining("does not verify");
  }

  @Test
  void keyTypeOutsideTheProfileIsRefusedWithItsOwnCode() {
    KeyPair ed = KeyPairs.ed25519();
    CertificateRequest csr =
        CertificateRequest.create(ed.getPrivate(), ed.getPublic(), "gw", "o", List.of());
    assertThatThrownBy(() -> pki.issuing.issue(csr, CertificateProfile.NODE_TLS, TestPki.YEAR))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.CSR_KEY_UNSUPPORTED))
        .hasMessageContaining("EC or RSA");
  }

  @Test
  void namesInASigningRequestAreRefused() {
    KeyPair ed = KeyPairs.ed25519();
    CertificateRequest csr =
        CertificateRequest.create(
            ed.getPrivate(), ed.getPublic(), "m", "o", List.of("example.org"));
    assertCode(
        () -> pki.issuing.issue(csr, CertificateProfile.MEMBER_SIGNING, TestPki.YEAR),
        ErrorCode.CSR_MALFORMED);
  }

  @Test
  void revokingTwiceOrAnUnknownSerialSaysSo() {
    X509Certificate c = issueFromCsr(CertificateProfile.NODE_TLS, KeyPairs.ecP256(), List.of());
    assertThat(pki.issuing.revoke(c.getSerialNumber(), RevocationReason.KEY_COMPROMISE).revoked())
        .isTrue();
    assertCode(
        () -> pki.issuing.revoke(c.getSerialNumber(), RevocationReason.KEY_COMPROMISE),
        ErrorCode.RESOURCE_CONFLICT);
    assertCode(
        () -> pki.issuing.revoke(java.math.BigInteger.TEN, RevocationReason.UNSPECIFIED),
        ErrorCode.RESOURCE_NOT_FOUND);
  }

  static void assertCode(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOf(LgspException.class)
        .satisfies(e -> assertThat(((LgspException) e).code()).isEqualTo(code));
  }

  /** A CSR whose SAN holds exactly these dNSName strings, as any tool could send. */
  private static byte[] rawCsr(KeyPair key, String... dnsNames) throws Exception {
    var builder =
        new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
            new org.bouncycastle.asn1.x500.X500Name("CN=VN:GOV:000.00.00.G01/gw1,O=Test,C=VN"),
            key.getPublic());
    var ext = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
    ext.addExtension(
        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
        false,
        new org.bouncycastle.asn1.x509.GeneralNames(
            java.util.Arrays.stream(dnsNames)
                .map(
                    n ->
                        new org.bouncycastle.asn1.x509.GeneralName(
                            org.bouncycastle.asn1.x509.GeneralName.dNSName, n))
                .toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
    builder.addAttribute(
        org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
        ext.generate());
    return builder.build(CertificateAuthority.signer(key.getPrivate())).getEncoded();
  }

  @Test
  void csrWithANameOutsideThePreferredSyntaxIsRefused() throws Exception {
    byte[] csr = rawCsr(KeyPairs.ecP256(), "gw.mps.gov.vn", "bad name!");
    assertThatThrownBy(() -> CertificateRequest.parse(csr))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CSR_MALFORMED))
        .hasMessageContaining("'bad name!' is not in the preferred name syntax");
    for (String bad :
        List.of(
            "-gw.mps.gov.vn",
            "gw-.mps.gov.vn",
            "gw..gov.vn",
            "gw.gov.vn.",
            "gw_1.gov.vn",
            "a".repeat(64) + ".gov.vn",
            "cổng.gov.vn")) {
      assertThatThrownBy(() -> CertificateRequest.parse(rawCsr(KeyPairs.ecP256(), bad)))
          .as(bad)
          .isInstanceOf(LgspException.class);
    }
    // Internationalised names as A-labels, digits leading a label (RFC 1123) are fine.
    assertThat(
            CertificateRequest.parse(
                    rawCsr(KeyPairs.ecP256(), "xn--cng-ipa.gov.vn", "1gw.tayninh.gov.vn"))
                .subjectAltNames())
        .containsExactly("xn--cng-ipa.gov.vn", "1gw.tayninh.gov.vn");
  }

  @Test
  void dnsNameThatLooksLikeAnIpAddressIsRefusedNotTurnedIntoAnIpAddress() throws Exception {
    byte[] csr = rawCsr(KeyPairs.ecP256(), "10.0.0.7");
    assertThatThrownBy(() -> CertificateRequest.parse(csr))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("looks like an IP address");
    // An iPAddress entry, asked for as such, is certified as an iPAddress.
    X509Certificate leaf =
        issueFromCsr(CertificateProfile.NODE_TLS, KeyPairs.ecP256(), List.of("10.0.0.7", "::1"));
    assertThat(leaf.getSubjectAlternativeNames())
        .extracting(l -> (Object) l.get(0))
        .containsOnly((Object) org.bouncycastle.asn1.x509.GeneralName.iPAddress);
  }

  /** A P-256 request made by {@code openssl req} for a node, asking for {@code san}. */
  private byte[] opensslRequest(String san) throws java.io.IOException {
    OpenSsl.run(
            dir,
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "req.pem",
            "-subj",
            "/CN=VN:GOV:000.00.00.H53:gw1/O=UBND Tay Ninh",
            "-addext",
            "subjectAltName=" + san)
        .requireSuccess();
    return Files.readAllBytes(dir.resolve("req.pem"));
  }

  /** The same refusals for requests an independent tool made: OpenSSL's {@code req}. */
  @Test
  void requestsMadeByOpensslWithWildcardOrIpLookingOrInvalidNamesAreRefused() throws Exception {
    for (String san : List.of("DNS:*.tayninh.gov.vn", "DNS:10.0.0.7", "DNS:gw_1.tayninh.gov.vn")) {
      byte[] der = opensslRequest(san);
      assertThatThrownBy(() -> CertificateRequest.parse(der))
          .as(san)
          .isInstanceOfSatisfying(
              LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CSR_MALFORMED));
    }
  }

  @Test
  void wildcardNamesAreRefusedByEveryProfile() throws Exception {
    byte[] csr = rawCsr(KeyPairs.ecP256(), "*.mps.gov.vn");
    assertThatThrownBy(() -> CertificateRequest.parse(csr))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("wildcard name '*.mps.gov.vn' is not certified");
    KeyPair key = KeyPairs.ecP256();
    for (CertificateProfile p :
        List.of(
            CertificateProfile.NODE_TLS,
            CertificateProfile.SERVER_TLS,
            CertificateProfile.SYSTEM_CLIENT)) {
      assertThatThrownBy(
              () ->
                  pki.issuing.issue(
                      p, "gw", "Test", key.getPublic(), List.of("*.gov.vn"), TestPki.YEAR))
          .as(p.label())
          .hasMessageContaining("wildcard");
    }
    assertThatThrownBy(
            () ->
                CertificateRequest.create(
                    key.getPrivate(), key.getPublic(), "gw", "Test", List.of("bad name!")))
        .hasMessageContaining("preferred name syntax");
  }

  @Test
  void rootSerialHasAtLeast64RandomBits() {
    var a = CertificateAuthority.createRoot("A", TestPki.YEAR).certificate().getSerialNumber();
    var b = CertificateAuthority.createRoot("B", TestPki.YEAR).certificate().getSerialNumber();
    assertThat(a.bitLength()).isGreaterThanOrEqualTo(64);
    assertThat(a.signum()).isPositive();
    assertThat(a).isNotEqualTo(b);
    assertThat(pki.root.certificate().getSerialNumber()).isNotEqualTo(java.math.BigInteger.ONE);
  }

  @Test
  void rsaTlsCertificatesGetNoKeyAgreementEcOnesDo() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    X509Certificate rsa = issueFromCsr(CertificateProfile.NODE_TLS, g.generateKeyPair(), List.of());
    X509Certificate ec = issueFromCsr(CertificateProfile.NODE_TLS, KeyPairs.ecP256(), List.of());
    assertThat(rsa.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(rsa.getKeyUsage()[4]).as("keyAgreement").isFalse();
    assertThat(ec.getKeyUsage()[4]).as("keyAgreement").isTrue();
    assertThat(CertificateProfile.NODE_TLS.permits(rsa)).isTrue();
    OpenSsl.write(dir, "rsa.pem", Pem.write(rsa));
    String text =
        OpenSsl.run(dir, "x509", "-in", "rsa.pem", "-noout", "-ext", "keyUsage")
            .requireSuccess()
            .output();
    assertThat(text).contains("Digital Signature").doesNotContain("Key Agreement");
    assertThat(verify(rsa, "sslserver").requireSuccess().output()).contains("leaf.pem: OK");
  }

  @Test
  void authorityKeyIdentifierCarriesTheKeyIdentifierOnly() throws Exception {
    X509Certificate leaf = issueFromCsr(CertificateProfile.NODE_TLS, KeyPairs.ecP256(), List.of());
    for (byte[] ext :
        List.of(
            leaf.getExtensionValue("2.5.29.35"),
            pki.issuing.certificate().getExtensionValue("2.5.29.35"),
            pki.issuing.crl(Duration.ofHours(1)).getExtensionValue("2.5.29.35"))) {
      var aki =
          org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(
              org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils.parseExtensionValue(ext));
      assertThat(aki.getKeyIdentifierObject()).isNotNull();
      assertThat(aki.getAuthorityCertIssuer()).isNull();
      assertThat(aki.getAuthorityCertSerialNumber()).isNull();
    }
    OpenSsl.write(dir, "leaf.pem", Pem.write(leaf));
    assertThat(
            OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-ext", "authorityKeyIdentifier")
                .requireSuccess()
                .output())
        .doesNotContain("DirName")
        .doesNotContain("serial");
  }
}
