package org.openlgsp.gateway;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.WebClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.SwitchableKeyManager;
import org.openlgsp.pki.TlsContexts;

/**
 * One keep-alive HTTP client per provider node. Each trusts only that node's TLS certificates as
 * listed in the current directory (asked at every handshake), and presents this node's certificate.
 *
 * <p>A client is replaced by a fresh one (own TLS context, so new connections and no session
 * resumption) when this node switches its TLS key or the directory changes the node's TLS
 * certificates; connections of the old client are never reused for new exchanges, so nothing rides
 * on an identity that was rotated away. The old client is left to finish the exchanges it carries:
 * it is not closed, because closing it aborts them.
 */
final class PeerClients {
  private final SwitchableKeyManager nodeTls;
  private final DirectoryHolder directory;
  private final Duration timeout;
  private final Revocation revocation;
  private final ConcurrentHashMap<NodeId, Peer> peers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<NodeId, X509Certificate> presented = new ConcurrentHashMap<>();

  private record Peer(String address, Set<String> pins, long keyGeneration, WebClient client) {}

  PeerClients(
      SwitchableKeyManager nodeTls,
      DirectoryHolder directory,
      Duration timeout,
      Revocation revocation) {
    this.nodeTls = nodeTls;
    this.directory = directory;
    this.timeout = timeout;
    this.revocation = revocation;
  }

  /** The TLS credentials this node presents now. */
  Credentials nodeTls() {
    return nodeTls.current();
  }

  /** The TLS certificate the node presented at the last handshake with it. */
  Optional<X509Certificate> presented(NodeId node) {
    return Optional.ofNullable(presented.get(node));
  }

  WebClient client(Directory.Node node) {
    Peer peer = peers.get(node.id());
    Set<String> pins = pins(node.id());
    long generation = nodeTls.generation();
    if (peer == null
        || !peer.address().equals(node.address())
        || !peer.pins().equals(pins)
        || peer.keyGeneration() != generation) {
      peer = new Peer(node.address(), pins, generation, build(node));
      peers.put(node.id(), peer);
    }
    return peer.client();
  }

  private WebClient build(Directory.Node node) {
    NodeId id = node.id();
    var trust = new PinnedTrustManager(() -> pins(id));
    Tls tls =
        TlsPolicy.client(
            TlsContexts.create(
                nodeTls,
                new RecordingTrustManager(
                    revocation.wrap(trust), cert -> presented.put(id, cert))));
    return WebClient.builder()
        .baseUri(node.address())
        .tls(tls)
        .followRedirects(false)
        .readTimeout(timeout)
        .connectTimeout(Duration.ofSeconds(5))
        .connectionListener(new HandshakeTimeout(timeout))
        .sendExpectContinue(false)
        .connectionCacheSize(256)
        .build();
  }

  private Set<String> pins(NodeId id) {
    return directory.view().map(v -> v.tlsFingerprints(id)).orElse(Set.of());
  }
}
