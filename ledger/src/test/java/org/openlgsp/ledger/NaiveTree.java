package org.openlgsp.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** RFC 9162 definitions transcribed recursively over a list of leaf hashes: the test oracle. */
final class NaiveTree {
  private NaiveTree() {}

  static byte[] mth(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return Merkle.emptyRoot();
    }
    if (leaves.size() == 1) {
      return leaves.get(0);
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    return Merkle.nodeHash(mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
  }

  static List<byte[]> path(int m, List<byte[]> leaves) {
    List<byte[]> out = new ArrayList<>();
    if (leaves.size() == 1) {
      return out;
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    if (m < k) {
      out.addAll(path(m, leaves.subList(0, k)));
      out.add(mth(leaves.subList(k, leaves.size())));
    } else {
      out.addAll(path(m - k, leaves.subList(k, leaves.size())));
      out.add(mth(leaves.subList(0, k)));
    }
    return out;
  }

  static List<byte[]> proof(int m, List<byte[]> leaves) {
    return subproof(m, leaves, true);
  }

  private static List<byte[]> subproof(int m, List<byte[]> leaves, boolean known) {
    List<byte[]> out = new ArrayList<>();
    int n = leaves.size();
    if (m == n) {
      if (!known) {
        out.add(mth(leaves));
      }
      return out;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m <= k) {
      out.addAll(subproof(m, leaves.subList(0, k), known));
      out.add(mth(leaves.subList(k, n)));
    } else {
      out.addAll(subproof(m - k, leaves.subList(k, n), false));
      out.add(mth(leaves.subList(0, k)));
    }
    return out;
  }

  /** The incremental tree under test: a frontier whose completed subtrees go into a map. */
  static final class Incremental implements Merkle.NodeSource {
    final Frontier frontier = Frontier.empty();
    final Map<Long, byte[]> stored = new HashMap<>();

    void append(byte[] leaf) {
      for (Frontier.Node n : frontier.append(leaf, new ArrayList<>())) {
        if (stored.put(n.id(), n.hash()) != null) {
          throw new AssertionError("node " + n.id() + " written twice");
        }
      }
    }

    @Override
    public Map<Long, byte[]> nodes(java.util.Set<Long> ids) {
      Map<Long, byte[]> out = new HashMap<>();
      for (long id : ids) {
        if (stored.containsKey(id)) {
          out.put(id, stored.get(id));
        }
      }
      return out;
    }
  }
}
