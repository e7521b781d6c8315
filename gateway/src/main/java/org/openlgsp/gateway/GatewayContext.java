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
    Optional<org.openlgsp.core.KeyedHash> consentKey,
    // members' encryption keys (hub mode): sealed messages to them are opened with these
    Map<ClientId, org.openlgsp.pki.Credentials> encryption,
    HubRouting hub,
    // token buckets and quotas (docs/protocol.md, "Rate limits and quotas")
    RateLimiter rateLimiter) {

  static Map<String, ClientId> fingerprintIndex(List<LocalSystem> systems) {
    Map<String, ClientId> index = new HashMap<>();
    for (LocalSystem s : systems) {
      s.certificateFingerprints().forEach(fp -> index.put(fp, s.id()));
    }
    return Map.copyOf(index);
  }

  /** The encryption credentials of {@code member}, refused when this gateway holds none. */
  org.openlgsp.pki.Credentials encryptionKey(ClientId member) {
    org.openlgsp.pki.Credentials c = encryption.get(member.memberId());
    if (c == null) {
      throw new org.openlgsp.core.LgspException(
          org.openlgsp.core.ErrorCode.FEDERATION_SEAL_INVALID,
          "this gateway holds no encryption key for member " + member.memberId());
    }
    return c;
  }

  Optional<MessageSigner> signer(ClientId member) {
    return Optional.ofNullable(signers.get(member));
  }
}
