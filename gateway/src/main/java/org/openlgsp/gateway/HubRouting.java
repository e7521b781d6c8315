package org.openlgsp.gateway;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.NodeId;

/**
 * Hub mode (docs/federation.md): whether this gateway is a hub that relays sealed exchanges, and
 * which federated instances are reached through which hub node. For a consumer, a call to a service
 * of instance {@code X} with a route {@code X → H} is sealed to the provider member's encryption
 * key and sent to hub node {@code H}; for a provider, a sealed call from a client of {@code X} is
 * accepted from {@code H} (and only sealed calls are accepted from a hub). A route here takes
 * precedence over the hub the signed directory names for a federated instance.
 *
 * @param relay this node is a hub: its peer listener relays, it serves no service itself
 * @param routes instance → the hub node exchanges with that instance go through
 */
public record HubRouting(boolean relay, Map<String, NodeId> routes) {
  public HubRouting {
    routes = Map.copyOf(Objects.requireNonNull(routes, "routes"));
  }

  /** No hub: every exchange goes directly gateway to gateway. */
  public static HubRouting none() {
    return new HubRouting(false, Map.of());
  }

  /** The hub node exchanges with {@code instance} go through, if any. */
  public Optional<NodeId> hubFor(String instance) {
    return Optional.ofNullable(routes.get(instance));
  }
}
