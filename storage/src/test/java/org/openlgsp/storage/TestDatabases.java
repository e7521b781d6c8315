package org.openlgsp.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;

/**
 * Databases for tests: a fresh SQLite file, or a fresh schema on the PostgreSQL at {@code
 * lgsp.postgres.url}. An unreachable server skips the test with one line, or fails it when {@code
 * lgsp.postgres.required=true} (as in CI).
 */
public final class TestDatabases {
  private TestDatabases() {}

  public static Database sqlite(Path folder) {
    return Database.sqlite(folder.resolve("lgsp-" + UUID.randomUUID() + ".db"));
  }

  /** A database in a new, empty schema; closing it does not drop the schema (inspect after). */
  public static Database postgres() {
    String base = postgresUrl();
    String separator = base.contains("?") ? "&" : "?";
    return Database.open(base + separator + "currentSchema=" + postgresSchema());
  }

  /** The server tests use: {@code lgsp.postgres.url}, by default the local one. */
  public static String postgresUrl() {
    return System.getProperty(
        "lgsp.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  }

  /**
   * Creates a new, empty schema on {@link #postgresUrl()} and returns its name ({@code
   * lgsp_test_...}); skips the test (or fails it when required) if the server does not answer.
   */
  public static String postgresSchema() {
    String schema = "lgsp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(postgresUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      // the driver's first sentence, e.g. "Connection to 127.0.0.1:5432 refused"
      Peers.missing(Peer.POSTGRES, "unreachable (" + e.getMessage().split("\\. ")[0] + ")");
    }
    return schema;
  }

  public static Database open(String kind, Path folder) {
    return switch (kind) {
      case "sqlite" -> sqlite(folder);
      case "postgresql" -> postgres();
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
