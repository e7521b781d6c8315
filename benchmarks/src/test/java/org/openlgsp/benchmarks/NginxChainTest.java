package org.openlgsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testkit.PopulationService;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The peer the exchange benchmark compares OpenLGSP with really is a mutual-TLS chain: nginx B
 * refuses clients without a certificate of the chain's CA, and the chain still serves through A.
 */
class NginxChainTest {
  @TempDir Path dir;

  @Test
  @Timeout(30)
  @RequiresPeer({Peer.NGINX, Peer.OPENSSL})
  void theSecondHopServesOnlyClientsPresentingACertificateOfTheChainsCaOverTls13()
      throws Exception {
    PopulationService population = new PopulationService(5, PopulationService.SEED);
    WebServer backend = population.serve("127.0.0.1", 0);
    try (NginxChain chain = NginxChain.start(dir.resolve("nginx"), backend.port())) {
      String path = "/api/citizens/" + population.ids().get(0);
      WebClient client = WebClient.builder().build();
      String direct;
      try (HttpClientResponse r =
          client.get("http://127.0.0.1:" + backend.port() + path).request()) {
        assertThat(r.status().code()).isEqualTo(200);
        direct = r.entity().as(String.class);
      }
      try (HttpClientResponse r = client.get(chain.url() + path).request()) {
        assertThat(r.status().code()).as("through both hops").isEqualTo(200);
        assertThat(r.entity().as(String.class)).isEqualTo(direct);
      }

      assertThat(chain.callInner(Optional.of("a"), path))
          .as("A's certificate")
          .isEqualTo(new NginxChain.Answer("TLSv1.3", 200));
      // nginx lets the handshake finish and answers 400 ("No required SSL certificate was sent",
      // "The SSL certificate error"); a refused handshake would be -1: either way, not served
      assertThat(chain.callInner(Optional.empty(), path).status())
          .as("no client certificate")
          .isIn(400, -1);
      assertThat(chain.callInner(Optional.of("rogue"), path).status())
          .as("a certificate from another CA")
          .isIn(400, -1);
      chain.assertMutualTls(path); // the benchmark's start-up check agrees
    } finally {
      backend.stop();
    }
  }
}
