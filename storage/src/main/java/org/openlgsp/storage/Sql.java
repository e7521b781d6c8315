package org.openlgsp.storage;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * Work on a {@link Database} through a Jdbi {@link Handle}: in one transaction, committed on
 * success and rolled back on failure, or as a read. A database failure surfaces as a {@link
 * StorageException}; what the work itself throws otherwise passes through unchanged.
 */
public final class Sql {
  private Sql() {}

  /** Work done with a handle. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Handle handle);
  }

  public static <T> T inTransaction(Database db, Work<T> work) {
    try (Handle h = db.jdbi().open()) {
      return h.inTransaction(work::run);
    } catch (JdbiException e) {
      throw StorageException.of("database operation failed", e);
    }
  }

  public static <T> T read(Database db, Work<T> work) {
    try (Handle h = db.jdbi().open()) {
      return work.run(h);
    } catch (JdbiException e) {
      throw StorageException.of("database read failed", e);
    }
  }
}
