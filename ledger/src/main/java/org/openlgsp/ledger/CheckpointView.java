package org.openlgsp.ledger;

import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.Digests;

/**
 * A published checkpoint as the auditor API lists it ({@code GET /ledger/v1/checkpoints}): tree
 * size, root hash (base64), when it was made, the signed note with its cosignatures and the RFC
 * 3161 token (base64; empty when none).
 */
public record CheckpointView(
    long size, String rootHash, Instant createdAt, String note, String timestampToken) {
  public CheckpointView {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(timestampToken, "timestampToken");
  }

  static CheckpointView of(StoredCheckpoint c) {
    return new CheckpointView(
        c.size(),
        c.checkpoint().head().rootBase64(),
        c.createdAt(),
        c.note().format(),
        c.timestampToken().map(Digests::base64).orElse(""));
  }

  /** The time-stamp token's bytes, when the checkpoint has one. */
  Optional<byte[]> timestamp() {
    return timestampToken.isEmpty()
        ? Optional.empty()
        : Optional.of(Base64.getDecoder().decode(timestampToken));
  }
}
