package org.openlgsp.ledger;

import java.util.List;
import java.util.Objects;
import org.openlgsp.core.Digests;

/**
 * The inclusion proof of record {@code index} in the tree of {@code treeSize} records: its leaf
 * hash and audit path (base64) and the signed checkpoint of that size, so the proof can be checked
 * with the checkpoint alone.
 */
public record InclusionProof(
    long index, long treeSize, String leafHash, List<String> path, String checkpoint)
    implements SubjectAccessReport.Proof {
  public InclusionProof {
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException("index must be in 0..treeSize-1");
    }
    Objects.requireNonNull(leafHash, "leafHash");
    path = List.copyOf(path);
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  static InclusionProof of(
      long index, long treeSize, byte[] leafHash, List<byte[]> path, StoredCheckpoint checkpoint) {
    return new InclusionProof(
        index,
        treeSize,
        Digests.base64(leafHash),
        path.stream().map(Digests::base64).toList(),
        checkpoint.note().format());
  }
}
