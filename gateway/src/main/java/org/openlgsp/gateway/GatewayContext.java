package org.openlgsp.gateway;

import io.helidon.webclient.api.WebClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.MessageSigner;

/** What both endpoints of one gateway share. */
record GatewayContext(
    GatewayOptions options,
    DirectoryHolder directory,
    Map<ClientId, MessageSigner> signers,
    List<LocalSystem> systems,
    TokenService tokens,
    PeerClients peers,
    WebClient backends,
    ReplayGuard replay,
    ExchangeRecorder recorder,
    Clock clock,
    Map<String, ClientId> systemsByFingerprint,
    Revocation revocation,
    // keyed hashes of subjects' IDs as the registry publishes consents; empty: consents unchecked
    Optional<org.openlgsp.core.KeyedHash> consentKey) {

  static Map<String, ClientId> fingerprintIndex(List<LocalSystem> systems) {
    Map<String, ClientId> index = new HashMap<>();
    for (LocalSystem s : systems) {
      s.certificateFingerprints().forEach(fp -> index.put(fp, s.id()));
    }
    return Map.copyOf(index);
  }

  Optional<MessageSigner> signer(ClientId member) {
    return Optional.ofNullable(signers.get(member));
  }
}
