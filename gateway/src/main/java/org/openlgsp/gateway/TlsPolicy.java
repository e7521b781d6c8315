package org.openlgsp.gateway;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import javax.net.ssl.SSLContext;
import org.openlgsp.pki.TlsContexts;

/**
 * What every TLS endpoint of a gateway speaks: the client and peer listeners and the clients
 * towards peer nodes. TLS 1.3 only with the suites of {@link TlsContexts#CIPHER_SUITES}; peers are
 * authenticated by pinned certificates, not by host names.
 */
final class TlsPolicy {
  private TlsPolicy() {}

  /** A listener's TLS: {@code context}'s keys and trust, protocols and suites pinned. */
  static Tls server(SSLContext context, TlsClientAuth clientAuth) {
    return builder(context).clientAuth(clientAuth).build();
  }

  /** A client's TLS towards a peer node. */
  static Tls client(SSLContext context) {
    return builder(context).build();
  }

  private static TlsConfig.Builder builder(SSLContext context) {
    return Tls.builder()
        .sslContext(context)
        .enabledProtocols(TlsContexts.PROTOCOLS)
        .enabledCipherSuites(TlsContexts.CIPHER_SUITES)
        .endpointIdentificationAlgorithm("NONE");
  }
}
