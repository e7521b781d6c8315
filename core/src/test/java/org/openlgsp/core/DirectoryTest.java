package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryTest {
  static final Instant NOW = Instant.now();

  static Directory sample() {
    ClientId portal = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
    ServiceId citizens = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    NodeId node = NodeId.parse("VN/GOV/000.00.00.H53/gw1");
    return new Directory(
        "VN",
        7,
        NOW,
        NOW.plus(Duration.ofHours(1)),
        List.of(
            new Directory.Member(portal.memberId(), "UBND tỉnh Tây Ninh", List.of(), List.of())),
        List.of(new Directory.SystemEntry(portal, "Cổng DVC", node)),
        List.of(new Directory.Node(node, "https://127.0.0.1:5500", List.of())),
        List.of(new Directory.Service(citizens, "http://127.0.0.1:9090/api", "path:2")),
        List.of(
            new Directory.Grant(
                portal, citizens, List.of("GET"), List.of(PathPattern.parse("/citizens/*")))),
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void aServiceWithoutADocumentIsWrittenWithoutTheFieldSoOlderGatewaysStillReadIt() {
    ServiceId citizens = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    String without = Json.writeString(new Directory.Service(citizens, "http://h/api", "path:2"));
    assertThat(without).doesNotContain("openApi");
    Directory.Service read =
        Json.read(without.getBytes(StandardCharsets.UTF_8), Directory.Service.class);
    assertThat(read.openApiDocument()).isEmpty();

    Directory.Service with =
        new Directory.Service(
            citizens,
            "http://h/api",
            SubjectLocator.parse("path:2"),
            "openapi: 3.0.0\n",
            SchemaCheck.OFF);
    String written = Json.writeString(with);
    assertThat(written).contains("\"openApi\":\"openapi: 3.0.0\\n\"");
    assertThat(Json.read(written.getBytes(StandardCharsets.UTF_8), Directory.Service.class))
        .isEqualTo(with);
  }

  @Test
  void aSchemaCheckIsCarriedWhenOnAndLeftOutWhenOffAndAnUnknownModeIsRefused() {
    ServiceId citizens = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    Directory.Service off =
        new Directory.Service(
            citizens, "http://h/api", SubjectLocator.NONE, "openapi: 3.0.0\n", SchemaCheck.OFF);
    assertThat(Json.writeString(off)).doesNotContain("schemaCheck");
    Directory.Service block =
        new Directory.Service(
            citizens, "http://h/api", SubjectLocator.NONE, "openapi: 3.0.0\n", SchemaCheck.BLOCK);
    String written = Json.writeString(block);
    assertThat(written).contains("\"schemaCheck\":\"block\"");
    assertThat(Json.read(written.getBytes(StandardCharsets.UTF_8), Directory.Service.class))
        .isEqualTo(block);
    assertThat(SchemaCheck.parse("warn")).isEqualTo(SchemaCheck.WARN);
    assertThatThrownBy(() -> SchemaCheck.parse("strict"))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
  }

  @Test
  void signedDirectoryVerifiesAgainstItsTrustedSigner() throws Exception {
    KeyPair pair = TestKeys.ed25519();
    X509Certificate cert = TestKeys.selfSigned(pair);
    SignedDocument signed =
        SignedDocument.sign(sample(), Signatures.software(pair.getPrivate(), cert));

    SignedDocument transported = SignedDocument.parse(signed.toJson(), Directory.SIGNED);
    assertThat(transported.verify(List.of(cert), NOW, Directory.SIGNED)).isEqualTo(sample());
  }

  @Test
  void untrustedTamperedOrExpiredSignersAreRefused() throws Exception {
    KeyPair pair = TestKeys.ed25519();
    X509Certificate cert = TestKeys.selfSigned(pair);
    SignedDocument signed =
        SignedDocument.sign(sample(), Signatures.software(pair.getPrivate(), cert));

    X509Certificate stranger = TestKeys.selfSigned(TestKeys.ed25519());
    assertInvalid(() -> signed.verify(List.of(stranger), NOW, Directory.SIGNED), "untrusted");

    String json = new String(Base64.getDecoder().decode(signed.payload()), StandardCharsets.UTF_8);
    String widened = json.replace("[\"GET\"]", "[\"GET\",\"DELETE\"]");
    SignedDocument tampered =
        new SignedDocument(
            Base64.getEncoder().encodeToString(widened.getBytes(StandardCharsets.UTF_8)),
            signed.signature(),
            signed.algorithm(),
            signed.signerCertificate());
    assertInvalid(() -> tampered.verify(List.of(cert), NOW, Directory.SIGNED), "does not verify");

    X509Certificate expired =
        TestKeys.selfSigned(pair, NOW.minusSeconds(7200), NOW.minusSeconds(3600));
    SignedDocument byExpired =
        SignedDocument.sign(sample(), Signatures.software(pair.getPrivate(), expired));
    assertInvalid(() -> byExpired.verify(List.of(expired), NOW, Directory.SIGNED), "not valid now");

    assertInvalid(
        () -> SignedDocument.parse("{".getBytes(StandardCharsets.UTF_8), Directory.SIGNED),
        "invalid");
  }

  @Test
  void locatorsAndPatternsTravelInTheirTextForm() {
    String json = Json.writeString(sample());
    assertThat(json)
        .contains("\"subjectLocator\":\"path:2\"")
        .contains("\"pathPatterns\":[\"/citizens/*\"]");
    assertThat(Json.read(json.getBytes(StandardCharsets.UTF_8), Directory.class))
        .isEqualTo(sample());
    String none = json.replace("\"path:2\"", "\"\"");
    assertThat(Json.read(none.getBytes(StandardCharsets.UTF_8), Directory.class).services())
        .singleElement()
        .satisfies(s -> assertThat(s.subjectLocator()).isEqualTo(SubjectLocator.NONE));
    String bad = json.replace("\"path:2\"", "\"path:0\"");
    assertThatThrownBy(() -> Json.read(bad.getBytes(StandardCharsets.UTF_8), Directory.class))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
  }

  @Test
  void usableUntilExpiryPlusGrace() {
    Directory d = sample();
    assertThat(d.usableAt(NOW.plus(Duration.ofMinutes(59)), Duration.ZERO)).isTrue();
    assertThat(d.usableAt(NOW.plus(Duration.ofMinutes(61)), Duration.ZERO)).isFalse();
    assertThat(d.usableAt(NOW.plus(Duration.ofMinutes(61)), Duration.ofMinutes(5))).isTrue();
  }

  @Test
  void recordsRefuseInconsistentEntries() {
    ClientId member = ClientId.parse("VN/GOV/000.00.00.H53");
    NodeId node = NodeId.parse("VN/GOV/000.00.00.H53/gw1");
    assertThatThrownBy(() -> new Directory.SystemEntry(member, "x", node))
        .hasMessageContaining("subsystem");
    assertThatThrownBy(
            () ->
                new Directory.Member(
                    ClientId.parse("VN/GOV/000.00.00.H53/DVC"), "x", List.of(), List.of()))
        .hasMessageContaining("must not name a subsystem");
    assertThatThrownBy(() -> new Directory.Node(node, "http://x:1", List.of()))
        .hasMessageContaining("https");
    assertThatThrownBy(
            () ->
                new Directory(
                    "VN",
                    0,
                    NOW,
                    NOW.plusSeconds(1),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of()))
        .hasMessageContaining("serial");
    assertThatThrownBy(
            () ->
                new Directory(
                    "VN", 1, NOW, NOW, List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of()))
        .hasMessageContaining("expiresAt");
  }

  static void assertInvalid(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(LgspException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.DIRECTORY_INVALID);
  }
}
