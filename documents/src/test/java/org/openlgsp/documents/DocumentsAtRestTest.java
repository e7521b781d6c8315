package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.AtRestException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.KeyEncryptionKey;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/**
 * Packages and their subjects are kept encrypted: the package folder and the database, read
 * directly, hold none of the personal data a package carries; an altered file is refused; after a
 * data key rotation and the re-encryption pass nothing is under the retired key.
 */
class DocumentsAtRestTest {
  static final String ID = "079190004321";
  static final String NAME = "Trần Thị Hồng Nhung";
  static final String ATTACHMENT = "Họ và tên: " + NAME + "\nSố định danh cá nhân: " + ID + "\n";

  @TempDir Path dir;
  Database db;
  DocumentAxis axis;

  @AfterEach
  void close() {
    if (axis != null) {
      axis.close();
    }
    if (db != null) {
      db.close();
    }
  }

  AtRest atRest() {
    Path key = dir.resolve("kek.key");
    if (!Files.exists(key)) {
      KeyEncryptionKey.generateKeyFile(key);
    }
    return AtRest.open(dir.resolve("keyring.json"), KeyEncryptionKey.keyFile(key), "default");
  }

  DocumentAxis open(String kind, Optional<AtRest> atRest) {
    if (db == null) {
      db = TestDatabases.open(kind, dir);
    }
    return new DocumentAxis(
            db,
            AxisOptions.defaults(dir.resolve("axis")),
            TestKeys.trust(),
            Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
            RemoteDelivery.NONE,
            Clock.systemUTC(),
            atRest)
        .start();
  }

  byte[] personalPackage(String number) throws Exception {
    DocumentPackage doc = TestKeys.document(number);
    doc.header().subject = "Cấp giấy xác nhận cho bà " + NAME + ", số định danh " + ID;
    Packages.attach(doc, "to-khai.txt", "text/plain", ATTACHMENT.getBytes(StandardCharsets.UTF_8));
    return DocumentAxisTest.signed(doc, TestKeys.rsa("UBND"));
  }

