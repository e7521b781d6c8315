package org.openlgsp.ledger;

import java.util.Arrays;
import org.openlgsp.core.Digests;

/** A tree size and the RFC 9162 Merkle tree hash of the first {@code size} records. */
public record TreeHead(long size, byte[] rootHash) {
  public TreeHead {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    if (rootHash == null || rootHash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException("root hash must be 32 bytes");
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  public String rootBase64() {
    return Digests.base64(rootHash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeHead t && size == t.size && Arrays.equals(rootHash, t.rootHash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size) * 31 + Arrays.hashCode(rootHash);
  }

  @Override
  public String toString() {
    return "TreeHead[" + size + ", " + rootBase64() + "]";
  }
}
