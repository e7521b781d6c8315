package org.openlgsp.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.openlgsp.core.Json;

/**
 * Encryption at rest with per-tenant data keys (AES-256) that are stored only wrapped by a {@link
 * KeyEncryptionKey}. Fields (database columns) are sealed with AES-GCM, a fresh 96-bit nonce each
 * (Tink {@code AesGcmJce}); files and streams with Tink's streaming AEAD ({@code
 * AesGcmHkdfStreaming}: AES-256-GCM segments of 64 KiB, a key derived per file by HKDF-SHA256), so
 * a file of any size is encrypted and decrypted in bounded memory. Every ciphertext starts with the
 * id of its data key and is bound (AEAD associated data) to its tenant and to a <em>context</em>
 * that names what it is — {@code opmon_record.fault_string#42}, {@code package:ID} — so a
 * ciphertext moved to another row or file fails to decrypt.
 *
 * <p>Rotation: {@link #rotateDataKey} adds a data key that new writes use at once (a running node
 * sees a rotated keyring within {@link #RELOAD_EVERY}); older keys keep decrypting until they are
 * retired and, once nothing uses them (the re-encryption passes, {@link #isCurrent}), destroyed.
 * {@link #rewrap} re-wraps every data key under a new key-encryption key.
 *
 * <p>Data written before encryption was switched on has no header and is read as it is; the
 * re-encryption passes encrypt it.
 */
public final class AtRest {
  /** The instance's tenant until tenants exist (issue 16). */
  public static final String DEFAULT_TENANT = "default";

  static final java.time.Duration RELOAD_EVERY = java.time.Duration.ofSeconds(2);
  private static final byte VERSION = 1;
  private static final byte[] STREAM_MAGIC = {'L', 'G', 'S', 'E'};
  private static final int STREAM_HEADER = STREAM_MAGIC.length + 1 + 4;
  private static final String TEXT_PREFIX = "enc1:";
  private static final int SEGMENT = 64 * 1024;
  private static final int TAG = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Optional<Path> keyring;
  private final KeyEncryptionKey kek;
  private final String tenant;
  private final Object lock = new Object();
  private volatile Keys keys;
  private volatile long lastCheck;
  private volatile FileTime loadedAt;

  /** The usable keys of a keyring: per tenant, the current key and every key that decrypts. */
  private record Keys(Map<String, Integer> current, Map<String, Map<Integer, DataKey>> byTenant) {}

  private record DataKey(int id, Aead fields, StreamingAead streams) {}

  /** The keyring file: data keys wrapped by the key-encryption key, never in the clear. */
  record Keyring(int version, String kek, Map<String, TenantKeys> tenants) {
    Keyring {
      tenants = new LinkedHashMap<>(tenants == null ? Map.of() : tenants);
    }
  }

  record TenantKeys(int current, List<WrappedKey> keys) {
    TenantKeys {
      keys = List.copyOf(keys);
    }
  }

  record WrappedKey(int id, Instant created, String wrapped, boolean retired) {}

  /** What one data key is used for, as the re-encryption passes and tests ask. */
  public record KeyInfo(String tenant, int id, Instant created, boolean current, boolean retired) {}

  private AtRest(Optional<Path> keyring, KeyEncryptionKey kek, String tenant, Keys keys) {
    this.keyring = keyring;
    this.kek = kek;
    this.tenant = tenant;
    this.keys = keys;
  }

  /**
   * Opens (or creates, with a first data key for {@code tenant}) the keyring at {@code keyring}.
   * Refuses a keyring wrapped by another key-encryption key ({@code at_rest.wrong_kek}).
   */
  public static AtRest open(Path keyring, KeyEncryptionKey kek, String tenant) {
    Objects.requireNonNull(kek);
    requireTenant(tenant);
    synchronized (AtRest.class) {
      if (!Files.exists(keyring)) {
        write(keyring, new Keyring(1, kek.id(), Map.of()));
      }
      Keyring ring = read(keyring);
      if (!ring.tenants().containsKey(tenant)) {
        ring = withNewKey(ring, kek, tenant);
        write(keyring, ring);
      }
      AtRest r = new AtRest(Optional.of(keyring), kek, tenant, unwrapAll(ring, kek));
      r.loadedAt = modified(keyring);
      r.lastCheck = System.nanoTime();
      return r;
    }
  }

