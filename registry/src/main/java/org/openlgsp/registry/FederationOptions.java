package org.openlgsp.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.NodeId;

/**
 * A registry's federation with other instances (docs/federation.md).
 *
 * @param regenerate the longest a served catalogue goes without being re-signed (X-Road: 60 s)
 * @param validity how long a catalogue is valid after signing (X-Road: 600 s)
 * @param refresh how often each peer's catalogue is fetched
 * @param cache the folder keeping the last valid catalogue of each peer
 * @param peers one per agreement: the signed agreement and the peer registry's base URL
 */
public record FederationOptions(
    Duration regenerate, Duration validity, Duration refresh, Path cache, List<Peer> peers) {

  /**
   * A federated instance: the agreement with it, where its registry serves its catalogue, the hub
   * node of this instance exchanges with it are relayed through (hub mode: named in the catalogue
   * exported to it; empty: gateway to gateway), and when this registry sends it its daily
   * statistics summary by itself ({@link SummaryReporter}; empty: never).
   */
  public record Peer(
      SignedAgreement agreement,
      String registryUrl,
      Optional<NodeId> hub,
      Optional<SummarySchedule> summaries) {
    public Peer {
      Objects.requireNonNull(agreement, "agreement");
      Objects.requireNonNull(registryUrl, "registryUrl");
      Objects.requireNonNull(hub, "hub");
      Objects.requireNonNull(summaries, "summaries");
      if (!registryUrl.startsWith("http://") && !registryUrl.startsWith("https://")) {
        throw new IllegalArgumentException("registryUrl must be http(s)://");
      }
    }

    /** A peer this registry sends no summaries to by itself. */
    public Peer(SignedAgreement agreement, String registryUrl, Optional<NodeId> hub) {
      this(agreement, registryUrl, hub, Optional.empty());
    }

    /** A peer exchanged with gateway to gateway. */
    public Peer(SignedAgreement agreement, String registryUrl) {
      this(agreement, registryUrl, Optional.empty());
    }
  }

  public static final Duration DEFAULT_REGENERATE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_VALIDITY = Duration.ofSeconds(600);
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  public FederationOptions {
    Objects.requireNonNull(regenerate, "regenerate");
    Objects.requireNonNull(validity, "validity");
    Objects.requireNonNull(refresh, "refresh");
    Objects.requireNonNull(cache, "cache");
    peers = List.copyOf(peers);
    if (regenerate.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("federation.regenerate must be at least 1 s");
    }
    if (validity.compareTo(regenerate) <= 0 || validity.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "federation.validity must be longer than regenerate and at most 1 day");
    }
    if (refresh.compareTo(Duration.ofMillis(100)) < 0 || refresh.compareTo(validity) >= 0) {
      throw new IllegalArgumentException(
          "federation.refresh must be at least 100 ms and shorter than validity");
    }
  }

  /** The defaults (60 s, 600 s, 30 s) with these peers. */
  public static FederationOptions defaults(Path cache, List<Peer> peers) {
    return new FederationOptions(
        DEFAULT_REGENERATE, DEFAULT_VALIDITY, DEFAULT_REFRESH, cache, peers);
  }
}
