package org.openlgsp.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Principal;
import org.openlgsp.edge.spi.Authenticator;

/**
 * Authenticates the local system calling a client listener: by its registered TLS client
 * certificate, or else by a bearer token from {@code POST /token}, or else, on the plain-HTTP port
 * only and for systems that list source networks, by the address the call comes from. The principal
 * is named by the system's identifier and made once per system, so authenticating an exchange
 * allocates nothing beyond the certificate's fingerprint.
 *
 * <p>With OCSP checking on, a registered client certificate must also be known good at every
 * request, as peers' certificates are (fail closed, answers cached within the freshness window):
 * checking per request rather than at the handshake also catches keep-alive connections opened
 * before the revocation. The refusal is {@code certificate.revoked}, {@code ocsp.stale}, {@code
 * ocsp.unavailable} or {@code certificate.issuer_unknown}.
 */
final class LocalSystems implements Authenticator {
  /** The role every local system holds: it may call the X-Road API of this gateway. */
  static final String ROLE = "gateway.local-system";

  private final Map<String, ClientId> byFingerprint;
  private final TokenService tokens;
  private final Revocation revocation;
  private final Map<ClientId, Principal> principals = new HashMap<>();
  private final Map<String, ClientId> byActor = new HashMap<>();
  private final Map<ClientId, java.util.Set<SourceNetwork>> sourceNetworks = new HashMap<>();

  LocalSystems(
      List<LocalSystem> systems,
      Map<String, ClientId> byFingerprint,
      TokenService tokens,
      Revocation revocation) {
    this.byFingerprint = byFingerprint;
    this.tokens = tokens;
    this.revocation = revocation;
    for (LocalSystem s : systems) {
      Principal p = new Principal(s.id().toString(), Set.of(ROLE));
      principals.put(s.id(), p);
      byActor.put(p.actor(), s.id());
      if (!s.sourceNetworks().isEmpty()) {
        sourceNetworks.put(s.id(), s.sourceNetworks());
      }
    }
  }

  @Override
  public Principal authenticate(ServerRequest req) {
    ClientId system = identify(req);
    Principal p = principals.get(system);
    if (p == null) { // tokens and certificates name configured systems only
      throw new IllegalStateException("not a configured local system: " + system);
    }
    return p;
  }

  /** The system a principal of this authenticator names. */
  ClientId system(Principal caller) {
    ClientId system = byActor.get(caller.actor());
    if (system == null) {
      throw new IllegalStateException("not a local system: " + caller.actor());
    }
    return system;
  }

  private ClientId identify(ServerRequest req) {
    Optional<Certificate[]> certs =
        req.isSecure() ? req.remotePeer().tlsCertificates() : Optional.empty();
    if (certs.isPresent() && certs.get().length > 0) {
      X509Certificate cert = (X509Certificate) certs.get()[0];
      ClientId system =
          Optional.ofNullable(byFingerprint.get(Certificates.fingerprint(cert)))
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.CLIENT_UNAUTHENTICATED,
                          "client certificate is not registered"));
      revocation.requireGood(cert);
      return system;
    }
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    boolean bearer = auth.regionMatches(true, 0, "Bearer ", 0, 7);
    if (bearer) {
      Optional<ClientId> byToken = tokens.verify(auth.substring(7).trim());
      if (byToken.isPresent()) {
        return byToken.get();
      }
    }
    // A bearer token that is not this gateway's may be meant for the provider (a JWT the client
    // sends end to end), so it does not stop a system that calls from its listed address.
    if (!req.isSecure() && !sourceNetworks.isEmpty()) {
      Optional<ClientId> bySource = bySourceAddress(req);
      if (bySource.isPresent()) {
        return bySource.get();
      }
    }
    if (bearer) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "bearer token is unknown or expired");
    }
    throw new LgspException(
        ErrorCode.CLIENT_UNAUTHENTICATED,
        "present a registered TLS client certificate or an Authorization: Bearer token from POST"
            + " /token");
  }

  /**
   * X-Road's plain-HTTP connection type: a call to the plain-HTTP port from a network a system
   * lists is that system. Several systems may list the same address (X-Road hosts several
   * subsystems on one information-system server): {@code X-Road-Client} picks one of those the
   * address admits, and never a system whose list does not hold the address.
   */
  private Optional<ClientId> bySourceAddress(ServerRequest req) {
    if (!(req.remotePeer().address() instanceof java.net.InetSocketAddress socket)
        || socket.getAddress() == null) {
      return Optional.empty();
    }
    java.net.InetAddress from = socket.getAddress();
    List<ClientId> admitted =
        sourceNetworks.entrySet().stream()
            .filter(e -> e.getValue().stream().anyMatch(n -> n.contains(from)))
            .map(Map.Entry::getKey)
            .toList();
    if (admitted.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> claimed = req.headers().first(Headers.XROAD_CLIENT);
    if (claimed.isEmpty()) {
      if (admitted.size() == 1) {
        return Optional.of(admitted.getFirst());
      }
      throw new LgspException(
          ErrorCode.CLIENT_UNAUTHENTICATED,
          "several systems call from this address: name one in X-Road-Client");
    }
    ClientId named = ClientId.parse(claimed.get().strip());
    if (admitted.contains(named)) {
      return Optional.of(named);
    }
    throw new LgspException(
        ErrorCode.CLIENT_UNAUTHENTICATED,
        "X-Road-Client "
            + named
            + " may not call from this address without a certificate or token");
  }
}
