package org.openlgsp.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.logging.Logger;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;

/**
 * The last valid signed directory on disk, so a gateway restarted while the registry is down keeps
 * serving on it. The file holds the bytes the registry served, never a re-encoding; it is replaced
 * atomically (temporary file, fsync, atomic move) and readable by its owner only. What it holds is
 * verified again at start-up exactly as a fetched directory; it is a convenience, not a source of
 * trust.
 */
final class DirectoryCache {
  private static final Logger LOG = Logger.getLogger(DirectoryCache.class.getName());
  private final Path file;
  private byte[] stored = new byte[0];

  DirectoryCache(Path file) {
    this.file = file.toAbsolutePath();
  }

  /**
   * Installs the cached directory into {@code holder} if there is one and it verifies (trusted
   * signer, signature, not past expiry plus grace); otherwise logs why in one line and leaves the
   * holder as it was.
   */
  Optional<Directory> load(DirectoryHolder holder) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warning("directory cache " + file + " ignored: cannot read it (" + e + ")");
      return Optional.empty();
    }
    try {
      Directory d = holder.accept(SignedDocument.parse(bytes, Directory.SIGNED));
      stored = bytes;
      LOG.info("directory serial " + d.serial() + " loaded from the cache " + file);
      return Optional.of(d);
    } catch (LgspException e) {
      LOG.warning("directory cache " + file + " ignored: " + e.detail());
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.warning("directory cache " + file + " ignored: " + e.getClass().getSimpleName());
      return Optional.empty();
    }
  }

  /**
   * Keeps {@code signed}, the bytes of a directory just fetched and verified, unless they are what
   * the file already holds. A failure is logged: the gateway goes on with the directory in memory.
   */
  synchronized void store(byte[] signed) {
    if (java.util.Arrays.equals(signed, stored)) {
      return;
    }
    Path dir = file.getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp =
          posix()
              ? Files.createTempFile(
                  dir,
                  ".directory-",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".directory-", ".tmp");
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(signed);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
      syncFolder(dir);
      stored = signed.clone();
    } catch (IOException e) {
      LOG.warning("directory cache " + file + " not written: " + e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the next write replaces the cache anyway; a stray temporary file is harmless
        }
      }
    }
  }

  Path file() {
    return file;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Makes the rename itself durable where the platform allows opening a folder. */
  private static void syncFolder(Path dir) {
    try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not possible on every platform; the file's own contents were forced above
    }
  }
}
