package org.openlgsp.console;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;

/**
 * The run-time credentials of the local systems a gateway node serves (docs/protocol.md, "Local
 * systems' credentials"), as its node-local console manages them: a console interface that {@code
 * node} implements over the gateway's own store, so that {@code console} does not depend on {@code
 * gateway}. Unknown credentials or systems are {@code resource.not_found}, a change to a revoked
 * credential {@code resource.conflict} ({@link org.openlgsp.core.LgspException}).
 */
public interface SystemCredentials {
  /** The systems this gateway serves, which may hold credentials. */
  List<ClientId> systems();

  /** Every credential, revoked ones included, oldest first; never a secret. */
  List<Credential> list();

  /** A new credential for {@code system}, made by {@code actor}; its secret this once. */
  Issued create(ClientId system, String actor);

  /**
   * A new secret for {@code clientId}; the old one overlaps as the gateway's configuration says.
   */
  Issued rotate(String clientId, String actor);

  /** Revokes {@code clientId} at once. */
  Credential revoke(String clientId, String actor);

  /** A credential as listed: never its secret nor the secret's hash. */
  record Credential(
      String clientId,
      ClientId system,
      Instant createdAt,
      String createdBy,
      Optional<Instant> rotatedAt,
      Optional<Instant> previousValidUntil,
      Optional<Instant> revokedAt,
      Optional<String> revokedBy) {
    public Credential {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(system, "system");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(createdBy, "createdBy");
      Objects.requireNonNull(rotatedAt, "rotatedAt");
      Objects.requireNonNull(previousValidUntil, "previousValidUntil");
      Objects.requireNonNull(revokedAt, "revokedAt");
      Objects.requireNonNull(revokedBy, "revokedBy");
    }

    public boolean revoked() {
      return revokedAt.isPresent();
    }

    /** How the audit trail names it: {@code credential <id> of <system> active|revoked}. */
    public String describe() {
      return "credential "
          + clientId
          + " of "
          + system.encoded()
          + (revoked() ? " revoked" : " active");
    }
  }

  /** A credential with its new secret: the only time the secret is seen. */
  record Issued(Credential credential, String secret) {
    public Issued {
      Objects.requireNonNull(credential, "credential");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Issued[" + credential.clientId() + ", secret=(not shown)]";
    }
  }
}
