package org.openlgsp.documents;

import org.openlgsp.core.AgencyCode;

/**
 * Hands a package to the axis node serving an agency that is not local. The implementation used in
 * a federation sends it through this node's gateway as a signed X-Road exchange.
 */
@FunctionalInterface
public interface RemoteDelivery {
  /** Returns normally once the remote axis stored the package; throws to be retried later. */
  void deliver(AgencyCode recipient, PackageBody pkg) throws Exception;

  /** For nodes that serve every agency themselves: any remote recipient is an error. */
  RemoteDelivery NONE =
      (recipient, pkg) -> {
        throw new IllegalStateException("no route to agency " + recipient);
      };
}
