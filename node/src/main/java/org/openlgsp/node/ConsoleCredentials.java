package org.openlgsp.node;

import java.util.List;
import java.util.Optional;
import org.openlgsp.console.SystemCredentials;
import org.openlgsp.core.ClientId;
import org.openlgsp.gateway.LocalCredentials;

/**
 * The gateway's store of local systems' run-time credentials as its node-local console manages them
 * (the console's page of credentials, docs/console.md); a rotation keeps the previous secret for
 * the configured overlap ({@code gateway.credentials.rotationOverlap}).
 */
public final class ConsoleCredentials implements SystemCredentials {
  private final LocalCredentials store;

  public ConsoleCredentials(LocalCredentials store) {
    this.store = store;
  }

  @Override
  public List<ClientId> systems() {
    return List.copyOf(store.systems());
  }

  @Override
  public List<Credential> list() {
    return store.list(Optional.empty()).stream().map(ConsoleCredentials::view).toList();
  }

  @Override
  public Issued create(ClientId system, String actor) {
    return issued(store.create(system, actor));
  }

  @Override
  public Issued rotate(String clientId, String actor) {
    return issued(store.rotate(clientId, Optional.empty(), actor));
  }

  @Override
  public Credential revoke(String clientId, String actor) {
    return view(store.revoke(clientId, actor));
  }

  private static Issued issued(LocalCredentials.Issued i) {
    return new Issued(view(i.credential()), i.secret());
  }

  private static Credential view(LocalCredentials.Credential c) {
    return new Credential(
        c.clientId(),
        c.system(),
        c.createdAt(),
        c.createdBy(),
        c.rotatedAt(),
        c.previousValidUntil(),
        c.revokedAt(),
        c.revokedBy());
  }
}
