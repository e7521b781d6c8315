package org.openlgsp.storage;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Databases for tests: a fresh SQLite file, or a fresh schema on the PostgreSQL at {@code
 * lgsp.postgres.url}. When {@code lgsp.postgres.required=true} (as in CI) an unreachable server
 * fails the test instead of skipping it.
 */
public final class TestDatabases {
  private TestDatabases() {}

  public static Database sqlite(Path folder) {
    return Database.sqlite(folder.resolve("lgsp-" + UUID.randomUUID() + ".db"));
  }

  /** A database in a new, empty schema; closing it does not drop the schema (inspect after). */
  public static Database postgres() {
    String base =
        System.getProperty(
            "lgsp.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    boolean required = Boolean.parseBoolean(System.getProperty("lgsp.postgres.required", "false"));
    String schema = "lgsp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(base);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      if (required) {
        fail(
            "PostgreSQL is required (lgsp.postgres.required=true) but unreachable: "
                + e.getMessage());
      }
      assumeTrue(false, "PostgreSQL not reachable, skipping: " + e.getMessage());
    }
    String separator = base.contains("?") ? "&" : "?";
    return Database.open(base + separator + "currentSchema=" + schema);
  }

  public static Database open(String kind, Path folder) {
    return switch (kind) {
      case "sqlite" -> sqlite(folder);
      case "postgresql" -> postgres();
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
