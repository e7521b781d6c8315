package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.WebClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** A peer that accepts a connection and then stays silent cannot hold an exchange forever. */
class HandshakeTimeoutTest {
  @Test
  void silentPeerFailsTheCallAsUnreachableInsteadOfHoldingIt() throws Exception {
    // The kernel completes the TCP handshake from the backlog; nobody ever answers the ClientHello.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      WebClient client =
          WebClient.builder()
              .tls(Tls.builder().trustAll(true).endpointIdentificationAlgorithm("NONE").build())
              .readTimeout(Duration.ofMillis(300))
              .connectionListener(new HandshakeTimeout(Duration.ofMillis(300)))
              .build();
      String url = "https://127.0.0.1:" + silent.getLocalPort() + "/r1/x";

      RuntimeException failure =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () -> catchThrowableOfType(RuntimeException.class, () -> client.get(url).request()));

      LgspException classified = PeerFailures.classify(failure);
      assertThat(classified.code()).isEqualTo(ErrorCode.PEER_UNREACHABLE);
      assertThat(classified.getMessage()).contains("timed out");
    }
  }
}
