package org.openlgsp.node;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.DocumentAxis;
import org.openlgsp.documents.GatewayDelivery;
import org.openlgsp.documents.RemoteDelivery;
import org.openlgsp.documents.SignerTrust;
import org.openlgsp.gateway.DirectoryHolder;
import org.openlgsp.pki.OcspClient;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.Database;

/** A running document axis role: its store, outbox and HTTP listeners. */
public final class DocumentsNode implements AutoCloseable {
  private final Database database;
  private final DocumentAxis axis;
  private final AxisServer server;
  private final org.openlgsp.alerts.Alerts alerts;

  private DocumentsNode(
      Database database, DocumentAxis axis, AxisServer server, org.openlgsp.alerts.Alerts alerts) {
    this.database = database;
    this.axis = axis;
    this.server = server;
    this.alerts = alerts;
  }

  public static DocumentsNode start(DocumentsRole role, Path baseDir, Clock clock) {
    return start(role, baseDir, clock, Optional.empty());
  }

  /**
   * @param directory the signed directory of a gateway running in the same node, whose trust
   *     anchors signers may also chain to
   */
  static DocumentsNode start(
      DocumentsRole role, Path baseDir, Clock clock, Optional<DirectoryHolder> directory) {
    SignerTrust signers = signerTrust(role, baseDir, clock, directory);
    Database db = Database.open(GatewayNode.resolveJdbc(baseDir, role.database()));
    try {
      AxisOptions options = role.options(baseDir);
      Optional<AtRest> atRest = role.encryption().map(e -> e.open(baseDir, options.dataDir()));
      Set<AgencyCode> local =
          role.agencies().stream()
              .map(a -> AgencyCode.parse(a.code()))
              .collect(Collectors.toUnmodifiableSet());
      RemoteDelivery remote = RemoteDelivery.NONE;
      if (role.gateway().isPresent()) {
        DocumentsRole.GatewayLink g = role.gateway().get();
        remote =
            new GatewayDelivery(
                g.url(),
                ClientId.parse(g.client()),
                g.oauthClientId(),
                GatewayNode.read(baseDir, g.secretFile()).strip(),
                g.subsystem(),
                g.service());
      }
      DocumentAxis axis =
          new DocumentAxis(db, options, signers, local, remote, clock, atRest).start();
      // the axis's leak findings become dataLeak alerts, kept in its database (docs/alerts.md)
      org.openlgsp.alerts.Alerts alerts =
          org.openlgsp.alerts.Alerts.start(
              db,
              role.alertsOptions(),
              baseDir,
              org.openlgsp.alerts.NodeSignals.none(),
              role.host(),
              clock);
      axis.onLeakFindings(e -> alerts.documentLeak(e.at(), e.route(), e.packageId(), e.findings()));
      Map<AgencyCode, String> tokens = new LinkedHashMap<>();
      role.agencies().forEach(a -> tokens.put(AgencyCode.parse(a.code()), a.tokenSha256()));
      AxisServer server =
          AxisServer.start(
              axis,
              tokens,
              role.host(),
              role.port(),
              Optional.of(role.relayHost()),
              role.relayPort());
      return new DocumentsNode(db, axis, server, alerts);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * The axis's keyring for the operator's key commands ({@code lgsp keys rotate-data-key}, {@code
   * rewrap-kek}); refused when the role has no {@code encryption}.
   */
  public static AtRest keyring(DocumentsRole role, Path baseDir) {
    EncryptionSettings e =
        role.encryption()
            .orElseThrow(
                () ->
                    new NodeConfig.ConfigException(
                        "documents.encryption is not configured: nothing is encrypted at rest"));
    return e.open(baseDir, role.options(baseDir).dataDir());
  }

  /**
   * Encrypts under the current data key what the axis of {@code role} keeps and is not yet (stored
   * before encryption, or under a rotated key), beside a running node; returns the count rewritten.
   */
  public static int reencryptAtRest(
      DocumentsRole role, Path baseDir, java.util.function.Consumer<String> progress) {
    AtRest atRest = keyring(role, baseDir);
    try (Database db = Database.open(GatewayNode.resolveJdbc(baseDir, role.database()));
        DocumentAxis axis =
            new DocumentAxis(
                db,
                role.options(baseDir),
                SignerTrust.anchoredAt(List::of, Clock.systemUTC()),
                Set.of(),
                RemoteDelivery.NONE,
                Clock.systemUTC(),
                Optional.of(atRest))) {
      return axis.reencryptAtRest(progress);
    }
  }

  private static SignerTrust signerTrust(
      DocumentsRole role, Path baseDir, Clock clock, Optional<DirectoryHolder> directory) {
    List<X509Certificate> configured = new ArrayList<>();
    for (String file : role.trustAnchors()) {
      configured.addAll(Pem.certificates(GatewayNode.read(baseDir, file)));
    }
    if (configured.isEmpty() && directory.isEmpty()) {
      throw new NodeConfig.ConfigException(
          "documents.trustAnchors must name the PEM files of the CAs that certify agencies'"
              + " document-signing keys (or run the documents role in a gateway node, whose"
              + " directory's trust anchors are then used)");
    }
    Supplier<List<X509Certificate>> anchors =
        () -> {
          List<X509Certificate> all = new ArrayList<>(configured);
          directory
              .flatMap(DirectoryHolder::current)
              .ifPresent(d -> d.trustAnchors().forEach(a -> all.add(Certificates.fromBase64(a))));
          return all;
        };
    SignerTrust trust =
        SignerTrust.anchoredAt(anchors, clock).requiringSenderMatch(role.signerMustMatchSender());
    if (role.revocation().isPresent()) {
      NodeConfig.RevocationSettings r = role.revocation().get();
      List<X509Certificate> issuers = new ArrayList<>();
      for (String file : r.issuers()) {
        issuers.addAll(Pem.certificates(GatewayNode.read(baseDir, file)));
      }
      trust =
          trust.withRevocation(
              new RevocationChecker(
                  () -> {
                    List<X509Certificate> all = new ArrayList<>(issuers);
                    all.addAll(anchors.get());
                    return all;
                  },
                  new OcspClient(r.timeout(), clock),
                  r.freshness(),
                  clock));
    }
    return trust;
  }

  /** The axis's readiness check: its database. */
  List<HealthCheck> healthChecks() {
    return List.of(HealthCheck.database("documents", database));
  }

  Database database() {
    return database;
  }

  int port() {
    return server.port();
  }

  int relayPort() {
    return server.relayPort().orElseThrow();
  }

  DocumentAxis axis() {
    return axis;
  }

  /** Registers the axis's meters (docs/ops.md) and its alerts'. */
  public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    NodeMeters.documents(registry, axis);
    alerts.registerMetrics(registry);
  }

  @Override
  public void close() {
    server.close();
    axis.close();
    alerts.close();
    database.close();
  }
}
