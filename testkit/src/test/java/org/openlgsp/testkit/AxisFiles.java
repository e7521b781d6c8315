package org.openlgsp.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.NodeConfig;

/**
 * A documents-only node started from its file {@code axis.yaml} in a test's folder: the province
 * (with the given token) and its Department of Home Affairs served on {@code port}, a free relay
 * port, its database {@code data/axis.db}, plus the test's own documents lines.
 */
final class AxisFiles {
  private AxisFiles() {}

  static DocumentsNode start(Path dir, int port, String provinceToken, String settings, Clock clock)
      throws IOException {
    Path file = dir.resolve("axis.yaml");
    Files.writeString(
        file,
        "instance: VN\n"
            + "documents:\n"
            + "  port: "
            + port
            + "\n  relayPort: "
            + freePort()
            + "\n  database: jdbc:sqlite:data/axis.db\n"
            + "  "
            + settings
            + "\n"
            + "  agencies:\n"
            + "    - {code: "
            + Federation.PROVINCE.value()
            + ", tokenSha256: "
            + AxisServer.hashToken(provinceToken)
            + "}\n"
            + "    - {code: "
            + Federation.DEPARTMENT.value()
            + ", tokenSha256: "
            + AxisServer.hashToken("department-token")
            + "}\n");
    return DocumentsNode.start(NodeConfig.read(file).documents().orElseThrow(), dir, clock);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
