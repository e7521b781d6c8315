package org.openlgsp.testpeers;

import org.opentest4j.TestAbortedException;

/** Aborts (skips) a test whose peer is missing and not required; its message is the skip reason. */
public final class PeerMissingException extends TestAbortedException {
  private static final long serialVersionUID = 1L;

  PeerMissingException(String reason) {
    super(reason);
  }
}
