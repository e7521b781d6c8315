package org.openlgsp.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint as published: the signed note (with any witness cosignatures), when it was made and,
 * when a time-stamping authority is configured, the RFC 3161 token over SHA-256 of the note text.
 */
public record StoredCheckpoint(
    Checkpoint checkpoint, SignedNote note, Instant createdAt, Optional<byte[]> timestampToken) {
  public StoredCheckpoint {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(createdAt, "createdAt");
    timestampToken = timestampToken.map(byte[]::clone);
  }

  public long size() {
    return checkpoint.size();
  }
}
