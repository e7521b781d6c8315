package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.pki.CertificateAuthority;

/**
 * {@code registry.tracker.deadline} through a started registry node: a look-up waits for a gateway
 * that never answers exactly as long as the deadline, then names it as not answered
 * (docs/privacy.md, "Citizen data tracker").
 */
class TrackerSettingsTest {
  private static final String READER_TOKEN = "tracker-reader-token";

  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private ServerSocket silent;

  @AfterEach
  void closeSilentGateway() throws Exception {
    for (Socket s : held) {
      s.close();
    }
    if (silent != null) {
      silent.close();
    }
  }

  /** A "gateway" that accepts connections and never answers. */
  private int silentGateway() throws Exception {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  held.add(silent.accept());
                }
              } catch (Exception closed) {
                // the test is over
              }
            });
    return silent.getLocalPort();
  }

  private record Timed(HttpResponse<String> answer, Duration took) {}

  private Timed lookUpWith(String deadlineLine) throws Exception {
    Files.writeString(dir.resolve("tracker.token"), "gateway-tracker-token");
    Path file =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  tracker:\n"
                + "    readers: [{name: portal, tokenSha256: "
                + Digests.hex(Digests.sha256(READER_TOKEN.getBytes(StandardCharsets.UTF_8)))
                + "}]\n"
                + "    gateways: [{node: VN/GOV/000.00.00.G01/GW1, url: 'http://127.0.0.1:"
                + silentGateway()
                + "', tokenFile: tracker.token}]\n"
                + deadlineLine);
    try (RegistryNode registry =
        RegistryNode.start(
            "VN",
            NodeConfig.read(file).registry().orElseThrow(),
            dir,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      HttpRequest lookup =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + registry.port() + "/api/v1/tracker/lookups"))
              .header("Authorization", "Bearer " + READER_TOKEN)
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(30))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"personalId\":\"079203001234\",\"purpose\":\"1.001234:HS-1\"}"))
              .build();
      long start = System.nanoTime();
      HttpResponse<String> answer =
          HttpClient.newHttpClient().send(lookup, HttpResponse.BodyHandlers.ofString());
      return new Timed(answer, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Test
  void aLookUpWaitsForASilentGatewayAsLongAsTheDeadlineAndNamesIt() throws Exception {
    Timed shortDeadline = lookUpWith("    deadline: PT1S\n");
    closeSilentGateway();
    held.clear();
    Timed longerDeadline = lookUpWith("    deadline: PT4S\n");

    assertThat(shortDeadline.answer().statusCode())
        .as(shortDeadline.answer().body())
        .isEqualTo(200);
    assertThat(shortDeadline.answer().body()).contains("NOT_ANSWERED").contains("PT1S");
    assertThat(shortDeadline.took()).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(longerDeadline.answer().body()).contains("NOT_ANSWERED").contains("PT4S");
    assertThat(longerDeadline.took())
        .isGreaterThanOrEqualTo(Duration.ofMillis(3900))
        .isGreaterThan(shortDeadline.took().plusMillis(1500));
  }
}
