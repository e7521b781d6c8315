package org.openlgsp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a stored package, read as a stream: the axis keeps packages encrypted at rest when
 * configured (docs/privacy.md, "Encryption at rest"), so a package is opened, never read as a file.
 */
public interface PackageBody {
  /** The package's bytes from the start; the caller closes the stream. */
  InputStream open() throws IOException;

  /** Its size in bytes (the package's, not the stored ciphertext's). */
  long size();

  /** The whole package; for tests and small packages. */
  default byte[] readAllBytes() {
    try (InputStream in = open()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plain file, e.g. a package an agency's system sends. */
  static PackageBody of(Path file) {
    return new PackageBody() {
      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public long size() {
        try {
          return Files.size(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
