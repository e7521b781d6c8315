package org.openlgsp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtRestTest {
  static final String PERSONAL =
      "Nguyễn Thị Hương, số định danh 079090001234, Phường Bến Nghé, Quận 1";

  @TempDir Path dir;

  AtRest open() {
    Path key = dir.resolve("kek.key");
    if (!Files.exists(key)) {
      KeyEncryptionKey.generateKeyFile(key);
    }
    return AtRest.open(dir.resolve("keyring.json"), KeyEncryptionKey.keyFile(key), "default");
  }

  @Test
  void aColumnValueIsSealedBoundToItsRowAndReadBack() {
    AtRest r = open();
    String sealed = r.sealText(PERSONAL, "opmon_record.fault_string#1");
    assertThat(sealed).startsWith("enc1:").doesNotContain("079090001234").doesNotContain("Hương");
    assertThat(r.unsealText(sealed, "opmon_record.fault_string#1")).isEqualTo(PERSONAL);
    assertThat(r.sealText(PERSONAL, "opmon_record.fault_string#1"))
        .as("a fresh nonce each time")
        .isNotEqualTo(sealed);
    assertThatThrownBy(() -> r.unsealText(sealed, "opmon_record.fault_string#2"))
        .isInstanceOfSatisfying(
            AtRestException.class,
            e -> assertThat(e.code()).isEqualTo(AtRestException.Code.TAMPERED));
    // text stored before encryption was switched on is read as it is
    assertThat(r.unsealText("plain", "x")).isEqualTo("plain");
  }

  @Test
  void anAlteredColumnValueIsRefused() {
    AtRest r = open();
    byte[] sealed = r.seal(PERSONAL.getBytes(StandardCharsets.UTF_8), "c");
    sealed[sealed.length - 3] ^= 1;
    assertThatThrownBy(() -> r.unseal(sealed, "c"))
        .isInstanceOf(AtRestException.class)
        .hasMessageStartingWith("at_rest.tampered");
  }

  @Test
  void aLargeFileIsEncryptedInSegmentsAndAnAlteredOrMovedOneIsRefused() throws IOException {
    AtRest r = open();
    byte[] body = (PERSONAL + "\n").repeat(40_000).getBytes(StandardCharsets.UTF_8);
    Path f = dir.resolve("p.bin");
    try (OutputStream out = r.encrypting(Files.newOutputStream(f), "package:P1")) {
      new ByteArrayInputStream(body).transferTo(out);
    }
    byte[] raw = Files.readAllBytes(f);
    assertThat(new String(raw, StandardCharsets.UTF_8)).doesNotContain("079090001234");
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("079090001234");
    try (InputStream in = r.decrypting(Files.newInputStream(f), "package:P1")) {
      assertThat(in.readAllBytes()).isEqualTo(body);
    }
    try (InputStream in = r.decrypting(Files.newInputStream(f), "package:P2")) {
      assertThatThrownBy(in::readAllBytes).hasMessageStartingWith("at_rest.tampered");
    }
    raw[raw.length / 2] ^= 0x10;
    Files.write(f, raw);
    try (InputStream in = r.decrypting(Files.newInputStream(f), "package:P1")) {
      assertThatThrownBy(in::readAllBytes).hasMessageStartingWith("at_rest.tampered");
    }
  }

  @Test
  void thePlaintextSizeOfAFileFollowsFromItsCiphertextAtSegmentBoundaries() throws IOException {
    AtRest r = open();
    for (int size : new int[] {0, 1, 65_000, 65_480, 65_496, 65_536, 131_000, 200_000}) {
      Path f = dir.resolve("s" + size);
      try (OutputStream out = r.encrypting(Files.newOutputStream(f), "s")) {
        out.write(new byte[size]);
      }
      assertThat(r.plaintextSize(f)).as("size %d", size).isEqualTo(size);
    }
    Path plain = dir.resolve("plain");
    Files.writeString(plain, "abc");
    assertThat(r.plaintextSize(plain)).isEqualTo(3);
  }

  @Test
  void aKeyringIsRefusedUnderAnotherKeyEncryptionKey() {
    AtRest r = open();
    r.sealText("x", "c");
    Path other = KeyEncryptionKey.generateKeyFile(dir.resolve("other.key"));
    assertThatThrownBy(
            () ->
                AtRest.open(
                    dir.resolve("keyring.json"), KeyEncryptionKey.keyFile(other), "default"))
        .isInstanceOfSatisfying(
            AtRestException.class,
            e -> assertThat(e.code()).isEqualTo(AtRestException.Code.WRONG_KEK));
  }

  @Test
  void aKeyFileOthersCanReadOrThatIsMissingIsRefused() throws IOException {
    Path key = KeyEncryptionKey.generateKeyFile(dir.resolve("k.key"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyEncryptionKey.keyFile(key))
        .hasMessageContaining("at_rest.key_file")
        .hasMessageContaining("chmod 600");
    assertThatThrownBy(() -> KeyEncryptionKey.keyFile(dir.resolve("missing.key")))
        .hasMessageContaining("does not exist");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(key, "c2hvcnQ=");
    assertThatThrownBy(() -> KeyEncryptionKey.keyFile(key)).hasMessageContaining("32 bytes");
  }

  @Test
  void afterRotationOldDataStaysReadableAndReencryptionLeavesNothingUnderTheRetiredKey()
      throws IOException {
    AtRest r = open();
    AtRest otherProcess = open();
    int first = r.dataKeys().getFirst().id();
    String column = r.sealText(PERSONAL, "c#1");
    Path f = dir.resolve("f.bin");
    try (OutputStream out = r.encrypting(Files.newOutputStream(f), "file")) {
      out.write(PERSONAL.getBytes(StandardCharsets.UTF_8));
    }
    Path legacy = dir.resolve("legacy.bin");
    Files.writeString(legacy, PERSONAL);

    int second = r.rotateDataKey();
    assertThat(second).isNotEqualTo(first);
    assertThat(AtRest.keyIdOf(r.sealText("new", "c#2"))).hasValue(second);
    assertThat(r.unsealText(column, "c#1")).isEqualTo(PERSONAL);
    // the keyring file changed under another instance: it writes with the new key soon
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> AtRest.keyIdOf(otherProcess.sealText("n", "c")).getAsInt() == second);

    assertThat(r.reencryptFile(f, "file")).isTrue();
    assertThat(r.reencryptFile(f, "file")).isFalse();
    assertThat(r.reencryptFile(legacy, "legacy")).isTrue();
    String column2 = r.reencryptText(column, "c#1").orElseThrow();
    assertThat(r.keyIdOf(f)).hasValue(second);
    assertThat(r.keyIdOf(legacy)).hasValue(second);
    assertThat(Files.readString(legacy, StandardCharsets.ISO_8859_1))
        .doesNotContain("079090001234");
    assertThat(AtRest.keyIdOf(column2)).hasValue(second);

    r.destroyDataKey(first);
    assertThatThrownBy(() -> r.unsealText(column, "c#1"))
        .hasMessageStartingWith("at_rest.unknown_key");
    assertThat(r.unsealText(column2, "c#1")).isEqualTo(PERSONAL);
    try (InputStream in = r.decrypting(Files.newInputStream(f), "file")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(PERSONAL);
    }
    assertThatThrownBy(() -> r.destroyDataKey(second)).hasMessageContaining("current key");
  }

  @Test
  void rewrappingUnderANewKeyEncryptionKeyKeepsEveryCiphertextReadable() {
    AtRest r = open();
    String sealed = r.sealText(PERSONAL, "c");
    KeyEncryptionKey next =
        KeyEncryptionKey.keyFile(KeyEncryptionKey.generateKeyFile(dir.resolve("next.key")));
    r.rewrap(next);
    AtRest reopened = AtRest.open(dir.resolve("keyring.json"), next, "default");
    assertThat(reopened.unsealText(sealed, "c")).isEqualTo(PERSONAL);
    assertThatThrownBy(this::open).hasMessageStartingWith("at_rest.wrong_kek");
  }

  @Test
  void tenantsHaveTheirOwnDataKeys() {
    AtRest r = open();
    AtRest other = r.forTenant("hanoi");
    String sealed = other.sealText(PERSONAL, "c");
    assertThat(other.unsealText(sealed, "c")).isEqualTo(PERSONAL);
    assertThatThrownBy(() -> r.unsealText(sealed, "c")).isInstanceOf(AtRestException.class);
  }
}
