package org.openlgsp.ledger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openlgsp.core.Digests;

/**
 * RFC 9162 §2.1 Merkle tree hashing over SHA-256: leaf and node hashes, inclusion and consistency
 * proof generation from stored perfect-subtree hashes, and the verification algorithms of §2.1.3.2
 * and §2.1.4.2.
 *
 * <p>Stored hashes are addressed by {@link #nodeId}: the perfect subtree at {@code level} (a leaf
 * is level 0) covering leaves {@code [index·2^level, (index+1)·2^level)}. Proofs need only O(log n)
 * of them.
 */
public final class Merkle {
  /** Hash length in bytes. */
  public static final int HASH_SIZE = 32;

  /** Longest proof accepted by the verifiers (trees up to 2^63 leaves need fewer). */
  static final int MAX_PROOF = 64;

  /** One digest per thread: looking a provider up per hash costs more than the hash itself. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digests::sha256);

  private Merkle() {}

  /** MTH({}) = SHA-256 of nothing. */
  static byte[] emptyRoot() {
    return Digests.sha256(new byte[0]);
  }

  /** SHA-256(0x00 || entry). */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest sha = SHA256.get();
    sha.update((byte) 0);
    return sha.digest(entry);
  }

  /** SHA-256(0x01 || left || right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = SHA256.get();
    sha.update((byte) 1);
    sha.update(left);
    return sha.digest(right);
  }

  /**
   * The in-order number of a perfect subtree: leaves get even numbers {@code 2i}, the subtree over
   * leaves {@code [a, b)} gets the number between the ones of its first and last leaf. Every id is
   * at most the id of the last leaf of its span, so {@code MAX(id) / 2 + 1} is the leaf count.
   */
  static long nodeId(int level, long index) {
    return (index << (level + 1)) | ((1L << level) - 1);
  }

  /** Reads perfect-subtree hashes by {@link #nodeId}. */
  @FunctionalInterface
  interface NodeSource {
    /** The hashes of the given ids; every id must be present. */
    Map<Long, byte[]> nodes(Set<Long> ids);
  }

  /** MTH of the first {@code size} leaves. */
  static byte[] root(NodeSource source, long size) {
    if (size == 0) {
      return emptyRoot();
    }
    return new Computation(source).run(c -> c.mth(0, size));
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]), nearest the leaf first. */
  static List<byte[]> inclusionPath(NodeSource source, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " outside a tree of size " + size);
    }
    return new Computation(source)
        .run(
            c -> {
              List<byte[]> path = new ArrayList<>();
              c.path(index, 0, size, path);
              return path;
            });
  }

  /** RFC 9162 §2.1.4.1 PROOF(first, D[second]); empty when first is 0 or equals second. */
  static List<byte[]> consistencyProof(NodeSource source, long first, long second) {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("need 0 <= first <= second");
    }
    if (first == 0 || first == second) {
      return List.of();
    }
    return new Computation(source)
        .run(
            c -> {
              List<byte[]> proof = new ArrayList<>();
              c.subproof(first, 0, second, true, proof);
              return proof;
            });
  }

  /** RFC 9162 §2.1.3.2. */
  public static boolean verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> path, byte[] root) {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(root, "root");
    if (index < 0 || index >= size || path.size() > MAX_PROOF) {
      return false;
    }
    if (!hashSized(leafHash) || !hashSized(root) || !path.stream().allMatch(Merkle::hashSized)) {
      return false; // as transparency-dev/merkle: a hash of another length proves nothing
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * RFC 9162 §2.1.4.2, extended as the transparency-dev reference verifier does to {@code first ==
   * second} (equal roots, empty proof). A proof from the empty tree ({@code first == 0 < second})
   * is refused: it would prove nothing, and the reference verifier answers "consistency proof from
   * empty tree is meaningless". Callers that trust a first checkpoint on first sight (a witness at
   * first contact) must say so themselves instead of calling this.
   */
  public static boolean verifyConsistency(
      long first, long second, byte[] firstHash, byte[] secondHash, List<byte[]> proof) {
    Objects.requireNonNull(firstHash, "firstHash");
    Objects.requireNonNull(secondHash, "secondHash");
    if (first < 0 || first > second || proof.size() > MAX_PROOF) {
      return false;
    }
    if (!hashSized(firstHash)
        || !hashSized(secondHash)
        || !proof.stream().allMatch(Merkle::hashSized)) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstHash, secondHash);
    }
    if (first == 0 || proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if ((first & (first - 1)) == 0) {
      path.add(0, firstHash);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstHash) && MessageDigest.isEqual(sr, secondHash);
  }

  private static boolean hashSized(byte[] hash) {
    return hash != null && hash.length == HASH_SIZE;
  }

  /** Largest power of two strictly smaller than n (n > 1). */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * Runs a proof computation twice: first recording which stored hashes it needs, then, after one
   * batched read, for real. Keeps a proof at one database round trip.
   */
  private static final class Computation {
    private final NodeSource source;
    private Map<Long, byte[]> loaded;
    private final Set<Long> wanted = new LinkedHashSet<>();
    private static final byte[] PLACEHOLDER = new byte[HASH_SIZE];

    Computation(NodeSource source) {
      this.source = source;
    }

    <T> T run(java.util.function.Function<Computation, T> work) {
      work.apply(this);
      loaded = wanted.isEmpty() ? Map.of() : source.nodes(wanted);
      return work.apply(this);
    }

    /** MTH of leaves [start, end); start is aligned as every RFC recursion keeps it. */
    byte[] mth(long start, long end) {
      long n = end - start;
      if ((n & (n - 1)) == 0 && start % n == 0) {
        return stored(Long.numberOfTrailingZeros(n), start / n);
      }
      long k = split(n);
      return nodeHash(mth(start, start + k), mth(start + k, end));
    }

    private byte[] stored(int level, long index) {
      long id = nodeId(level, index);
      if (loaded == null) {
        wanted.add(id);
        return PLACEHOLDER;
      }
      byte[] h = loaded.get(id);
      if (h == null) {
        throw new IllegalStateException("tree node " + level + "/" + index + " is missing");
      }
      return h;
    }

    void path(long m, long start, long end, List<byte[]> out) {
      long n = end - start;
      if (n == 1) {
        return;
      }
      long k = split(n);
      if (m < k) {
        path(m, start, start + k, out);
        out.add(mth(start + k, end));
      } else {
        path(m - k, start + k, end, out);
        out.add(mth(start, start + k));
      }
    }

    void subproof(long m, long start, long end, boolean known, List<byte[]> out) {
      long n = end - start;
      if (m == n) {
        if (!known) {
          out.add(mth(start, end));
        }
        return;
      }
      long k = split(n);
      if (m <= k) {
        subproof(m, start, start + k, known, out);
        out.add(mth(start + k, end));
      } else {
        subproof(m - k, start + k, end, false, out);
        out.add(mth(start, start + k));
      }
    }
  }
}
