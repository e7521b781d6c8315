package org.openlgsp.pki;

/**
 * Something that time-stamps a digest: the built-in {@link TimeStampAuthority} or a {@link
 * TimeStampClient} of an external TSA. Callers stamp batches by stamping one digest that commits to
 * the whole batch (e.g. a ledger checkpoint's Merkle root), not each record.
 */
public interface Timestamper {
  /**
   * Returns a verified token over {@code sha256} (32 bytes).
   *
   * @throws org.openlgsp.core.LgspException {@code timestamp.unavailable} or {@code
   *     timestamp.invalid}
   */
  Timestamp stamp(byte[] sha256);
}
