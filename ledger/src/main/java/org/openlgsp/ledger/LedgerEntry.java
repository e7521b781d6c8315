package org.openlgsp.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A record as stored: its dense 0-based index, when it was committed, and its RFC 9162 leaf hash.
 */
public record LedgerEntry(long index, Instant recordedAt, ExchangeRecord record, byte[] leafHash) {
  public LedgerEntry {
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative");
    }
    Objects.requireNonNull(recordedAt, "recordedAt");
    Objects.requireNonNull(record, "record");
    leafHash = leafHash.clone();
  }

  @Override
  public byte[] leafHash() {
    return leafHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LedgerEntry e
        && index == e.index
        && recordedAt.equals(e.recordedAt)
        && record.equals(e.record)
        && java.util.Arrays.equals(leafHash, e.leafHash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + java.util.Arrays.hashCode(leafHash);
  }

  @Override
  public String toString() {
    return "LedgerEntry[" + index + ", " + record.messageId() + "]";
  }
}
