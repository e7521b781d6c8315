package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.http.ServerRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * Helidon reads the caller's address lazily from the socket; once the client has gone the read
 * fails (seen under overload as a NullPointerException and a 500 with a SEVERE stack trace). The
 * edge names such a caller instead of failing.
 */
class CallerSourceTest {
  @Test
  void aCallerWhoseSocketHasNoAddressAnyMoreIsNamedGone() {
    assertThat(Edge.source(request(() -> null))).isEqualTo(Edge.CALLER_GONE);
  }

  @Test
  void aConnectedCallerIsNamedByItsAddress() {
    assertThat(Edge.source(request(() -> "192.0.2.7"))).isEqualTo("192.0.2.7");
  }

  /** A request whose peer's host comes from {@code host}; a null there fails as Helidon's does. */
  static ServerRequest request(java.util.function.Supplier<String> host) {
    PeerInfo peer =
        (PeerInfo)
            Proxy.newProxyInstance(
                CallerSourceTest.class.getClassLoader(),
                new Class<?>[] {PeerInfo.class},
                (p, m, a) -> {
                  if (m.getName().equals("host")) {
                    return java.util.Objects.requireNonNull(host.get(), "remote address");
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    return (ServerRequest)
        Proxy.newProxyInstance(
            CallerSourceTest.class.getClassLoader(),
            new Class<?>[] {ServerRequest.class},
            (p, m, a) -> {
              if (m.getName().equals("remotePeer")) {
                return peer;
              }
              throw new UnsupportedOperationException(m.getName());
            });
  }
}
