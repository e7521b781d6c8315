package org.openlgsp.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive claim on an embedded database file for one writer that keeps state in memory (the
 * ledger numbers records from what it read at start): a second process — or a second writer in this
 * one — opening the same SQLite file is refused instead of silently forking the ledger. An
 * operating-system lock on a file next to the database, so a killed process leaves no stale claim.
 */
final class SoleWriter implements Database.Claim {
  private final FileChannel channel;
  private final FileLock lock;

  private SoleWriter(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static SoleWriter claim(Path database, String writer) {
    Path lockFile = database.resolveSibling(database.getFileName() + "." + writer + ".lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageException("cannot open " + lockFile + " to claim the " + writer, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this process already holds it
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageException("cannot lock " + lockFile, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StorageException(
          "the "
              + writer
              + " in "
              + database
              + " is already open in another process (or twice in this one): an embedded SQLite"
              + " database has one writer; several instances of a node need PostgreSQL"
              + " (docs/scale-out.md)");
    }
    return new SoleWriter(channel, lock);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was claimed
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the channel is gone with the process anyway; nothing to undo
    }
    // The lock file stays: deleting it while another process is about to lock it would let two
    // writers lock two different files of the same name.
  }
}
