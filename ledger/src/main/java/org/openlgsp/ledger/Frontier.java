package org.openlgsp.ledger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The right edge of a Merkle tree: one perfect-subtree hash per set bit of the size, largest first.
 * Appending a leaf merges equal-sized subtrees (RFC 9162 §2.1.2) and reports every perfect subtree
 * it completes, which is exactly what must be stored for later proofs. Not thread-safe; the ledger
 * writer works on a {@link #copy()} and swaps it in after its transaction commits.
 */
final class Frontier {
  private final List<byte[]> hashes;
  private long size;

  /** A completed perfect subtree to persist. */
  record Node(int level, long index, byte[] hash) {
    long id() {
      return Merkle.nodeId(level, index);
    }
  }

  private Frontier(List<byte[]> hashes, long size) {
    this.hashes = hashes;
    this.size = size;
  }

  static Frontier empty() {
    return new Frontier(new ArrayList<>(), 0);
  }

  /** Rebuilds the edge of a tree of {@code size} leaves from its stored perfect subtrees. */
  static Frontier load(Merkle.NodeSource source, long size) {
    List<Long> ids = new ArrayList<>();
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        ids.add(Merkle.nodeId(level, start >> level));
        start += 1L << level;
      }
    }
    Map<Long, byte[]> found = ids.isEmpty() ? Map.of() : source.nodes(new LinkedHashSet<>(ids));
    List<byte[]> hashes = new ArrayList<>();
    for (long id : ids) {
      byte[] h = found.get(id);
      if (h == null) {
        throw new IllegalStateException("tree node " + id + " is missing");
      }
      hashes.add(h);
    }
    return new Frontier(hashes, size);
  }

  Frontier copy() {
    return new Frontier(new ArrayList<>(hashes), size);
  }

  long size() {
    return size;
  }

  /** Adds a leaf hash; returns the leaf and every perfect subtree it completed. */
  List<Node> append(byte[] leafHash, List<Node> out) {
    long index = size;
    out.add(new Node(0, index, leafHash));
    byte[] current = leafHash;
    int level = 0;
    long i = index;
    while ((i & 1) == 1) {
      byte[] left = hashes.remove(hashes.size() - 1);
      current = Merkle.nodeHash(left, current);
      level++;
      i >>>= 1;
      out.add(new Node(level, i, current));
    }
    hashes.add(current);
    size++;
    return out;
  }

  /**
   * Adds a whole perfect subtree of {@code 2^level} leaves whose root is {@code hash}, when the
   * size is a multiple of {@code 2^level} (so the subtree is one of the tree's own). Completed
   * subtrees are not reported: this is for recomputing a tree, not for storing one.
   */
  void appendPerfect(byte[] hash, int level) {
    if (level < 0 || level > 62 || (size & ((1L << level) - 1)) != 0) {
      throw new IllegalArgumentException(
          "a subtree of 2^" + level + " leaves cannot start at " + size);
    }
    byte[] current = hash;
    long i = size >>> level;
    while ((i & 1) == 1) {
      current = Merkle.nodeHash(hashes.remove(hashes.size() - 1), current);
      i >>>= 1;
    }
    hashes.add(current);
    size += 1L << level;
  }

  /** MTH of the whole tree. */
  byte[] root() {
    if (hashes.isEmpty()) {
      return Merkle.emptyRoot();
    }
    byte[] r = hashes.get(hashes.size() - 1);
    for (int j = hashes.size() - 2; j >= 0; j--) {
      r = Merkle.nodeHash(hashes.get(j), r);
    }
    return r;
  }
}
