package org.openlgsp.gateway;

import io.helidon.webclient.api.ConnectedSocketChannelInfo;
import io.helidon.webclient.api.ConnectedSocketInfo;
import io.helidon.webclient.api.ConnectionListener;
import java.io.IOException;
import java.time.Duration;

/**
 * Bounds every read on a client connection from the moment it is connected, the TLS handshake
 * included: the web client's own read timeout starts only with the request, so a peer that accepts
 * the connection and never answers the handshake would otherwise hold the exchange forever.
 */
final class HandshakeTimeout implements ConnectionListener {
  private final int millis;

  HandshakeTimeout(Duration timeout) {
    this.millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
  }

  @Override
  public void socketConnected(ConnectedSocketInfo info) throws IOException {
    info.socket().setSoTimeout(millis);
  }

  @Override
  public void socketChannelConnected(ConnectedSocketChannelInfo info) {
    // channels (Unix domain sockets) are not used towards peers or backends
  }
}
