package org.openlgsp.gateway;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.OptionalLong;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Call;
import org.openlgsp.storage.AtRest;

/**
 * A message body read once from the network while its SHA-256 is computed: kept in memory up to a
 * threshold, spilled to a temporary file beyond it, refused beyond the size limit. Signing needs
 * the digest before the body is forwarded; spooling keeps the heap bounded for large bodies.
 */
final class BodySpool implements AutoCloseable {
  static final int MEMORY_THRESHOLD = 256 * 1024;
  // Most bodies are a few hundred bytes, and the HTTP input stream allocates a buffer as large as
  // each read asks for: start small, read in large chunks only once a body proves large.
  private static final int FIRST_CHUNK = 2 * 1024;
  private static final int LARGE_CHUNK = 32 * 1024;

  /**
   * How much of an oversized body is still read (and dropped) before the refusal is sent. Closing a
   * connection the caller is still writing to resets it, and the reset destroys the refusal before
   * the caller reads it; past this much, that is the caller's problem.
   */
  static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  /**
   * Spilled bodies are encrypted (Tink streaming AES-GCM) under a key that lives in this process's
   * memory only: a spool file left behind by a crash, or read off the disk, is unreadable.
   */
  private static final AtRest SPOOL = AtRest.ephemeral();

  private static final BodySpool EMPTY =
      new BodySpool(new byte[0], null, 0, Digests.base64(Digests.sha256(new byte[0])));

  private final byte[] memory;
  private final Path file;
  private final long length;
  private final String digest;

  private BodySpool(byte[] memory, Path file, long length, String digest) {
    this.memory = memory;
    this.file = file;
    this.length = length;
    this.digest = digest;
  }

  static BodySpool empty() {
    return EMPTY;
  }

  static BodySpool of(byte[] bytes) {
    return new BodySpool(bytes, null, bytes.length, Digests.base64(Digests.sha256(bytes)));
  }

  /** Reads {@code in} to its end; {@code tooLarge} names the error when the limit is passed. */
  static BodySpool read(InputStream in, long limit, ErrorCode tooLarge) {
    MessageDigest sha = Digests.sha256();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(FIRST_CHUNK);
    OutputStream spill = null;
    Path file = null;
    long total = 0;
    byte[] chunk = new byte[FIRST_CHUNK];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        total += n;
        if (total > limit) {
          discard(in, DRAIN_LIMIT);
          throw new LgspException(tooLarge, "body exceeds the limit of " + limit + " bytes");
        }
        sha.update(chunk, 0, n);
        if (spill == null && buffer.size() + n > MEMORY_THRESHOLD) {
          file = Files.createTempFile("lgsp-body-", ".spool");
          spill = SPOOL.encrypting(Files.newOutputStream(file), context(file));
          buffer.writeTo(spill);
          buffer = null;
        }
        if (spill != null) {
          spill.write(chunk, 0, n);
        } else {
          buffer.write(chunk, 0, n);
        }
        if (n == chunk.length && chunk.length < LARGE_CHUNK) {
          chunk = new byte[LARGE_CHUNK];
        }
      }
      if (spill != null) {
        spill.close();
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(spill);
      deleteQuietly(file);
      if (e instanceof LgspException le) {
        throw le;
      }
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "body could not be read completely", e);
    }
    String digest = Digests.base64(sha.digest());
    return file == null
        ? new BodySpool(buffer.toByteArray(), null, total, digest)
        : new BodySpool(null, file, total, digest);
  }

  /** Refuses up front a body that declares ({@code Content-Length}) more than {@code limit}. */
  static void requireDeclaredWithin(OptionalLong declared, long limit) {
    if (declared.isPresent() && declared.getAsLong() > limit) {
      throw new LgspException(
          ErrorCode.REQUEST_TOO_LARGE,
          "body of " + declared.getAsLong() + " bytes exceeds the limit of " + limit + " bytes");
    }
  }

  /**
   * Before a refusal: reads and drops what is left of the request body (up to {@link
   * #DRAIN_LIMIT}), so the caller is not reset while still sending and does read the refusal.
   */
  static void discardUnread(Call call) {
    try {
      if (call.request().content().hasEntity()) {
        discard(call.body(), DRAIN_LIMIT);
      }
    } catch (RuntimeException e) {
      // already read as far as it will be (e.g. by an oversized read); nothing more to drop
    }
  }

  private static void discard(InputStream in, long atMost) {
    byte[] sink = new byte[LARGE_CHUNK];
    try {
      long left = atMost;
      for (int n = 0; left > 0 && n >= 0; left -= Math.max(n, 0)) {
        n = in.read(sink, 0, (int) Math.min(sink.length, left));
      }
    } catch (IOException | RuntimeException e) {
      // the caller stopped sending; the refusal goes out regardless
    }
  }

  long length() {
    return length;
  }

  String digest() {
    return digest;
  }

  boolean isEmpty() {
    return length == 0;
  }

  /** The whole body, only for small in-memory bodies (e.g. problem documents). */
  byte[] bytes() {
    if (memory == null) {
      throw new IllegalStateException("body is spooled to disk");
    }
    return memory;
  }

  InputStream open() {
    if (memory != null) {
      return new ByteArrayInputStream(memory);
    }
    try {
      return SPOOL.decrypting(Files.newInputStream(file), context(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends this body as {@code out}'s entity: a body held in memory in one piece (no output stream
   * and its buffers per message), a spooled one streamed.
   */
  io.helidon.webclient.api.HttpClientResponse sendAs(
      io.helidon.webclient.api.HttpClientRequest out) {
    if (isEmpty()) {
      return out.request();
    }
    if (memory != null) {
      return out.submit(memory);
    }
    return out.outputStream(
        os -> {
          writeTo(os);
          os.close();
        });
  }

  /** Whether the body is held in memory (and {@link #bytes} gives it). */
  boolean inMemory() {
    return memory != null;
  }

  void writeTo(OutputStream out) throws IOException {
    if (memory != null) {
      out.write(memory);
    } else {
      try (InputStream in = open()) {
        in.transferTo(out);
      }
    }
  }

  private static String context(Path file) {
    return "body-spool:" + file.getFileName();
  }

  @Override
  public void close() {
    deleteQuietly(file);
  }

  private static void closeQuietly(OutputStream out) {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // the spool file is deleted next; nothing to recover
      }
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover temp file is harmless and the OS cleans its temp folder
      }
    }
  }
}
