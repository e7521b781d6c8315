package org.openlgsp.documents;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends a package file as a request body, read as it is written (a 100 MB package never sits in the
 * heap), with its Content-Length so that the receiver can refuse an oversized one up front.
 */
final class FileUpload {
  private FileUpload() {}

  static HttpClientResponse send(HttpClientRequest request, Path file) throws IOException {
    return request
        .header(HeaderNames.CONTENT_LENGTH, Long.toString(Files.size(file)))
        .outputStream(out -> copy(file, out));
  }

  private static void copy(Path file, OutputStream out) throws IOException {
    try (out) {
      Files.copy(file, out);
    }
  }
}
