package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.Packages;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.KeyEncryptionKey;

/**
 * {@code documents.encryption} reaches the running axis: with it the package files and the database
 * hold no personal data a package carries, and the recipient still gets the package as sent;
 * without it they are stored as they are; a missing key file, one others can read, or another key
 * than the keyring's stops the node at start.
 */
class DocumentsEncryptionSettingsTest {
  static final String ID = "079190004321";
  static final String NAME = "Trần Thị Hồng Nhung";
  static final String ATTACHMENT = "Họ và tên: " + NAME + "\nSố định danh: " + ID;
  // the attachment as an edXML package carries it
  static final String ATTACHMENT_BASE64 =
      java.util.Base64.getEncoder()
          .encodeToString(ATTACHMENT.getBytes(StandardCharsets.UTF_8))
          .substring(0, 32);

  @TempDir Path dir;

  final String token = "province-token";
  int port;

  @BeforeEach
  void setUp() throws IOException {
    port = AxisFiles.freePort();
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
  }

  static byte[] personal(String number) {
    DocumentPackage doc = Federation.sampleDocument(number, List.of(Federation.DEPARTMENT));
    doc.header().subject = "Cấp giấy xác nhận cho bà " + NAME;
    Packages.attach(doc, "to-khai.txt", "text/plain", ATTACHMENT.getBytes(StandardCharsets.UTF_8));
    return EdxmlCodec.write(doc);
  }

  @Test
  void withEncryptionTheFilesHoldNoPersonalDataAndWithoutItTheyDo() throws Exception {
    KeyEncryptionKey.generateKeyFile(dir.resolve("at-rest.key"));
    byte[] sent = personal("41");
    try (DocumentsNode axis = start("encryption: {keyFile: at-rest.key}")) {
      new AxisClient(url(), token).send(sent);
      assertThat(received()).isEqualTo(sent);
    }
    assertThat(stored()).doesNotContain(NAME).doesNotContain(ID).doesNotContain(ATTACHMENT_BASE64);
    assertThat(Files.exists(dir.resolve("data/documents/keyring.json"))).isTrue();

    Path plainDir = Files.createDirectories(dir.resolve("plain"));
    Files.copy(dir.resolve("agency-ca.pem"), plainDir.resolve("agency-ca.pem"));
    try (DocumentsNode axis =
        AxisFiles.start(
            plainDir,
            port,
            token,
            "trustAnchors: [agency-ca.pem]\n  signatureRequired: false",
            Clock.systemUTC())) {
      new AxisClient(url(), token).send(personal("42"));
    }
    assertThat(read(plainDir.resolve("data"))).contains(NAME).contains(ATTACHMENT_BASE64);
  }

  @Test
  void aMissingOpenOrWrongKeyFileStopsTheNode() throws Exception {
    assertThatThrownBy(() -> start("encryption: {keyFile: missing.key}"))
        .hasMessageContaining("at_rest.key_file")
        .hasMessageContaining("does not exist");

    Path key = KeyEncryptionKey.generateKeyFile(dir.resolve("at-rest.key"));
    start("encryption: {keyFile: at-rest.key}").close();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> start("encryption: {keyFile: at-rest.key}"))
        .hasMessageContaining("chmod 600");

    KeyEncryptionKey.generateKeyFile(dir.resolve("other.key"));
    assertThatThrownBy(() -> start("encryption: {keyFile: other.key}"))
        .hasMessageContaining("at_rest.wrong_kek");
  }

  private String url() {
    return "http://127.0.0.1:" + port;
  }

  private byte[] received() {
    AxisClient department = new AxisClient(url(), "department-token");
    InboxItem item = department.inbox(10).getFirst();
    return department.fetch(item.deliveryId());
  }

  /** The package files and the database files, as they are on disk, as text. */
  private String stored() throws IOException {
    return read(dir.resolve("data"));
  }

  private static String read(Path folder) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  private DocumentsNode start(String settings) throws IOException {
    return AxisFiles.start(
        dir,
        port,
        token,
        "trustAnchors: [agency-ca.pem]\n  signatureRequired: false\n  " + settings,
        Clock.systemUTC());
  }
}
