package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/** The axis client on the wire: how a package file goes up, and how failures come back. */
class AxisClientTest {
  @TempDir Path dir;
  HttpServer axis;
  final AtomicReference<String> seen = new AtomicReference<>();
  final AtomicReference<String> answer = new AtomicReference<>();
  final AtomicReference<Integer> status = new AtomicReference<>(201);

  @BeforeEach
  void start() throws Exception {
    axis = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    axis.createContext(
        "/",
        ex -> {
          MessageDigest sha = sha256();
          long n = 0;
          try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[8192];
            for (int r; (r = in.read(buf)) > 0; n += r) {
              sha.update(buf, 0, r);
            }
          }
          seen.set(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " length="
                  + ex.getRequestHeaders().getFirst("Content-Length")
                  + " chunked="
                  + (ex.getRequestHeaders().getFirst("Transfer-Encoding") != null)
                  + " read="
                  + n
                  + " sha="
                  + HexFormat.of().formatHex(sha.digest())
                  + " auth="
                  + ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status.get(), body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    axis.start();
  }

  @AfterEach
  void stop() {
    axis.stop(0);
  }

  AxisClient client() {
    return new AxisClient("http://127.0.0.1:" + axis.getAddress().getPort() + "/", "secret");
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aPackageFileGoesUpWithItsLengthNotChunked() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(content);
    Path file = dir.resolve("package.edxml");
    Files.write(file, content);
    Receipt receipt =
        new Receipt("p1", "document", "d1", "0", "ab", 1L, List.of("000.00.15.H41"), false);
    answer.set(Json.writeString(receipt));
    assertThat(client().send(file)).isEqualTo(receipt);
    assertThat(seen.get())
        .isEqualTo(
            "POST /edoc/v1/packages length="
                + content.length
                + " chunked=false read="
                + content.length
                + " sha="
                + HexFormat.of().formatHex(sha256().digest(content))
                + " auth=Bearer secret");
  }

  @Test
  void aRefusalComesBackAsItsProblemAndAMissingFileIsMalformed() {
    status.set(404);
    answer.set("{\"code\":\"resource.not_found\",\"detail\":\"no such delivery\"}");
    assertThatThrownBy(() -> client().acknowledge("x"))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
              assertThat(e.detail()).isEqualTo("no such delivery");
            });
    assertThat(seen.get()).startsWith("POST /edoc/v1/inbox/x/ack length=");
    assertThatThrownBy(() -> client().send(dir.resolve("absent.edxml")))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
  }

  @Test
  void anAxisThatDoesNotAnswerIsUnreachable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> new AxisClient("http://127.0.0.1:" + closed, "t").inbox(1))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_UNREACHABLE));
  }
}
