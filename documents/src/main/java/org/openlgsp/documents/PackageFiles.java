package org.openlgsp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.AtRest;

/**
 * Package bytes on disk: bodies are spooled to a temporary file while hashed (never held whole in
 * memory), and made durable before the database row that points at them commits — the file's
 * contents by the request's own fsync, its name in the folder by one folder fsync per group commit
 * ({@link #syncFolder}) instead of one per package.
 */
final class PackageFiles {
  private final Path tmp;
  private final Path store;
  // Set after a file is moved into the folder, cleared when the folder is next fsync'd.
  private final AtomicBoolean folderChanged = new AtomicBoolean();
  // Packages kept encrypted at rest when present (docs/privacy.md, "Encryption at rest").
  private final Optional<AtRest> atRest;
  // With encryption at rest, a package being received is spooled encrypted under a key that lives
  // in this process's memory only: no plaintext byte of it touches the disk, and a spool file a
  // crash leaves behind is unreadable.
  private final Optional<AtRest> spoolKeys;

  PackageFiles(Path dataDir, Optional<AtRest> atRest) {
    this.atRest = atRest;
    this.spoolKeys = atRest.map(a -> AtRest.ephemeral());
    this.tmp = dataDir.resolve("tmp");
    this.store = dataDir.resolve("packages");
    try {
      Files.createDirectories(tmp);
      Files.createDirectories(store);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the package folders under " + dataDir, e);
    }
  }

  /**
   * A spooled body with its SHA-256 (hex) and size; {@code keys} decrypt the file when it was
   * spooled encrypted.
   */
  record Spooled(Path file, String sha256, long size, Optional<AtRest> keys)
      implements AutoCloseable {
    /** The package as it was received, decrypted as it is read. */
    PackageBody body() {
      return PackageFiles.body(file, keys, spoolContext(file), () -> size);
    }

    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temporary file is harmless and removed on the next start
      }
    }
  }

  Spooled spool(InputStream in, long limit) {
    Path file = tmp.resolve(UUID.randomUUID() + ".part");
    MessageDigest sha = Digests.sha256();
    long total = 0;
    byte[] chunk = new byte[64 * 1024];
    try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = spooling(Channels.newOutputStream(ch), file)) {
      for (int n = read(in, chunk); n >= 0; n = read(in, chunk)) {
        total += n;
        if (total > limit) {
          throw new LgspException(
              ErrorCode.REQUEST_TOO_LARGE, "package exceeds the limit of " + limit + " bytes");
        }
        sha.update(chunk, 0, n);
        out.write(chunk, 0, n);
      }
      if (spoolKeys.isEmpty()) {
        // the spool file itself becomes the package file (keep): durable before it is moved
        out.flush();
        ch.force(true);
      } // else its final segment is written on close, and keep() writes and syncs another file
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // best effort
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      // writing or syncing our own file failed: the server's fault, not the request's
      throw new UncheckedIOException("cannot spool a package", (IOException) e);
    }
    return new Spooled(file, Digests.hex(sha.digest()), total, spoolKeys);
  }

  private OutputStream spooling(OutputStream raw, Path file) throws IOException {
    return spoolKeys.isPresent() ? spoolKeys.get().encrypting(raw, spoolContext(file)) : raw;
  }

  /** What a spool file's ciphertext is bound to: its own (random) name. */
  private static String spoolContext(Path file) {
    return "edoc_spool:" + file.getFileName();
  }

  /**
   * A body that cannot be read to its end (the client went away or sent a broken chunk) is the
   * request's fault; the HTTP server reports that with its own unchecked exceptions.
   */
  private static int read(InputStream in, byte[] chunk) {
    try {
      return in.read(chunk);
    } catch (LgspException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "package body could not be read", e);
    }
  }

  /**
   * Moves a spooled (fsync'd) file to its permanent place. Its name is durable after the next
   * {@link #syncFolder}, which the store runs before committing the row that points at it.
   */
  Path keep(Spooled spooled, String packageId) {
    Path target = store.resolve(packageId + ".edxml");
    try {
      if (atRest.isPresent()) {
        encrypt(spooled, target, packageId);
      } else {
        Files.move(spooled.file(), target, StandardCopyOption.ATOMIC_MOVE);
      }
      folderChanged.set(true);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store package " + packageId, e);
    }
  }

  /**
   * Writes the spooled package encrypted (bound to its package id) beside its final place, syncs
   * it, and moves it there; the plaintext spool file is removed when the request ends.
   */
  private void encrypt(Spooled spooled, Path target, String packageId) throws IOException {
    Path part = store.resolve(packageId + ".edxml.part");
    try {
      try (OutputStream out =
              atRest
                  .get()
                  .encrypting(
                      Files.newOutputStream(part, StandardOpenOption.CREATE_NEW),
                      context(packageId));
          InputStream in = spooled.body().open()) {
        in.transferTo(out);
      }
      try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** What a package file's ciphertext is bound to: its package id (the file's name). */
  static String context(String packageId) {
    return "edoc_package:" + packageId;
  }

  /** A stored package file, decrypted as it is read when kept encrypted. */
  PackageBody body(Path file) {
    String packageId = file.getFileName().toString().replaceFirst("\\.edxml$", "");
    return body(
        file,
        atRest,
        context(packageId),
        () -> atRest.map(a -> a.plaintextSize(file)).orElseGet(() -> plainSize(file)));
  }

  /** {@code file}, decrypted with {@code keys} (bound to {@code context}) when given. */
  private static PackageBody body(
      Path file, Optional<AtRest> keys, String context, java.util.function.LongSupplier size) {
    return new PackageBody() {
      @Override
      public InputStream open() throws IOException {
        InputStream raw = Files.newInputStream(file);
        return keys.isPresent() ? keys.get().decrypting(raw, context) : raw;
      }

      @Override
      public long size() {
        return size.getAsLong();
      }
    };
  }

  private static long plainSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Encrypts under the current data key every stored package that is not (stored before encryption
   * was switched on, or under an older key), reporting each rewritten file to {@code progress}.
   * Returns how many it rewrote.
   */
  int reencrypt(java.util.function.Consumer<Path> progress) {
    AtRest r = atRest.orElseThrow(() -> new IllegalStateException("encryption at rest is off"));
    int rewritten = 0;
    try (var list = Files.list(store)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(".edxml")
            && r.reencryptFile(p, context(name.substring(0, name.length() - 6)))) {
          rewritten++;
          progress.accept(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rewritten;
  }

  /**
   * Makes every move done by {@link #keep} so far durable (one fsync of the folder), if there was
   * any since the last call. A package's row is queued only after its move, so the group-commit
   * writer calling this before each transaction covers all the files its batch points at.
   */
  void syncFolder() {
    if (!folderChanged.getAndSet(false)) {
      return;
    }
    try (FileChannel dir = FileChannel.open(store, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      folderChanged.set(true);
      throw new UncheckedIOException("cannot make the package folder durable", e);
    }
  }

  /** Removes a kept file whose database row was never committed. */
  void discard(Path kept) {
    try {
      Files.deleteIfExists(kept);
    } catch (IOException e) {
      // an orphan file is harmless: nothing points at it
    }
  }

  void clearTemporary() {
    try (var files = Files.list(tmp)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
