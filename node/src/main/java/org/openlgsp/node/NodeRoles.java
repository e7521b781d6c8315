package org.openlgsp.node;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.edge.Edge;
import org.openlgsp.gateway.DirectoryHolder;

/** Starts and stops the roles a node configuration names. */
public final class NodeRoles {
  private NodeRoles() {}

  /** Starts the configured roles, registry first; on failure stops what already started. */
  public static List<AutoCloseable> start(NodeConfig cfg, Path base, java.io.PrintStream out) {
    return start(cfg, base, out, Optional.empty());
  }

  /**
   * As {@code lgsp serve} starts the node of {@code file}: as above, and a gateway takes a changed
   * {@code gateway.registryUrl} from the file at its next directory refresh.
   */
  public static List<AutoCloseable> start(Path file, java.io.PrintStream out) {
    return start(NodeConfig.read(file), file.toAbsolutePath().getParent(), out, Optional.of(file));
  }

  private static List<AutoCloseable> start(
      NodeConfig cfg, Path base, java.io.PrintStream out, Optional<Path> file) {
    java.util.Optional<String> instance = cfg.gateway().flatMap(NodeConfig.GatewayRole::instance);
    NodeLogging.apply(cfg.logging(), instance);
    // every listener started below drains for this long when stopped (Edge.configure applies it)
    Edge.drainOnStop(cfg.shutdown().drainTimeout());
    // and counts failed authentications per source with these limits
    Edge.authenticationLimits(cfg.authentication().limits());
    List<AutoCloseable> running = new ArrayList<>();
    // One registry for the process, rendered by /metrics; listed after the roles (callers find
    // the roles in start order from the first), so closeAll detaches it first.
    NodeMetrics metrics = new NodeMetrics(instance);
    // the procedure engine starts after the gateway; its alerts read it once it runs
    java.util.concurrent.atomic.AtomicReference<ProceduresNode> procedures =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      cfg.registry()
          .ifPresent(
              r -> {
                RegistryNode node = RegistryNode.start(cfg.instance(), r, base, out, cfg.tenants());
                running.add(node);
                node.bindMetrics(metrics.registry(), cfg.instance());
              });
      cfg.gateway()
          .ifPresent(
              g -> {
                GatewayNode node =
                    GatewayNode.start(
                        g,
                        base,
                        Clock.systemUTC(),
                        metrics.registry(),
                        () -> {
                          ProceduresNode p = procedures.get();
                          // an engine with alerts of its own raises them there, not twice
                          return p == null || p.hasOwnAlerts() ? List.of() : p.deadlines();
                        },
                        file.<java.util.function.Supplier<String>>map(
                                f -> new ConfiguredRegistryUrl(f, g.registryUrl()))
                            .orElse(g::registryUrl));
                running.add(node);
                String host = node.gateway().options().host();
                out.printf(
                    "gateway %s: clients https://%s:%d%s, peers https://%s:%d, directory %s%n",
                    g.node(),
                    host,
                    node.gateway().clientTlsPort(),
                    node.gateway()
                        .clientHttpPort()
                        .map(p -> " and http://" + host + ":" + p)
                        .orElse(""),
                    host,
                    node.gateway().peerPort(),
                    node.directory()
                        .current()
                        .map(d -> "serial " + d.serial())
                        .orElse("not yet loaded"));
                node.console()
                    .ifPresent(c -> out.printf("gateway %s: web console %s%n", g.node(), c.url()));
              });
      cfg.documents()
          .ifPresent(
              d -> {
                // A gateway in the same node lends the axis its directory's trust anchors.
                Optional<DirectoryHolder> directory =
                    running.stream()
                        .filter(GatewayNode.class::isInstance)
                        .map(n -> ((GatewayNode) n).directory())
                        .findFirst();
                DocumentsNode node = DocumentsNode.start(d, base, Clock.systemUTC(), directory);
                running.add(node);
                node.bindMetrics(metrics.registry());
                out.printf(
                    "documents axis: agencies' systems http://%s:%d/edoc/v1, relay from gateway"
                        + " http://%s:%d/edoc/v1/relay, %d agencies%n",
                    d.host(), node.port(), d.relayHost(), node.relayPort(), d.agencies().size());
              });
      cfg.procedures()
          .ifPresent(
              p -> {
                ProceduresNode node = ProceduresNode.start(p, base, Clock.systemUTC());
                running.add(node);
                procedures.set(node);
                out.printf(
                    "procedures: engine on %s, case API %s%n",
                    p.database().split("\\?", 2)[0],
                    p.api()
                        .map(a -> "http://" + a.host() + ":" + node.apiPort().orElseThrow())
                        .orElse("off"));
              });
      cfg.management()
          .ifPresent(
              m -> {
                List<HealthCheck> checks = healthChecks(running);
                ManagementServer server = ManagementServer.start(m, () -> checks, metrics);
                running.add(server);
                out.printf(
                    "management: http://%s:%d/health/live, /health/ready (%d checks) and"
                        + " /metrics%n",
                    m.host(), server.port(), checks.size());
              });
      running.add(metrics);
      return running;
    } catch (RuntimeException e) {
      closeAll(running);
      metrics.close();
      throw e;
    }
  }

  /** The readiness checks of the roles in {@code running}, in the order they started. */
  static List<HealthCheck> healthChecks(List<AutoCloseable> running) {
    List<HealthCheck> checks = new ArrayList<>();
    for (AutoCloseable role : running) {
      switch (role) {
        case RegistryNode r -> checks.addAll(r.healthChecks());
        case GatewayNode g -> checks.addAll(g.healthChecks());
        case DocumentsNode d -> checks.addAll(d.healthChecks());
        case ProceduresNode p -> checks.addAll(p.healthChecks());
        default -> {}
      }
    }
    return List.copyOf(checks);
  }

  /**
   * Stops what runs, last started first (the management listener first, so probes see the node go);
   * each role stops accepting, drains its requests in flight and then closes its ledger and
   * database. A failure to stop one does not keep the rest up.
   */
  public static void closeAll(List<AutoCloseable> running) {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        System.err.println("while stopping: " + e.getMessage());
      }
    }
  }
}
