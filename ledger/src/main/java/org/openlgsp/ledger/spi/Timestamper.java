package org.openlgsp.ledger.spi;

import java.util.Optional;

/**
 * Obtains a trusted time for checkpoints: given the SHA-256 digest of a checkpoint note, returns an
 * RFC 3161 {@code TimeStampToken} (DER) over it, or nothing when the installation runs without a
 * time-stamping authority. Implementations live with the TSA client (module {@code pki}).
 */
public interface Timestamper {
  /** A short name for logs and exports, e.g. {@code none} or the TSA's URL. */
  String name();

  /**
   * Time-stamps a SHA-256 digest.
   *
   * @throws RuntimeException when the authority is unreachable; the checkpoint is kept without a
   *     token and the failure logged
   */
  Optional<byte[]> timestamp(byte[] sha256Digest);

  /** No time-stamping: checkpoints carry only the node's own clock. */
  static Timestamper none() {
    return new Timestamper() {
      @Override
      public String name() {
        return "none";
      }

      @Override
      public Optional<byte[]> timestamp(byte[] sha256Digest) {
        return Optional.empty();
      }
    };
  }
}
