package org.openlgsp.documents;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** How the axis and its clients talk HTTP: one client set-up, package files streamed. */
final class AxisHttp {
  private AxisHttp() {}

  /**
   * A client that connects within 10 s and waits up to {@code readTimeout} for the other side (a
   * 100 MB package is checked before it is answered).
   */
  static WebClient client(Duration readTimeout) {
    return WebClient.builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(readTimeout)
        .followRedirects(false)
        .sendExpectContinue(false)
        .build();
  }

  /**
   * Sends a package file as the request body, read as it is written (a 100 MB package never sits in
   * the heap), with its Content-Length so that the receiver can refuse an oversized one up front.
   */
  static HttpClientResponse sendFile(HttpClientRequest request, PackageBody pkg)
      throws IOException {
    return request
        .header(HeaderNames.CONTENT_LENGTH, Long.toString(pkg.size()))
        .outputStream(out -> copy(pkg, out));
  }

  private static void copy(PackageBody pkg, OutputStream out) throws IOException {
    try (out;
        InputStream in = pkg.open()) {
      in.transferTo(out);
    }
  }
}
