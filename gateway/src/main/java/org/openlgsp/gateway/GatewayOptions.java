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
    java.util.Set<org.openlgsp.core.ServiceId> rawPathServices) {

  public GatewayOptions {
    Objects.requireNonNull(limits, "limits");
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
        java.util.Set.of());
  }

  public GatewayOptions withClientHttpPort(int port) {
    return new GatewayOptions(
        node,
        host,
        clientTlsPort,
        port,
        peerPort,
        replayWindow,
        directoryGrace,
        directoryCache,
        maxBodyBytes,
        tokenTtl,
        backendTimeout,
        limits,
        rawPathServices);
  }

  /** These options listening on {@code address} ({@code ::} for every IPv6 and IPv4 address). */
  public GatewayOptions withHost(String address) {
    return new GatewayOptions(
        node,
        address,
        clientTlsPort,
        clientHttpPort,
        peerPort,
        replayWindow,
        directoryGrace,
        directoryCache,
        maxBodyBytes,
        tokenTtl,
        backendTimeout,
        limits,
        rawPathServices);
  }

  public GatewayOptions withPorts(int clientTls, int clientHttp, int peer) {
    return new GatewayOptions(
        node,
        host,
        clientTls,
        clientHttp,
        peer,
        replayWindow,
        directoryGrace,
        directoryCache,
        maxBodyBytes,
        tokenTtl,
        backendTimeout,
        limits,
        rawPathServices);
  }

  public GatewayOptions withMaxBodyBytes(long bytes) {
    return new GatewayOptions(
        node,
        host,
        clientTlsPort,
        clientHttpPort,
        peerPort,
        replayWindow,
        directoryGrace,
        directoryCache,
        bytes,
        tokenTtl,
        backendTimeout,
        limits,
        rawPathServices);
  }

  public GatewayOptions withDirectoryGrace(Duration grace) {
    return new GatewayOptions(
        node,
        host,
        clientTlsPort,
        clientHttpPort,
        peerPort,
        replayWindow,
        grace,
        directoryCache,
        maxBodyBytes,
        tokenTtl,
        backendTimeout,
        limits,
        rawPathServices);
  }

  public GatewayOptions withLimits(AdmissionLimits newLimits) {
    return new GatewayOptions(
        node,
        host,
        clientTlsPort,
        clientHttpPort,
        peerPort,
        replayWindow,
        directoryGrace,
        directoryCache,
        maxBodyBytes,
        tokenTtl,
        backendTimeout,
        newLimits,
        rawPathServices);
  }

  public GatewayOptions withRawPathServices(java.util.Set<org.openlgsp.core.ServiceId> services) {
    return new GatewayOptions(
        node,
        host,
        clientTlsPort,
        clientHttpPort,
        peerPort,
        replayWindow,
        directoryGrace,
        directoryCache,
        maxBodyBytes,
        tokenTtl,
        backendTimeout,
        limits,
        services);
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
