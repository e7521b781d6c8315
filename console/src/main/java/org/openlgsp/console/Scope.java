package org.openlgsp.console;

import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;

/**
 * What one account may see and change: an agency administrator only its agency's objects (grants it
 * gives on its services, and grants its systems received, to see), the other roles everything; only
 * platform and agency administrators change grants.
 */
public record Scope(Account account) {
  private Optional<ClientId> agency() {
    return account.agency();
  }

  boolean sees(ClientId id) {
    return agency().map(a -> a.equals(id.memberId())).orElse(true);
  }

  boolean sees(Directory.Grant g) {
    return sees(g.service().provider()) || sees(g.client());
  }

  boolean mayChangeGrants() {
    return account.role() == ConsoleRole.PLATFORM_ADMIN
        || account.role() == ConsoleRole.AGENCY_ADMIN;
  }

  /** A grant is changed by the provider's side: the agency whose service it opens. */
  boolean mayChangeGrant(Directory.Grant g) {
    return mayChangeGrants() && sees(g.service().provider());
  }
}