  /**
   * A keyring that lives in memory only, for what never outlives the process (temporary spool
   * files): its one key is gone when the process ends, and with it every spooled byte.
   */
  public static AtRest ephemeral() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    KeyEncryptionKey kek = KeyEncryptionKey.of(k, "ephemeral");
    Keyring ring = withNewKey(new Keyring(1, kek.id(), Map.of()), kek, DEFAULT_TENANT);
    return new AtRest(Optional.empty(), kek, DEFAULT_TENANT, unwrapAll(ring, kek));
  }

  /** The same keyring, used for another tenant (created with its first data key if new). */
  public AtRest forTenant(String other) {
    requireTenant(other);
    if (other.equals(tenant)) {
      return this;
    }
    if (keyring.isEmpty()) {
      throw new IllegalStateException("an ephemeral keyring has one tenant");
    }
    return open(keyring.get(), kek, other);
  }

  public String tenant() {
    return tenant;
  }

  // ---------------------------------------------------------------- fields

  /** AES-GCM of {@code plain}: key id (5 bytes), nonce (12), ciphertext, tag (16). */
  public byte[] seal(byte[] plain, String context) {
    DataKey k = current();
    byte[] prefix = prefix(k.id());
    try {
      byte[] ct = k.fields().encrypt(plain, aad(prefix, context));
      return ByteBuffer.allocate(prefix.length + ct.length).put(prefix).put(ct).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  /** The inverse of {@link #seal}; {@code at_rest.tampered} if it does not authenticate. */
  public byte[] unseal(byte[] sealed, String context) {
    if (sealed.length < 5 + 12 + 16 || sealed[0] != VERSION) {
      throw new AtRestException(
          AtRestException.Code.TAMPERED, "ciphertext of " + context + " is malformed");
    }
    byte[] prefix = Arrays.copyOf(sealed, 5);
    DataKey k = key(ByteBuffer.wrap(prefix, 1, 4).getInt());
    try {
      return k.fields().decrypt(Arrays.copyOfRange(sealed, 5, sealed.length), aad(prefix, context));
    } catch (GeneralSecurityException e) {
      throw new AtRestException(
          AtRestException.Code.TAMPERED,
          "ciphertext of " + context + " failed authentication (altered or moved)");
    }
  }

  /** Text for a database column: {@code enc1:} and the base64 of {@link #seal}. */
  public String sealText(String plain, String context) {
    return TEXT_PREFIX
        + Base64.getEncoder()
            .withoutPadding()
            .encodeToString(seal(plain.getBytes(StandardCharsets.UTF_8), context));
  }

  /**
   * The inverse of {@link #sealText}; text without the prefix (written before) is returned as is.
   */
  public String unsealText(String stored, String context) {
    if (!isSealedText(stored)) {
      return stored;
    }
    byte[] sealed;
    try {
      sealed = Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new AtRestException(
          AtRestException.Code.TAMPERED, "ciphertext of " + context + " is not base64");
    }
    return new String(unseal(sealed, context), StandardCharsets.UTF_8);
  }

  public static boolean isSealedText(String stored) {
    return stored != null && stored.startsWith(TEXT_PREFIX);
  }

  // ---------------------------------------------------------------- streams and files

  /** Encrypts what is written to the returned stream into {@code out}; close it to finish. */
  public OutputStream encrypting(OutputStream out, String context) throws IOException {
    DataKey k = current();
    byte[] header = streamHeader(k.id());
    out.write(header);
    try {
      return k.streams().newEncryptingStream(out, aad(header, context));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("streaming AEAD failed", e);
    }
  }

  /**
   * Decrypts {@code in} as it is read. A stream without the header (stored before encryption was
   * switched on) is returned as it is; one whose segments do not authenticate fails with {@code
   * at_rest.tampered} when the failing segment is read.
   */
  public InputStream decrypting(InputStream in, String context) throws IOException {
    byte[] head = in.readNBytes(STREAM_HEADER);
    if (head.length < STREAM_HEADER || !Arrays.equals(head, 0, 4, STREAM_MAGIC, 0, 4)) {
      return new SequenceInputStream(new ByteArrayInputStream(head), in);
    }
    if (head[4] != VERSION) {
      throw new AtRestException(
          AtRestException.Code.TAMPERED, "stream " + context + " has an unknown version");
    }
    DataKey k = key(ByteBuffer.wrap(head, 5, 4).getInt());
    InputStream plain;
    try {
      plain = k.streams().newDecryptingStream(in, aad(head, context));
    } catch (GeneralSecurityException e) {
      throw new AtRestException(AtRestException.Code.TAMPERED, "stream " + context + ": " + e);
    }
    return new FilterInputStream(plain) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException e) {
          throw refused(e, context);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          throw refused(e, context);
        }
      }
    };
  }

  private static IOException refused(IOException e, String context) {
    // Tink reports a segment that does not authenticate, or a truncated stream, as an IOException
    // whose cause is a GeneralSecurityException or whose message says so.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof GeneralSecurityException) {
        throw new AtRestException(
            AtRestException.Code.TAMPERED, context + " failed authentication (altered or moved)");
      }
    }
    if (e.getMessage() != null && e.getMessage().toLowerCase().contains("decrypt")) {
      throw new AtRestException(
          AtRestException.Code.TAMPERED, context + " failed authentication (altered or moved)");
    }
    return e;
  }

  /** The data key id a file's ciphertext names; empty for a file stored in plaintext. */
  public OptionalInt keyIdOf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(STREAM_HEADER);
      if (head.length < STREAM_HEADER || !Arrays.equals(head, 0, 4, STREAM_MAGIC, 0, 4)) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(ByteBuffer.wrap(head, 5, 4).getInt());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The size of what {@code file} decrypts to (its own size for a plaintext file), from its
   * ciphertext's size and Tink's segment layout, checked against {@code expectedCiphertextSize}.
   */
  public long plaintextSize(Path file) {
    try {
      long total = Files.size(file);
      OptionalInt id = keyIdOf(file);
      if (id.isEmpty()) {
        return total;
      }
      AesGcmHkdfStreaming s = (AesGcmHkdfStreaming) key(id.getAsInt()).streams();
      long tink = total - STREAM_HEADER;
      long segments = (tink + s.getCiphertextSegmentSize() - 1) / s.getCiphertextSegmentSize();
      long plain = tink - s.getHeaderLength() - segments * TAG;
      if (plain < 0 || s.expectedCiphertextSize(plain) != tink) {
        throw new AtRestException(
            AtRestException.Code.TAMPERED, "file " + file.getFileName() + " is truncated");
      }
      return plain;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data key id of a {@link #sealText} value; empty for plaintext. */
  public static OptionalInt keyIdOf(String stored) {
    if (!isSealedText(stored)) {
      return OptionalInt.empty();
    }
    byte[] b =
        Base64.getDecoder()
            .decode(stored.substring(TEXT_PREFIX.length(), TEXT_PREFIX.length() + 8));
    return OptionalInt.of(ByteBuffer.wrap(b, 1, 4).getInt());
  }

  /** Whether a column value is sealed under this tenant's current data key. */
  public boolean isCurrent(String stored) {
    OptionalInt id = keyIdOf(stored);
    return id.isPresent() && id.getAsInt() == current().id();
  }

  /** Whether a file is encrypted under this tenant's current data key. */
  public boolean isCurrent(Path file) {
    OptionalInt id = keyIdOf(file);
    return id.isPresent() && id.getAsInt() == current().id();
  }

  /**
   * Re-encrypts {@code file} under the current data key unless it already is (a plaintext file is
   * encrypted): written beside it, synced, then moved over it atomically, so a reader sees the old
   * file or the new one. Returns whether it rewrote the file.
   */
  public boolean reencryptFile(Path file, String context) {
    if (isCurrent(file)) {
      return false;
    }
    Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".reenc");
    try {
      try (InputStream in = decrypting(Files.newInputStream(file), context);
          OutputStream raw = Files.newOutputStream(tmp);
          OutputStream out = encrypting(raw, context)) {
        in.transferTo(out);
      }
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover .reenc file holds ciphertext only
      }
      throw new UncheckedIOException("cannot re-encrypt " + file, e);
    }
  }

  /** {@link #sealText} under the current key of a value that is not (plaintext or an older key). */
  public Optional<String> reencryptText(String stored, String context) {
    if (stored == null || isCurrent(stored)) {
      return Optional.empty();
    }
    return Optional.of(sealText(unsealText(stored, context), context));
  }

  // ---------------------------------------------------------------- rotation

  /**
   * Adds a data key for this tenant and makes it the one new writes use (this instance at once,
   * other processes on the same keyring within {@link #RELOAD_EVERY}). Returns its id.
   */
  public int rotateDataKey() {
    Path file = keyringFile();
    synchronized (AtRest.class) {
      Keyring ring = read(file);
      unwrapAll(ring, kek); // refuses a keyring this key-encryption key does not open
      Keyring next = withNewKey(ring, kek, tenant);
      write(file, next);
      reload();
      return next.tenants().get(tenant).current();
    }
  }

  /**
   * Destroys data key {@code id} of this tenant: call it once the re-encryption passes report
   * nothing uses it. The current key cannot be destroyed.
   */
  public void destroyDataKey(int id) {
    Path file = keyringFile();
    synchronized (AtRest.class) {
      Keyring ring = read(file);
      TenantKeys t = ring.tenants().get(tenant);
      if (t == null || t.keys().stream().noneMatch(k -> k.id() == id)) {
        throw new AtRestException(AtRestException.Code.UNKNOWN_KEY, "no data key " + id);
      }
      if (t.current() == id) {
        throw new IllegalArgumentException("data key " + id + " is the current key; rotate first");
      }
      List<WrappedKey> left = new ArrayList<>(t.keys());
      left.removeIf(k -> k.id() == id);
      ring.tenants().put(tenant, new TenantKeys(t.current(), left));
      write(file, ring);
      reload();
    }
  }

  /**
   * Re-wraps every data key of the keyring under {@code next}; the data keys (and so every
   * ciphertext) stay as they are. The node is then restarted with {@code next} configured.
   */
  public void rewrap(KeyEncryptionKey next) {
    Path file = keyringFile();
    synchronized (AtRest.class) {
      Keyring ring = read(file);
      Map<String, TenantKeys> tenants = new LinkedHashMap<>();
      for (var e : ring.tenants().entrySet()) {
        List<WrappedKey> keys = new ArrayList<>();
        for (WrappedKey w : e.getValue().keys()) {
          byte[] aad = wrapAad(e.getKey(), w.id());
          byte[] raw = kek.unwrap(Base64.getDecoder().decode(w.wrapped()), aad);
          keys.add(
              new WrappedKey(
                  w.id(),
                  w.created(),
                  Base64.getEncoder().encodeToString(next.wrap(raw, aad)),
                  w.retired()));
          Arrays.fill(raw, (byte) 0);
        }
        tenants.put(e.getKey(), new TenantKeys(e.getValue().current(), keys));
      }
      write(file, new Keyring(1, next.id(), tenants));
    }
  }

  /** The data keys of this tenant, oldest first. */
  public List<KeyInfo> dataKeys() {
    Keyring ring = read(keyringFile());
    TenantKeys t = ring.tenants().get(tenant);
    List<KeyInfo> out = new ArrayList<>();
    for (WrappedKey w : t.keys()) {
      out.add(new KeyInfo(tenant, w.id(), w.created(), w.id() == t.current(), w.retired()));
    }
    return out;
  }

  // ---------------------------------------------------------------- internals

  private Path keyringFile() {
    return keyring.orElseThrow(
        () -> new IllegalStateException("an ephemeral keyring rotates no keys"));
  }

  private DataKey current() {
    maybeReload();
    Keys k = keys;
    return k.byTenant().get(tenant).get(k.current().get(tenant));
  }

  private DataKey key(int id) {
    DataKey k = keys.byTenant().get(tenant).get(id);
    if (k == null && keyring.isPresent()) {
      reload(); // rotated by another process since we last looked
      k = keys.byTenant().get(tenant).get(id);
    }
    if (k == null) {
      throw new AtRestException(
          AtRestException.Code.UNKNOWN_KEY,
          "data key " + id + " of tenant " + tenant + " is not in the keyring");
    }
    return k;
  }

  private void maybeReload() {
    if (keyring.isEmpty() || System.nanoTime() - lastCheck < RELOAD_EVERY.toNanos()) {
      return;
    }
    lastCheck = System.nanoTime();
    if (!Objects.equals(modified(keyring.get()), loadedAt)) {
      try {
        reload();
      } catch (AtRestException e) {
        // e.g. re-wrapped under the next key-encryption key: keep the keys we hold until restart
        System.getLogger(AtRest.class.getName())
            .log(System.Logger.Level.WARNING, "keyring not reloaded: " + e.getMessage());
        loadedAt = modified(keyring.get());
      }
    }
  }

  private void reload() {
    synchronized (lock) {
      FileTime at = modified(keyring.get());
      Keys next = unwrapAll(read(keyring.get()), kek);
      if (!next.byTenant().containsKey(tenant)) {
        throw new AtRestException(
            AtRestException.Code.UNKNOWN_KEY, "tenant " + tenant + " is not in the keyring");
      }
      keys = next;
      loadedAt = at;
    }
  }

  private static Keyring withNewKey(Keyring ring, KeyEncryptionKey kek, String tenant) {
    TenantKeys t = ring.tenants().get(tenant);
    List<WrappedKey> keys = new ArrayList<>(t == null ? List.of() : t.keys());
    int id = RANDOM.nextInt(1, Integer.MAX_VALUE);
    while (taken(keys, id)) {
      id = RANDOM.nextInt(1, Integer.MAX_VALUE);
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String wrapped = Base64.getEncoder().encodeToString(kek.wrap(raw, wrapAad(tenant, id)));
    Arrays.fill(raw, (byte) 0);
    List<WrappedKey> marked = new ArrayList<>();
    for (WrappedKey k : keys) {
      marked.add(new WrappedKey(k.id(), k.created(), k.wrapped(), true));
    }
    marked.add(new WrappedKey(id, Instant.now(), wrapped, false));
    Map<String, TenantKeys> tenants = new LinkedHashMap<>(ring.tenants());
    tenants.put(tenant, new TenantKeys(id, marked));
    return new Keyring(1, kek.id(), tenants);
  }

  private static boolean taken(List<WrappedKey> keys, int id) {
    return keys.stream().anyMatch(k -> k.id() == id);
  }

  private static Keys unwrapAll(Keyring ring, KeyEncryptionKey kek) {
    if (!ring.kek().equals(kek.id())) {
      throw new AtRestException(
          AtRestException.Code.WRONG_KEK,
          "the keyring is wrapped by key-encryption key "
              + ring.kek()
              + ", not by the configured "
              + kek.id());
    }
    Map<String, Integer> current = new HashMap<>();
    Map<String, Map<Integer, DataKey>> byTenant = new HashMap<>();
    for (var e : ring.tenants().entrySet()) {
      Map<Integer, DataKey> m = new ConcurrentHashMap<>();
      for (WrappedKey w : e.getValue().keys()) {
        byte[] raw =
            kek.unwrap(Base64.getDecoder().decode(w.wrapped()), wrapAad(e.getKey(), w.id()));
        m.put(w.id(), dataKey(w.id(), raw));
        Arrays.fill(raw, (byte) 0);
      }
      byTenant.put(e.getKey(), m);
      current.put(e.getKey(), e.getValue().current());
    }
    return new Keys(Map.copyOf(current), Map.copyOf(byTenant));
  }

  private static DataKey dataKey(int id, byte[] raw) {
    try {
      byte[] fieldKey =
          Hkdf.computeHkdf(
              "HMACSHA256",
              raw,
              new byte[0],
              "lgsp at-rest fields".getBytes(StandardCharsets.UTF_8),
              32);
      byte[] streamKey =
          Hkdf.computeHkdf(
              "HMACSHA256",
              raw,
              new byte[0],
              "lgsp at-rest streams".getBytes(StandardCharsets.UTF_8),
              32);
      return new DataKey(
          id,
          new AesGcmJce(fieldKey),
          new AesGcmHkdfStreaming(streamKey, "HmacSha256", 32, SEGMENT, 0));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up a data key", e);
    }
  }

  private static byte[] wrapAad(String tenant, int id) {
    return ("lgsp data key|" + tenant + "|" + id).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] aad(byte[] header, String context) {
    byte[] t = (tenant + "\u0000" + context).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(header.length + t.length).put(header).put(t).array();
  }

  private static byte[] prefix(int id) {
    return ByteBuffer.allocate(5).put(VERSION).putInt(id).array();
  }

  private static byte[] streamHeader(int id) {
    return ByteBuffer.allocate(STREAM_HEADER).put(STREAM_MAGIC).put(VERSION).putInt(id).array();
  }

  private static void requireTenant(String tenant) {
    if (tenant == null || !tenant.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("tenant id must be 1-64 letters, digits or . _ -");
    }
  }

  private static Keyring read(Path file) {
    try {
      return Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<Keyring>() {});
    } catch (IOException e) {
      throw new AtRestException(
          AtRestException.Code.KEY_FILE, "cannot read keyring " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, Keyring ring) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, Json.write(ring));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new AtRestException(
          AtRestException.Code.KEY_FILE, "cannot write keyring " + file + ": " + e, e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
