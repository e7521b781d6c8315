package org.openlgsp.storage;

/** A failure of the database underneath: the caller maps it to its own client-visible error. */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
