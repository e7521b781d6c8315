package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;

/**
 * {@code documents.signatureRequired} and {@code documents.maxPackageBytes} reach the running
 * document axis: the same unsigned package is taken, refused as unsigned, or refused as too large
 * depending on them.
 */
class DocumentsAxisSettingsTest {
  @TempDir Path dir;

  final String token = "province-token";

  @Test
  void theSamePackageIsTakenOrRefusedAsTheFileSays() throws Exception {
    int port = freePort();
    byte[] unsigned =
        EdxmlCodec.write(Federation.sampleDocument("7", List.of(Federation.DEPARTMENT)));
    assertThat(unsigned.length).isGreaterThan(1024);
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    AxisClient province = new AxisClient("http://127.0.0.1:" + port, token);

    try (DocumentsNode axis = start(port, "signatureRequired: false")) {
      assertThat(province.send(unsigned).recipients())
          .containsExactly(Federation.DEPARTMENT.value());
    }

    try (DocumentsNode axis = start(port, "")) { // the default: signatures required
      assertThatThrownBy(() -> province.send(unsigned))
          .isInstanceOfSatisfying(
              LgspException.class,
              e ->
                  assertThat(new String(e.toProblem().toJsonBytes(), StandardCharsets.UTF_8))
                      .contains("document.invalid", "not signed"));
    }

    try (DocumentsNode axis = start(port, "signatureRequired: false\n  maxPackageBytes: 1024")) {
      assertThatThrownBy(() -> province.send(unsigned))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE));
    }
  }

  private DocumentsNode start(int port, String settings) throws IOException {
    return AxisFiles.start(
        dir,
        port,
        token,
        "trustAnchors: [agency-ca.pem]" + (settings.isEmpty() ? "" : "\n  " + settings),
        Clock.systemUTC());
  }

  private static int freePort() throws IOException {
    return AxisFiles.freePort();
  }
}
