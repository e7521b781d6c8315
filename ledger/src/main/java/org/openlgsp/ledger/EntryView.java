package org.openlgsp.ledger;

import java.time.Instant;
import java.util.Objects;
import org.openlgsp.core.Digests;

/**
 * A ledger record as the auditor API and {@code lgsp ledger record} show it: its index, commit
 * time, leaf hash and canonical bytes (both base64) and its fields.
 */
public record EntryView(
    long index, Instant recordedAt, String leafHash, String canonical, RecordView record) {
  public EntryView {
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative");
    }
    Objects.requireNonNull(recordedAt, "recordedAt");
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(canonical, "canonical");
    Objects.requireNonNull(record, "record");
  }

  static EntryView of(LedgerEntry e) {
    return new EntryView(
        e.index(),
        e.recordedAt(),
        Digests.base64(e.leafHash()),
        Digests.base64(e.record().canonical()),
        RecordView.of(e.record()));
  }
}
