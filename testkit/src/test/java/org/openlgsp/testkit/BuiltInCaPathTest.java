package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.Pem;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The demo's CA is set up as `lgsp ca init` sets one up: its issuing CA has a status to ask for.
 */
@RequiresPeer(Peer.OPENSSL)
class BuiltInCaPathTest {
  @TempDir Path dir;

  private String openssl(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out;
  }

  @Test
  void theIssuingCaIsGoodForOcspAndItsRootCrlVerifies() throws Exception {
    try (BuiltInCa ca = BuiltInCa.start(dir, "Demo", Duration.ofDays(30))) {
      Files.writeString(dir.resolve("root.pem"), Pem.write(ca.rootCertificate()));
      Files.writeString(dir.resolve("issuing.pem"), Pem.write(ca.issuingCertificate()));
      assertThat(
              openssl(
                  "ocsp",
                  "-issuer",
                  "root.pem",
                  "-cert",
                  "issuing.pem",
                  "-url",
                  ca.trustServicesUrl() + "/ocsp",
                  "-CAfile",
                  "root.pem"))
          .startsWith("0:")
          .contains("Response verify OK")
          .contains("issuing.pem: good");
      assertThat(openssl("x509", "-in", "issuing.pem", "-noout", "-text"))
          .contains("URI:" + ca.trustServicesUrl() + "/root.crl")
          .contains("CA Issuers - URI:" + ca.trustServicesUrl() + "/root.cer");
      var http = java.net.http.HttpClient.newHttpClient();
      byte[] crl =
          http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(ca.trustServicesUrl() + "/root.crl"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray())
              .body();
      Files.write(dir.resolve("root.crl"), crl);
      assertThat(
              openssl("crl", "-inform", "DER", "-in", "root.crl", "-CAfile", "root.pem", "-noout"))
          .startsWith("0:")
          .contains("verify OK");
    }
  }
}
