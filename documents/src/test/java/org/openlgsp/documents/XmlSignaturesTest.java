package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.w3c.dom.Document;

class XmlSignaturesTest {

  private static byte[] signed(DocumentPackage doc, SigningKey key) {
    Document dom = EdxmlCodec.toDom(doc);
    XmlSignatures.sign(dom, key);
    return SecureXml.serialize(dom);
  }

  @Test
  void rsaSha256BuildSignParseVerifyRoundTrip() throws Exception {
    SigningKey key = TestKeys.rsa("UBND Nghe An");
    DocumentPackage doc = TestKeys.document("101");
    Packages.attach(
        doc, "vanban.pdf", "application/pdf", "%PDF-1.7 nội dung".getBytes(StandardCharsets.UTF_8));

    EdxmlCodec.Parsed parsed = EdxmlCodec.parse(signed(doc, key));
    SignatureCheck check = XmlSignatures.verify(parsed.dom());

    assertThat(check.valid()).isTrue();
    assertThat(check.warnings()).isEmpty();
    assertThat(check.signer()).contains(key.certificate());
    assertThat(
            new String(
                parsed
                    .dom()
                    .getDocumentElement()
                    .getElementsByTagNameNS(XmlSignatures.DSIG, "SignatureMethod")
                    .item(0)
                    .getAttributes()
                    .getNamedItem("Algorithm")
                    .getNodeValue()))
        .endsWith("rsa-sha256");
    assertThat(((DocumentPackage) parsed.pkg()).documentId()).isEqualTo(doc.documentId());
  }

  @Test
  void ecdsaSignatureVerifies() throws Exception {
    EdxmlCodec.Parsed parsed =
        EdxmlCodec.parse(signed(TestKeys.document("102"), TestKeys.ec("So Noi vu")));

    assertThat(XmlSignatures.verify(parsed.dom()).valid()).isTrue();
  }

  @Test
  void changedContentIsASignatureMismatch() throws Exception {
    String xml =
        new String(signed(TestKeys.document("103"), TestKeys.rsa("x")), StandardCharsets.UTF_8);
    String tampered = xml.replace("Nội dung văn bản 103", "Nội dung đã bị sửa");
    assertThat(tampered).isNotEqualTo(xml);

    SignatureCheck check =
        XmlSignatures.verify(EdxmlCodec.parse(tampered.getBytes(StandardCharsets.UTF_8)).dom());

    assertThat(check.valid()).isFalse();
    assertThat(check.problems()).singleElement().asString().contains("signature mismatch");
  }

  @Test
  void unsignedPackageReportsNoSignature() {
    SignatureCheck check = XmlSignatures.verify(EdxmlCodec.toDom(TestKeys.document("104")));

    assertThat(check.present()).isFalse();
    assertThat(check.valid()).isFalse();
  }

  @Test
  void legacyRsaSha1IsAcceptedWithAWarning() throws Exception {
    SigningKey key = TestKeys.rsa("legacy");
    Document dom = EdxmlCodec.toDom(TestKeys.document("105"));
    LegacySigner.signRsaSha1(dom, key);

    SignatureCheck check = XmlSignatures.verify(EdxmlCodec.parse(SecureXml.serialize(dom)).dom());

    assertThat(check.valid()).as(check.problems().toString()).isTrue();
    assertThat(check.warnings()).anySatisfy(w -> assertThat(w).contains("RSA-SHA1"));
  }

  @Test
  void sampleSignatureWithoutNamespaceIsReadButItsPlaceholderCertificateFails() {
    SignatureCheck check =
        XmlSignatures.verify(EdxmlCodec.parse(Samples.read("edoc_replacement.edxml")).dom());

    assertThat(check.present()).isTrue();
    assertThat(check.valid()).isFalse();
    assertThat(check.warnings()).anySatisfy(w -> assertThat(w).contains("namespace"));
  }

  @Test
  @RequiresPeer(Peer.XMLSEC1)
  void ourSignatureVerifiesWithXmlsec1(@TempDir Path dir) throws Exception {
    for (SigningKey key : new SigningKey[] {TestKeys.rsa("UBND"), TestKeys.ec("So")}) {
      Path file = dir.resolve("signed-" + key.privateKey().getAlgorithm() + ".edxml");
      Files.write(file, signed(TestKeys.document("106"), key));
      Path pem = dir.resolve("cert.pem");
      Files.writeString(
          pem,
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder().encodeToString(TestKeys.CA.certificate().getEncoded())
              + "\n-----END CERTIFICATE-----\n");

      Process p =
          new ProcessBuilder(
                  "xmlsec1", "--verify", "--trusted-pem", pem.toString(), file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("OK");

      // and xmlsec1 rejects the same file once changed
      Files.writeString(file, Files.readString(file).replace("Nội dung văn bản 106", "sửa"));
      Process bad =
          new ProcessBuilder(
                  "xmlsec1", "--verify", "--trusted-pem", pem.toString(), file.toString())
              .redirectErrorStream(true)
              .start();
      bad.getInputStream().readAllBytes();
      assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(bad.exitValue()).isNotZero();
    }
  }
}
