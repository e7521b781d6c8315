package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.core.Problem;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Packages over the size limit, sent at once with acceptable ones, with and without a declared
 * length: every oversized one is answered 413 problem+json (never a bare 500 or a reset
 * connection), and every acceptable one is accepted and kept.
 */
class OversizedPackagesTest {
  static final String TOKEN = "token-province-0123456789";
  static final long LIMIT = 256 * 1024;

  @TempDir Path dir;

  @Test
  void oversizedPackagesUnderConcurrencyAreRefusedAs413AndNothingAcceptedIsLost() throws Exception {
    SigningKey key = TestKeys.ec("UBND");
    // sizes around both edges: just over the limit, over the limit plus the server's slack, far
    // over
    long[] oversized = {LIMIT + 1, LIMIT + 100 * 1024, 3 * 1024 * 1024};
    try (Database db = TestDatabases.sqlite(dir);
        DocumentAxis axis =
            new DocumentAxis(
                    db,
                    AxisOptions.defaults(dir.resolve("axis")).withMaxPackageBytes(LIMIT),
                    TestKeys.trust(),
                    Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
                    RemoteDelivery.NONE,
                    Clock.systemUTC())
                .start();
        AxisServer server =
            AxisServer.start(
                axis,
                Map.of(TestKeys.PROVINCE, AxisServer.hashToken(TOKEN)),
                "127.0.0.1",
                0,
                Optional.empty(),
                0);
        ExecutorService pool = Executors.newFixedThreadPool(16)) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/edoc/v1/packages");
      List<Future<HttpResponse<byte[]>>> big = new ArrayList<>();
      List<Future<HttpResponse<byte[]>>> fine = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        for (long size : oversized) {
          for (boolean chunked : new boolean[] {false, true}) {
            big.add(pool.submit(() -> post(http, uri, oversizedBody(size), chunked)));
          }
        }
        byte[] ok = DocumentAxisTest.signed(TestKeys.document("size-" + round), key);
        boolean chunked = round % 2 == 0;
        fine.add(pool.submit(() -> post(http, uri, ok, chunked)));
      }
      // every outcome is collected first, so that a failure shows all of them
      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < big.size(); i++) {
        String outcome;
        try {
          HttpResponse<byte[]> r = big.get(i).get();
          String code =
              r.headers().firstValue("Content-Type").orElse("").equals(Problem.MEDIA_TYPE)
                  ? Json.read(r.body(), JsonNode.class).path("code").asText()
                  : "(not problem+json)";
          outcome = r.statusCode() + " " + code;
        } catch (ExecutionException e) {
          outcome = "failed: " + e.getCause();
        }
        outcomes.add(
            oversized[(i / 2) % oversized.length]
                + (i % 2 == 1 ? " bytes chunked: " : " bytes with Content-Length: ")
                + outcome);
      }
      assertThat(outcomes).allMatch(o -> o.endsWith(": 413 request.too_large"), "413 problem");
      for (Future<HttpResponse<byte[]>> f : fine) {
        assertThat(f.get().statusCode()).isEqualTo(201);
      }
      assertThat(axis.inbox(TestKeys.DEPARTMENT, 100)).hasSize(8);
    }
  }

  private static byte[] oversizedBody(long size) {
    byte[] b = new byte[(int) size];
    java.util.Arrays.fill(b, (byte) 'a');
    return b;
  }

  private static HttpResponse<byte[]> post(HttpClient http, URI uri, byte[] body, boolean chunked)
      throws Exception {
    HttpRequest.BodyPublisher publisher =
        chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
            : HttpRequest.BodyPublishers.ofByteArray(body);
    return http.send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/xml")
            .POST(publisher)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
