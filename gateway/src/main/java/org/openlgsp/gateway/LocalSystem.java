package org.openlgsp.gateway;

import java.util.Objects;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;

/**
 * A local information system served by this gateway and how it proves who it is: TLS client
 * certificates (by SHA-256 fingerprint) and/or OAuth2 client credentials. Only the SHA-256 of the
 * client secret is kept.
 */
public record LocalSystem(
    ClientId id, Set<String> certificateFingerprints, String oauthClientId, String secretSha256) {

  public LocalSystem {
    Objects.requireNonNull(id, "id");
    if (!id.isSubsystem()) {
      throw new IllegalArgumentException("a local system must be a subsystem: " + id);
    }
    certificateFingerprints = Set.copyOf(certificateFingerprints);
    Objects.requireNonNull(oauthClientId, "oauthClientId");
    Objects.requireNonNull(secretSha256, "secretSha256");
    if (oauthClientId.isEmpty() != secretSha256.isEmpty()) {
      throw new IllegalArgumentException("OAuth client id and secret hash go together");
    }
    if (certificateFingerprints.isEmpty() && oauthClientId.isEmpty()) {
      throw new IllegalArgumentException("system " + id + " has no way to authenticate");
    }
  }

  /** A system holding OAuth2 client credentials; {@code secret} itself is not retained. */
  public static LocalSystem withSecret(ClientId id, String oauthClientId, String secret) {
    return new LocalSystem(id, Set.of(), oauthClientId, hashSecret(secret));
  }

  public LocalSystem withCertificate(String fingerprint) {
    var all = new java.util.HashSet<>(certificateFingerprints);
    all.add(fingerprint);
    return new LocalSystem(id, all, oauthClientId, secretSha256);
  }

  static String hashSecret(String secret) {
    return Digests.hex(Digests.sha256(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
