package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.TlsContexts;

/**
 * {@code gateway.localSystems[].certificates} reaches the running consumer gateway: the portal's
 * client certificate, listed in the file, authenticates it on the client TLS port; the same
 * certificate, no longer listed, is refused at the TLS handshake while the portal still gets in
 * with a bearer token, and a caller with neither is answered {@code 401 client.unauthenticated}.
 */
class GatewayLocalSystemCertificatesTest {
  @TempDir Path dir;

  @Test
  void aListedClientCertificateAuthenticatesTheSystemAndAnUnlistedOneIsRefused() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      Credentials portal =
          new Credentials(
              Pem.privateKey(Files.readString(dir.resolve("pki/portal-client.key"))),
              Pem.certificates(Files.readString(dir.resolve("pki/portal-client.pem"))));
      fed.consumerNode().close();

      try (GatewayNode consumer = start(file)) { // as written: the portal's certificate listed
        HttpResponse<String> r = send(client(consumer, portal), lookUp(fed, citizen));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains(citizen);
      }

      String unlisted =
          written.replaceFirst(
              "\n( +)certificates:\n +- \"?pki/portal-client.pem\"?\n", "\n$1certificates: []\n");
      assertThat(unlisted).isNotEqualTo(written).doesNotContain("portal-client.pem");
      Files.writeString(file, unlisted);
      try (GatewayNode consumer = start(file)) {
        HttpClient withCertificate = client(consumer, portal);
        assertThatThrownBy(() -> send(withCertificate, lookUp(fed, citizen)))
            .isInstanceOf(IOException.class);

        HttpClient withoutCertificate = client(consumer, null);
        HttpResponse<String> token =
            send(
                withoutCertificate,
                lookUp(fed, citizen).header("Authorization", "Bearer " + fed.portalToken()));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        HttpResponse<String> neither = send(withoutCertificate, lookUp(fed, citizen));
        // X-Road's error format: a client's fault is 400 (PR-REST 4.6)
        assertThat(neither.statusCode()).as(neither.body()).isEqualTo(400);
        assertThat(neither.body()).contains("client.unauthenticated");
      }
    }
  }

  private GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  /** An HTTPS client pinning the consumer's TLS certificate, presenting {@code own} if not null. */
  private static HttpClient client(GatewayNode consumer, Credentials own) throws Exception {
    PinnedTrustManager pin =
        new PinnedTrustManager(
            () -> Set.of(Certificates.fingerprint(consumer.tlsCredentials().certificate())));
    SSLContext tls;
    if (own == null) {
      tls = SSLContext.getInstance("TLSv1.3");
      tls.init(null, new TrustManager[] {pin}, null);
    } else {
      tls = TlsContexts.create(own, pin);
    }
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(tls).build();
  }

  private static HttpRequest.Builder lookUp(Federation fed, String citizen) {
    return HttpRequest.newBuilder(
            URI.create(
                fed.consumerTlsUrl()
                    + "/r1/"
                    + Federation.CITIZEN_SERVICE
                    + "/citizens/"
                    + citizen))
        .timeout(Duration.ofSeconds(30))
        .header("X-Road-Client", Federation.PORTAL.toString())
        .header("X-Road-UserId", "VN072090000001")
        .header("X-Road-Issue", "HS-2026-000123");
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
