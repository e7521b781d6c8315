package org.openlgsp.ledger.spi;

import java.time.Instant;

/**
 * Checks an RFC 3161 time-stamp token found with a checkpoint in an export: that it covers the
 * given SHA-256 digest (of the checkpoint text) and is signed by a trusted time-stamping authority.
 * Implementations live with the TSA verifier (module {@code pki}).
 */
@FunctionalInterface
public interface TimestampChecker {
  /**
   * Returns the time the token attests.
   *
   * @throws RuntimeException whose message says what is wrong when the token does not cover the
   *     digest or is not signed by a trusted TSA
   */
  Instant check(byte[] token, byte[] sha256Digest);
}
