package org.openlgsp.gateway;

import java.util.Objects;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;

/**
 * A local information system served by this gateway and how it proves who it is: TLS client
 * certificates (by SHA-256 fingerprint), OAuth2 client credentials (only the SHA-256 of the client
 * secret is kept), and/or, as X-Road's plain-HTTP connection type, the source networks it may call
 * the plain-HTTP client port from ({@code sourceNetworks}; empty, the default, turns that off). A
 * system with none of these gets tokens only with credentials created at run time ({@link
 * LocalCredentials}).
 */
public record LocalSystem(
    ClientId id,
    Set<String> certificateFingerprints,
    String oauthClientId,
    String secretSha256,
    Set<SourceNetwork> sourceNetworks) {

  public LocalSystem {
    Objects.requireNonNull(id, "id");
    if (!id.isSubsystem()) {
      throw new IllegalArgumentException("a local system must be a subsystem: " + id);
    }
    certificateFingerprints = Set.copyOf(certificateFingerprints);
    Objects.requireNonNull(oauthClientId, "oauthClientId");
    Objects.requireNonNull(secretSha256, "secretSha256");
    sourceNetworks = Set.copyOf(sourceNetworks);
    if (oauthClientId.isEmpty() != secretSha256.isEmpty()) {
      throw new IllegalArgumentException("OAuth client id and secret hash go together");
    }
  }

  /** A system that authenticates by certificate or client credentials only. */
  public LocalSystem(
      ClientId id, Set<String> certificateFingerprints, String oauthClientId, String secretSha256) {
    this(id, certificateFingerprints, oauthClientId, secretSha256, Set.of());
  }

  /** A system holding OAuth2 client credentials; {@code secret} itself is not retained. */
  public static LocalSystem withSecret(ClientId id, String oauthClientId, String secret) {
    return new LocalSystem(id, Set.of(), oauthClientId, hashSecret(secret));
  }

  public LocalSystem withCertificate(String fingerprint) {
    var all = new java.util.HashSet<>(certificateFingerprints);
    all.add(fingerprint);
    return new LocalSystem(id, all, oauthClientId, secretSha256, sourceNetworks);
  }

  /**
   * This system, also authenticated by calling the plain-HTTP client port from {@code network}
   * (weaker than a certificate or a token: anyone who can send from that address is the system).
   */
  public LocalSystem withSourceNetwork(SourceNetwork network) {
    var all = new java.util.HashSet<>(sourceNetworks);
    all.add(network);
    return new LocalSystem(id, certificateFingerprints, oauthClientId, secretSha256, all);
  }

  static String hashSecret(String secret) {
    return Digests.hex(Digests.sha256(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