  /** Every form the personal data could take in a stored file or row. */
  static List<String> needles() {
    return List.of(
        ID,
        NAME,
        "Hồng Nhung",
        Base64.getEncoder()
            .encodeToString(ATTACHMENT.getBytes(StandardCharsets.UTF_8))
            .substring(0, 24));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theFilesAndTheDatabaseHoldNoPlaintextAndAnAlteredPackageIsRefused(String kind)
      throws Exception {
    AtRest keys = atRest();
    axis = open(kind, Optional.of(keys));
    byte[] bytes = personalPackage("301");
    axis.submit(TestKeys.PROVINCE, new ByteArrayInputStream(bytes));
    InboxItem item = axis.inbox(TestKeys.DEPARTMENT, 10).getFirst();
    assertThat(item.subject()).contains(NAME);

    PackageBody pkg = axis.fetch(TestKeys.DEPARTMENT, item.deliveryId());
    assertThat(pkg.readAllBytes()).isEqualTo(bytes);
    assertThat(pkg.size()).isEqualTo(bytes.length);

    assertNoPlaintext(kind);

    Path file = packageFiles().getFirst();
    byte[] raw = Files.readAllBytes(file);
    raw[raw.length - 40] ^= 0x01;
    Files.write(file, raw);
    assertThatThrownBy(
            () -> {
              try (InputStream in = axis.fetch(TestKeys.DEPARTMENT, item.deliveryId()).open()) {
                in.readAllBytes();
              }
            })
        .isInstanceOfSatisfying(
            AtRestException.class,
            e -> assertThat(e.code()).isEqualTo(AtRestException.Code.TAMPERED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void packagesStoredBeforeEncryptionAndBeforeARotationAreReadAndReencrypted(String kind)
      throws Exception {
    axis = open(kind, Optional.empty());
    byte[] plain = personalPackage("302");
    axis.submit(TestKeys.PROVINCE, new ByteArrayInputStream(plain));
    axis.close();

    AtRest keys = atRest();
    int first = keys.dataKeys().getFirst().id();
    axis = open(kind, Optional.of(keys));
    byte[] second = personalPackage("303");
    axis.submit(TestKeys.PROVINCE, new ByteArrayInputStream(second));
    int next = keys.rotateDataKey();
    byte[] third = personalPackage("304");
    axis.submit(TestKeys.PROVINCE, new ByteArrayInputStream(third));

    // all three readable: plaintext, under the first key, under the new one
    List<byte[]> read = new ArrayList<>();
    for (InboxItem i : axis.inbox(TestKeys.DEPARTMENT, 10)) {
      read.add(axis.fetch(TestKeys.DEPARTMENT, i.deliveryId()).readAllBytes());
    }
    assertThat(read).containsExactly(plain, second, third);

    List<String> progress = new ArrayList<>();
    int rewritten = axis.reencryptAtRest(progress::add);
    assertThat(rewritten).isEqualTo(4); // two files, two subjects (the third is current)
    assertThat(progress).hasSize(3);
    for (Path f : packageFiles()) {
      assertThat(keys.keyIdOf(f)).hasValue(next);
    }
    List<String> subjects =
        Sql.read(
            db, h -> h.createQuery("SELECT subject FROM edoc_package").mapTo(String.class).list());
    assertThat(subjects).allSatisfy(s -> assertThat(AtRest.keyIdOf(s)).hasValue(next));
    assertThat(axis.reencryptAtRest(progress::add)).isZero();

    keys.destroyDataKey(first);
    read.clear();
    for (InboxItem i : axis.inbox(TestKeys.DEPARTMENT, 10)) {
      read.add(axis.fetch(TestKeys.DEPARTMENT, i.deliveryId()).readAllBytes());
    }
    assertThat(read).containsExactly(plain, second, third);
    assertNoPlaintext(kind);
  }

  /**
   * A large package (streamed, several 64 KiB segments) sent slowly: the test reads the axis's
   * {@code tmp} folder while the first half has arrived and the rest waits, and after the receipt.
   * Encrypted, neither the spool file nor anything else holds the package's personal data; plain,
   * the spool file holds it mid-receipt — which shows the test sees what is there.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPackageBeingReceivedNeverTouchesTheDiskInPlaintext(boolean encrypted) throws Exception {
    axis = open("sqlite", encrypted ? Optional.of(atRest()) : Optional.empty());
    DocumentPackage doc = TestKeys.document("305");
    doc.header().subject = "Cấp giấy xác nhận cho bà " + NAME + ", số định danh " + ID;
    byte[] large = ATTACHMENT.repeat(6_000).getBytes(StandardCharsets.UTF_8); // ~400 KB
    Packages.attach(doc, "to-khai.txt", "text/plain", large);
    byte[] bytes = DocumentAxisTest.signed(doc, TestKeys.rsa("UBND"));
    int half = bytes.length / 2;
    java.util.concurrent.CountDownLatch rest = new java.util.concurrent.CountDownLatch(1);
    InputStream slow =
        new java.io.SequenceInputStream(
            new ByteArrayInputStream(bytes, 0, half),
            new InputStream() {
              InputStream tail;

              @Override
              public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (tail == null) {
                  try {
                    rest.await();
                  } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                  }
                  tail = new ByteArrayInputStream(bytes, half, bytes.length - half);
                }
                return tail.read(b, off, len);
              }
            });
    Path tmp = dir.resolve("axis").resolve("tmp");
    var receipt =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> axis.submit(TestKeys.PROVINCE, slow));
    try {
      // mid-receipt: the first half is on disk (as 64 KiB segments when encrypted)
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .until(() -> spooled(tmp) >= half - 2 * 65_536);
      byte[] midway = concat(tmp);
      if (encrypted) {
        assertAbsent(midway, "tmp mid-receipt");
      } else {
        assertThat(new String(midway, StandardCharsets.UTF_8)).contains(ID);
      }
    } finally {
      rest.countDown();
    }
    receipt.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(concat(tmp)).isEmpty(); // the spool file is gone once the request ends
    InboxItem item = axis.inbox(TestKeys.DEPARTMENT, 10).getFirst();
    assertThat(axis.fetch(TestKeys.DEPARTMENT, item.deliveryId()).readAllBytes()).isEqualTo(bytes);
    if (encrypted) {
      assertNoPlaintext("sqlite");
    }
  }

  private static long spooled(Path tmp) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      long n = 0;
      for (Path f : s.toList()) {
        n += Files.size(f);
      }
      return n;
    }
  }

  private static byte[] concat(Path tmp) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    try (Stream<Path> s = Files.list(tmp)) {
      for (Path f : s.toList()) {
        all.write(Files.readAllBytes(f));
      }
    }
    return all.toByteArray();
  }

  List<Path> packageFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("axis").resolve("packages"))) {
      return s.filter(p -> p.toString().endsWith(".edxml")).sorted().toList();
    }
  }

  void assertNoPlaintext(String kind) throws IOException {
    for (Path f : packageFiles()) {
      assertAbsent(Files.readAllBytes(f), f.toString());
    }
    if (kind.equals("sqlite")) {
      // the database file and its write-ahead log, as they are on disk
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : s.filter(p -> p.getFileName().toString().startsWith("lgsp-")).toList()) {
          assertAbsent(Files.readAllBytes(f), f.toString());
        }
      }
    } else {
      List<String> rows =
          Sql.read(
              db,
              h ->
                  h.createQuery("SELECT CAST(p AS TEXT) FROM edoc_package p")
                      .mapTo(String.class)
                      .list());
      assertThat(rows).isNotEmpty();
      assertAbsent(String.join("\n", rows).getBytes(StandardCharsets.UTF_8), "edoc_package");
    }
  }

  static void assertAbsent(byte[] raw, String where) {
    String utf8 = new String(raw, StandardCharsets.UTF_8);
    for (String n : needles()) {
      assertThat(utf8).as("%s holds %s", where, n).doesNotContain(n);
    }
  }
}
