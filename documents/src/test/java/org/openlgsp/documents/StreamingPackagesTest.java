package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;
import org.w3c.dom.Document;

/** The streaming reader agrees with the DOM reader on signatures, binding and refusals. */
class StreamingPackagesTest {
  @TempDir Path dir;

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  private static DocumentPackage withAttachment(String number, int bytes) {
    DocumentPackage d = TestKeys.document(number);
    byte[] content = new byte[bytes];
    new Random(42).nextBytes(content);
    Packages.attach(d, "ban-do.tif", "image/tiff", content);
    return d;
  }

  private static SignatureCheck streamed(Path file) {
    Document skeleton = StreamingPackages.skeleton(file);
    return XmlSignatures.verifyStreaming(skeleton, file);
  }

  @Test
  void rsaAndEcdsaSignaturesVerifyByStreaming() throws Exception {
    for (SigningKey key : new SigningKey[] {TestKeys.rsa("UBND"), TestKeys.ec("UBND")}) {
      Path file = write("s.edxml", SignedPackages.sign(withAttachment("401", 300_000), key));

      SignatureCheck check = streamed(file);

      assertThat(check.valid()).as(check.problems().toString()).isTrue();
      assertThat(check.warnings()).isEmpty();
      assertThat(check.signer()).contains(key.certificate());
    }
  }

  @Test
  void aPackageSignedByStreamingVerifiesByDomByStreamingAndWithXmlsec1() throws Exception {
    String unsigned =
        new String(EdxmlCodec.write(withAttachment("410", 300_000)), StandardCharsets.UTF_8);
    // Vietnamese text (multi-byte UTF-8) before the insertion point, and Windows line ends
    assertThat(unsigned).contains("Nghệ An");
    for (String variant : new String[] {unsigned, unsigned.replace("\n", "\r\n")}) {
      for (SigningKey key : new SigningKey[] {TestKeys.rsa("UBND"), TestKeys.ec("UBND")}) {
        Path in = write("unsigned.edxml", variant.getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("signed.edxml");

        XmlSignatures.signStreaming(in, out, key);

        SignatureCheck byStream = streamed(out);
        assertThat(byStream.valid()).as(byStream.problems().toString()).isTrue();
        assertThat(byStream.signer()).contains(key.certificate());
        SignatureCheck byDom =
            XmlSignatures.verify(EdxmlCodec.parse(Files.newInputStream(out)).dom());
        assertThat(byDom.valid()).as(byDom.problems().toString()).isTrue();
        // only the Signature was added: removing it gives back the unsigned bytes
        String signed = Files.readString(out);
        int from = signed.indexOf("<ds:Signature");
        int to = signed.indexOf("</ds:Signature>") + "</ds:Signature>".length();
        assertThat(signed.substring(0, from) + signed.substring(to)).isEqualTo(variant);
        assertThat(signed.substring(to)).startsWith("</edXML:edXMLHeader>");
      }
    }
    Peers.require(Peer.XMLSEC1); // what is above ran without it
    Path ca = write("ca.pem", org.openlgsp.pki.Pem.write(TestKeys.CA.certificate()).getBytes());
    Process p =
        new ProcessBuilder(
                "xmlsec1",
                "--verify",
                "--trusted-pem",
                ca.toString(),
                dir.resolve("signed.edxml").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void streamingSigningRefusesASignedPackage() throws Exception {
    Path in = write("s.edxml", SignedPackages.sign(withAttachment("411", 1000), TestKeys.ec("x")));

    assertThatThrownBy(
            () -> XmlSignatures.signStreaming(in, dir.resolve("o.edxml"), TestKeys.ec("x")))
        .hasMessageContaining("already signed");
  }

  @Test
  void skeletonBindsLikeTheDomButWithoutAttachmentContent() throws Exception {
    DocumentPackage original = withAttachment("402", 100_000);
    Path file = write("s.edxml", SignedPackages.sign(original, TestKeys.ec("UBND")));

    DocumentPackage bound = (DocumentPackage) EdxmlCodec.bind(StreamingPackages.skeleton(file));

    assertThat(bound.documentId()).isEqualTo(original.documentId());
    assertThat(bound.recipientIds()).isEqualTo(original.recipientIds());
    assertThat(bound.attachments())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.attachmentName).isEqualTo("ban-do.tif");
              assertThat(a.contentTransferEncoded).isEmpty();
            });
    assertThat(Validation.problems(bound)).isEmpty();
  }

