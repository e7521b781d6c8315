package org.openlgsp.storage;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** A failure of the database underneath: the caller maps it to its own client-visible error. */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final String PG_UNIQUE_VIOLATION = "23505";

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The failure of {@code what}, carrying the driver's exception and message. The wrapper a data
   * access library adds (which may render the statement and its arguments) is left out, so logging
   * this never logs the values written.
   */
  static StorageException of(String what, Throwable failure) {
    if (failure instanceof StorageException s) {
      return s;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return new StorageException(what + ": " + sql.getMessage(), sql);
      }
    }
    return new StorageException(what, failure);
  }

  /**
   * Whether this failure is a write that broke a unique or primary-key constraint (another writer
   * got there first), told by the driver's code: PostgreSQL's SQLState {@code 23505}, SQLite's
   * extended result code.
   */
  public boolean isUniqueViolation() {
    for (Throwable t = this; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s) {
        if (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
            || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
          return true;
        }
      } else if (t instanceof SQLException s && PG_UNIQUE_VIOLATION.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
