package org.openlgsp.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.openlgsp.core.NodeId;

/**
 * How a gateway node listens and what it tolerates.
 *
 * @param node this node's identifier in the directory
 * @param host address to bind, e.g. {@code 127.0.0.1}
 * @param clientTlsPort HTTPS port for local systems (mTLS or bearer token); 0 picks a free port
 * @param clientHttpPort plain-HTTP port for local systems (bearer token, or a listed source
 *     address); -1 disables it, 0 picks a free port
 * @param peerPort mTLS port for other gateways; 0 picks a free port
 * @param replayWindow how far a peer's clock may differ; message ids are remembered for twice this
 * @param directoryGrace how long past its expiry the last valid directory is still used
 * @param directoryCache file keeping the last valid signed directory across restarts; a node
 *     resolves a relative path against its configuration's folder
 * @param maxBodyBytes largest request or response body accepted
 * @param tokenTtl lifetime of bearer tokens issued by {@code POST /token}
 * @param backendTimeout read timeout towards backends and peer gateways
 * @param limits how much work the gateway takes on at once
 * @param rawPathServices services hosted here whose backends take paths the gateway otherwise
 *     refuses as {@code request.path_unsafe} (encoded {@code /} or {@code \}, dot-segments, control
 *     characters, double encoding), when a grant without path patterns admits the call; none by
 *     default
 * @param rateLimits token buckets per client and per service and daily quotas per client, per
 *     tenant (docs/protocol.md, "Rate limits and quotas"); none by default
 * @param instance the name of this process among several instances of one node (docs/scale-out.md):
 *     carried in its log lines, as the {@code instance} label of its meters and in its operational
 *     records; none by default
 */
public record GatewayOptions(
    NodeId node,
    String host,
    int clientTlsPort,
    int clientHttpPort,
    int peerPort,
    Duration replayWindow,
    Duration directoryGrace,
    Path directoryCache,
    long maxBodyBytes,
    Duration tokenTtl,
    Duration backendTimeout,
    AdmissionLimits limits,
    java.util.Set<org.openlgsp.core.ServiceId> rawPathServices,
    RateLimits rateLimits,
    java.util.Optional<String> instance) {

  public GatewayOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(instance, "instance");
    instance.ifPresent(GatewayOptions::requireInstanceName);
    rawPathServices = java.util.Set.copyOf(rawPathServices);
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(host, "host");
    requirePort("clientTlsPort", clientTlsPort, false);
    requirePort("clientHttpPort", clientHttpPort, true);
    requirePort("peerPort", peerPort, false);
    requirePositive("replayWindow", replayWindow);
    Objects.requireNonNull(directoryGrace, "directoryGrace");
    if (directoryGrace.isNegative()) {
      throw new IllegalArgumentException("directoryGrace must not be negative");
    }
    Objects.requireNonNull(directoryCache, "directoryCache");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    requirePositive("tokenTtl", tokenTtl);
    requirePositive("backendTimeout", backendTimeout);
  }

  /**
   * The documented defaults of a node's gateway: loopback, client HTTPS on 8443, no plain-HTTP
   * listener, peers on 5500, 60 s replay window, 1 h grace, directory cached in {@code
   * data/directory.cache}, 10 MiB bodies, 1 h tokens, 30 s timeout, {@link
   * AdmissionLimits#defaults()}.
   */
  public static GatewayOptions defaults(NodeId node) {
    return new GatewayOptions(
        node,
        "127.0.0.1",
        8443,
        -1,
        5500,
        Duration.ofSeconds(60),
        Duration.ofHours(1),
        Path.of("data", "directory.cache"),
        10L * 1024 * 1024,
        Duration.ofHours(1),
        Duration.ofSeconds(30),
        AdmissionLimits.defaults(),
        java.util.Set.of(),
        RateLimits.none(),
        java.util.Optional.empty());
  }

  public GatewayOptions withClientHttpPort(int port) {
    return with(c -> c.clientHttpPort = port);
  }

  /** These options listening on {@code address} ({@code ::} for every IPv6 and IPv4 address). */
  public GatewayOptions withHost(String address) {
    return with(c -> c.host = address);
  }

  public GatewayOptions withPorts(int clientTls, int clientHttp, int peer) {
    return with(
        c -> {
          c.clientTlsPort = clientTls;
          c.clientHttpPort = clientHttp;
          c.peerPort = peer;
        });
  }

  public GatewayOptions withMaxBodyBytes(long bytes) {
    return with(c -> c.maxBodyBytes = bytes);
  }

  public GatewayOptions withDirectoryGrace(Duration grace) {
    return with(c -> c.directoryGrace = grace);
  }

  public GatewayOptions withLimits(AdmissionLimits newLimits) {
    return with(c -> c.limits = newLimits);
  }

  public GatewayOptions withRawPathServices(java.util.Set<org.openlgsp.core.ServiceId> services) {
    return with(c -> c.rawPathServices = services);
  }

  /** These options with {@code limits} as their rate limits and quotas. */
  public GatewayOptions withRateLimits(RateLimits limits) {
    return with(c -> c.rateLimits = limits);
  }

  /** These options naming this process {@code name} among the instances of its node. */
  public GatewayOptions withInstance(String name) {
    return with(c -> c.instance = java.util.Optional.of(name));
  }

  /** A copy with the changes {@code change} makes; the canonical constructor validates it. */
  private GatewayOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new GatewayOptions(
        node,
        c.host,
        c.clientTlsPort,
        c.clientHttpPort,
        c.peerPort,
        replayWindow,
        c.directoryGrace,
        directoryCache,
        c.maxBodyBytes,
        tokenTtl,
        backendTimeout,
        c.limits,
        c.rawPathServices,
        c.rateLimits,
        c.instance);
  }

  /** The fields a wither may change, copied from the options it starts from. */
  private static final class Copy {
    String host;
    int clientTlsPort;
    int clientHttpPort;
    int peerPort;
    Duration directoryGrace;
    long maxBodyBytes;
    AdmissionLimits limits;
    java.util.Set<org.openlgsp.core.ServiceId> rawPathServices;
    RateLimits rateLimits;
    java.util.Optional<String> instance;

    Copy(GatewayOptions o) {
      host = o.host;
      clientTlsPort = o.clientTlsPort;
      clientHttpPort = o.clientHttpPort;
      peerPort = o.peerPort;
      directoryGrace = o.directoryGrace;
      maxBodyBytes = o.maxBodyBytes;
      limits = o.limits;
      rawPathServices = o.rawPathServices;
      rateLimits = o.rateLimits;
      instance = o.instance;
    }
  }

  /**
   * An instance name is a metrics label and a log field: 1 to 63 letters, digits, {@code .}, {@code
   * _} or {@code -}, starting with a letter or digit.
   */
  private static void requireInstanceName(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new IllegalArgumentException(
          "instance must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit: "
              + name);
    }
  }

  private static void requirePort(String name, int port, boolean mayBeDisabled) {
    int min = mayBeDisabled ? -1 : 0;
    if (port < min || port > 65535) {
      throw new IllegalArgumentException(name + " out of range: " + port);
    }
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
