package org.openlgsp.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.DocumentAxis;
import org.openlgsp.documents.GatewayDelivery;
import org.openlgsp.documents.RemoteDelivery;
import org.openlgsp.storage.Database;

/** A running document axis role: its store, outbox and HTTP listeners. */
final class DocumentsNode implements AutoCloseable {
  private final Database database;
  private final DocumentAxis axis;
  private final AxisServer server;

  private DocumentsNode(Database database, DocumentAxis axis, AxisServer server) {
    this.database = database;
    this.axis = axis;
    this.server = server;
  }

  static DocumentsNode start(DocumentsRole role, Path baseDir, Clock clock) {
    Database db = Database.open(GatewayNode.resolveJdbc(baseDir, role.database()));
    try {
      AxisOptions options =
          new AxisOptions(
              baseDir.resolve(role.dataDir()),
              role.maxPackageBytes(),
              role.signatureRequired(),
              role.retryBase(),
              role.retryMax(),
              role.maxAttempts(),
              AxisOptions.DEFAULT_STREAMING_THRESHOLD);
      Set<AgencyCode> local =
          role.agencies().stream()
              .map(a -> AgencyCode.parse(a.code()))
              .collect(Collectors.toUnmodifiableSet());
      RemoteDelivery remote = RemoteDelivery.NONE;
      if (role.gateway() != null) {
        DocumentsRole.GatewayLink g = role.gateway();
        remote =
            new GatewayDelivery(
                g.url(),
                ClientId.parse(g.client()),
                g.oauthClientId(),
                GatewayNode.read(baseDir, g.secretFile()).strip(),
                g.subsystem(),
                g.service());
      }
      DocumentAxis axis = new DocumentAxis(db, options, local, remote, clock).start();
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
      return new DocumentsNode(db, axis, server);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
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

  @Override
  public void close() {
    server.close();
    axis.close();
    database.close();
  }
}