  @Test
  void changedAttachmentOrHeaderIsASignatureMismatch() throws Exception {
    String xml =
        new String(
            SignedPackages.sign(withAttachment("403", 50_000), TestKeys.rsa("x")),
            StandardCharsets.UTF_8);
    int content = xml.indexOf("<edXML:ContentTransferEncoded>") + 40;
    char c = xml.charAt(content);
    String attachmentChanged =
        xml.substring(0, content) + (c == 'A' ? 'B' : 'A') + xml.substring(content + 1);
    String headerChanged = xml.replace("Nội dung văn bản 403", "Nội dung khác");

    for (String tampered : new String[] {attachmentChanged, headerChanged}) {
      SignatureCheck check = streamed(write("t.edxml", tampered.getBytes(StandardCharsets.UTF_8)));
      assertThat(check.valid()).isFalse();
      assertThat(check.problems()).singleElement().asString().contains("signature mismatch");
    }
  }

  @Test
  void legacySha1AndTheSamplesSignatureAreReadAsTheDomReadsThem() throws Exception {
    Document dom = EdxmlCodec.toDom(withAttachment("404", 10_000));
    LegacySigner.signRsaSha1(dom, TestKeys.rsa("legacy"));
    SignatureCheck legacy = streamed(write("l.edxml", SecureXml.serialize(dom)));
    assertThat(legacy.valid()).as(legacy.problems().toString()).isTrue();
    assertThat(legacy.warnings()).anySatisfy(w -> assertThat(w).contains("RSA-SHA1"));

    Path sample = write("sample.edxml", Samples.read("edoc_replacement.edxml"));
    SignatureCheck viaStream = streamed(sample);
    SignatureCheck viaDom =
        XmlSignatures.verify(EdxmlCodec.parse(Samples.read("edoc_replacement.edxml")).dom());
    assertThat(viaStream.present()).isTrue();
    assertThat(viaStream.valid()).isEqualTo(viaDom.valid()).isFalse();
    assertThat(viaStream.warnings()).isEqualTo(viaDom.warnings());
  }

  @Test
  void invalidBase64AndDoctypeAreRefused() throws Exception {
    String xml = new String(EdxmlCodec.write(withAttachment("405", 1000)), StandardCharsets.UTF_8);
    int content = xml.indexOf("<edXML:ContentTransferEncoded>") + 40;
    Path bad =
        write(
            "b.edxml",
            (xml.substring(0, content) + "%" + xml.substring(content + 1))
                .getBytes(StandardCharsets.UTF_8));

    DocumentPackage bound = (DocumentPackage) EdxmlCodec.bind(StreamingPackages.skeleton(bad));
    assertThat(Validation.problems(bound))
        .contains("Attachment cid:1: ContentTransferEncoded is not base64");

    Path doctype =
        write(
            "d.edxml",
            ("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                    + xml.substring(xml.indexOf("<edXML")))
                .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StreamingPackages.skeleton(doctype))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
              assertThat(e.detail()).contains("DOCTYPE");
            });
  }

  @Test
  void axisTakesLargePackagesThroughTheStreamingPath() throws Exception {
    byte[] bytes = SignedPackages.sign(withAttachment("406", 200_000), TestKeys.ec("UBND"));
    try (Database db = TestDatabases.sqlite(dir);
        DocumentAxis axis =
            new DocumentAxis(
                db,
                AxisOptions.defaults(dir.resolve("axis")).withStreamingThreshold(0),
                TestKeys.trust(),
                Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
                RemoteDelivery.NONE,
                Clock.systemUTC())) {
      Receipt r = axis.submit(TestKeys.PROVINCE, new ByteArrayInputStream(bytes));
      assertThat(r.recipients()).containsExactly(TestKeys.DEPARTMENT.value());
      InboxItem item = axis.inbox(TestKeys.DEPARTMENT, 10).get(0);
      assertThat(axis.fetch(TestKeys.DEPARTMENT, item.deliveryId()).readAllBytes())
          .isEqualTo(bytes);

      String tampered =
          new String(bytes, StandardCharsets.UTF_8).replace("Nội dung văn bản 406", "sửa");
      assertThatThrownBy(
              () ->
                  axis.submit(
                      TestKeys.PROVINCE,
                      new ByteArrayInputStream(tampered.getBytes(StandardCharsets.UTF_8))))
          .isInstanceOfSatisfying(
              InvalidPackageException.class,
              e ->
                  assertThat(e.problems())
                      .singleElement()
                      .asString()
                      .contains("signature mismatch"));
    }
  }
}
