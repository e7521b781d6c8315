package org.openlgsp.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs a unit of work in one transaction, committing on success and rolling back on failure. */
public final class Sql {
  private Sql() {}

  /** Work done with a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  public static <T> T inTransaction(Database db, Work<T> work) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("database operation failed: " + e.getMessage(), e);
    }
  }

  public static <T> T read(Database db, Work<T> work) {
    try (Connection c = db.connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StorageException("database read failed: " + e.getMessage(), e);
    }
  }
}
