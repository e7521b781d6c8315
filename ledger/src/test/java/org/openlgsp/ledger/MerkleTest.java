package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] leaf(String s) {
    return Merkle.leafHash(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(leaf("entry-" + i));
    }
    return out;
  }

  private static NaiveTree.Incremental incremental(List<byte[]> leaves) {
    NaiveTree.Incremental t = new NaiveTree.Incremental();
    leaves.forEach(t::append);
    return t;
  }

  @Test
  void knownAnswersFromTheDefinitions() {
    assertThat(HEX.formatHex(Merkle.emptyRoot()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(HEX.formatHex(Merkle.leafHash(new byte[0]))).startsWith("6e340b9c");
    assertThat(HEX.formatHex(leaf("a")))
        .isEqualTo("022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c");
    NaiveTree.Incremental t = new NaiveTree.Incremental();
    assertThat(t.frontier.root()).isEqualTo(Merkle.emptyRoot());
    t.append(leaf("a"));
    assertThat(t.frontier.root()).isEqualTo(leaf("a"));
    t.append(leaf("b"));
    assertThat(HEX.formatHex(t.frontier.root()))
        .isEqualTo("b137985ff484fb600db93107c77b0365c80d78f5b429ded0fd97361d077999eb");
    t.append(leaf("c"));
    assertThat(java.util.Base64.getEncoder().encodeToString(t.frontier.root()))
        .isEqualTo("NmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=");
    assertThat(Merkle.root(t, 3)).isEqualTo(t.frontier.root());
    assertThat(Merkle.inclusionPath(t, 2, 3))
        .containsExactly(Merkle.nodeHash(leaf("a"), leaf("b")));
    assertThat(Merkle.consistencyProof(t, 2, 3)).containsExactly(leaf("c"));
    assertThat(Merkle.consistencyProof(t, 1, 3)).containsExactly(leaf("b"), leaf("c"));
  }

  @Test
  void rfcSevenLeafExample() {
    List<byte[]> d = leaves(7);
    byte[] a = d.get(0), b = d.get(1), c = d.get(2), dd = d.get(3);
    byte[] e = d.get(4), f = d.get(5), j = d.get(6);
    byte[] g = Merkle.nodeHash(a, b), h = Merkle.nodeHash(c, dd), i = Merkle.nodeHash(e, f);
    byte[] k = Merkle.nodeHash(g, h), l = Merkle.nodeHash(i, j);
    NaiveTree.Incremental t = incremental(d);
    assertThat(t.frontier.root()).isEqualTo(Merkle.nodeHash(k, l));
    assertThat(Merkle.inclusionPath(t, 0, 7)).containsExactly(b, h, l);
    assertThat(Merkle.inclusionPath(t, 3, 7)).containsExactly(c, g, l);
    assertThat(Merkle.inclusionPath(t, 4, 7)).containsExactly(f, j, k);
    assertThat(Merkle.inclusionPath(t, 6, 7)).containsExactly(i, k);
    assertThat(Merkle.consistencyProof(t, 3, 7)).containsExactly(c, dd, g, l);
    assertThat(Merkle.consistencyProof(t, 4, 7)).containsExactly(l);
    assertThat(Merkle.consistencyProof(t, 6, 7)).containsExactly(i, j, k);
  }

  @Test
  void everyInclusionProofUpTo70LeavesMatchesTheDefinitionAndVerifies() {
    List<byte[]> all = leaves(70);
    NaiveTree.Incremental t = new NaiveTree.Incremental();
    for (int n = 1; n <= all.size(); n++) {
      t.append(all.get(n - 1));
      List<byte[]> prefix = all.subList(0, n);
      byte[] root = NaiveTree.mth(prefix);
      assertThat(t.frontier.root()).as("root of %d", n).isEqualTo(root);
      assertThat(Merkle.root(t, n)).isEqualTo(root);
      for (int m = 0; m < n; m++) {
        List<byte[]> path = Merkle.inclusionPath(t, m, n);
        assertThat(path)
            .as("path %d of %d", m, n)
            .containsExactlyElementsOf(NaiveTree.path(m, prefix));
        assertThat(Merkle.verifyInclusion(m, n, all.get(m), path, root)).isTrue();
        assertThat(Merkle.verifyInclusion(m, n, all.get((m + 1) % 70), path, root)).isFalse();
        if (n > 1) {
          assertThat(Merkle.verifyInclusion((m + 1) % n, n, all.get(m), path, root)).isFalse();
          List<byte[]> bent = new ArrayList<>(path);
          byte[] flipped = bent.get(0).clone();
          flipped[7] ^= 1;
          bent.set(0, flipped);
          assertThat(Merkle.verifyInclusion(m, n, all.get(m), bent, root)).isFalse();
          assertThat(Merkle.verifyInclusion(m, n, all.get(m), path.subList(1, path.size()), root))
              .isFalse();
        }
      }
    }
  }

  @Test
  void everyConsistencyProofUpTo70LeavesMatchesTheDefinitionAndVerifies() {
    List<byte[]> all = leaves(70);
    NaiveTree.Incremental t = incremental(all);
    for (int n = 1; n <= all.size(); n++) {
      byte[] second = NaiveTree.mth(all.subList(0, n));
      for (int m = 0; m <= n; m++) {
        byte[] first = NaiveTree.mth(all.subList(0, m));
        List<byte[]> proof = Merkle.consistencyProof(t, m, n);
        if (m > 0 && m < n) {
          assertThat(proof)
              .as("proof %d..%d", m, n)
              .containsExactlyElementsOf(NaiveTree.proof(m, all.subList(0, n)));
        } else {
          assertThat(proof).isEmpty();
        }
        assertThat(Merkle.verifyConsistency(m, n, first, second, proof))
            .as("%d..%d", m, n)
            .isEqualTo(m > 0);
        if (m > 0 && m < n) {
          byte[] forked = first.clone();
          forked[0] ^= 1;
          assertThat(Merkle.verifyConsistency(m, n, forked, second, proof)).isFalse();
          assertThat(Merkle.verifyConsistency(m, n, first, forked, proof)).isFalse();
          assertThat(Merkle.verifyConsistency(m, n, first, second, List.of())).isFalse();
          if (proof.size() > 1) {
            assertThat(
                    Merkle.verifyConsistency(
                        m, n, first, second, proof.subList(0, proof.size() - 1)))
                .isFalse();
          }
        }
      }
    }
  }

  @Test
  void incrementalTreeAgreesWithNaiveTreeOnRandomSizes() {
    Random random = new Random(9162);
    List<byte[]> all = leaves(3000);
    NaiveTree.Incremental t = incremental(all);
    for (int round = 0; round < 300; round++) {
      int n = 1 + random.nextInt(all.size());
      List<byte[]> prefix = all.subList(0, n);
      byte[] root = NaiveTree.mth(prefix);
      assertThat(Merkle.root(t, n)).isEqualTo(root);
      int m = random.nextInt(n);
      assertThat(Merkle.inclusionPath(t, m, n))
          .containsExactlyElementsOf(NaiveTree.path(m, prefix));
      int old = 1 + random.nextInt(n);
      List<byte[]> proof = Merkle.consistencyProof(t, old, n);
      assertThat(Merkle.verifyConsistency(old, n, NaiveTree.mth(all.subList(0, old)), root, proof))
          .isTrue();
      if (old < n) {
        assertThat(proof).containsExactlyElementsOf(NaiveTree.proof(old, prefix));
      }
    }
    assertThat(t.frontier.root()).isEqualTo(NaiveTree.mth(all));
  }

  @Test
  void storedNodesAreExactlyThePerfectSubtrees() {
    NaiveTree.Incremental t = incremental(leaves(1000));
    // 1000 leaves + 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1 perfect interior subtrees
    assertThat(t.stored).hasSize(1000 + 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1);
    assertThat(t.stored.keySet().stream().mapToLong(Long::longValue).max().orElseThrow() / 2 + 1)
        .isEqualTo(1000);
  }

  @Test
  void proofRequestsOutsideTheTreeAreRefused() {
    NaiveTree.Incremental t = incremental(leaves(5));
    assertThatThrownBy(() -> Merkle.inclusionPath(t, 5, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Merkle.consistencyProof(t, 6, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Merkle.verifyInclusion(0, 0, leaf("x"), List.of(), Merkle.emptyRoot())).isFalse();
    assertThat(Merkle.verifyConsistency(-1, 5, leaf("x"), leaf("y"), List.of())).isFalse();
  }

  @Test
  void consistencyFromTheEmptyTreeIsRefusedAsTheReferenceVerifierDoes() {
    // transparency-dev/merkle proof.RootFromConsistencyProof: "consistency proof from empty tree
    // is meaningless" -- whatever the roots and the proof
    List<byte[]> all = leaves(5);
    byte[] root = NaiveTree.mth(all);
    assertThat(Merkle.verifyConsistency(0, 5, Merkle.emptyRoot(), root, List.of())).isFalse();
    assertThat(Merkle.verifyConsistency(0, 5, root, root, List.of())).isFalse();
    assertThat(Merkle.verifyConsistency(0, 5, Merkle.emptyRoot(), root, List.of(root))).isFalse();
    // equal sizes still need equal roots and an empty proof, also at size 0
    assertThat(Merkle.verifyConsistency(0, 0, Merkle.emptyRoot(), Merkle.emptyRoot(), List.of()))
        .isTrue();
    assertThat(Merkle.verifyConsistency(5, 5, root, root, List.of(root))).isFalse();
  }

  @Test
  void hashesOfTheWrongLengthAreRefused() {
    List<byte[]> all = leaves(8);
    NaiveTree.Incremental t = incremental(all);
    byte[] root = NaiveTree.mth(all);
    List<byte[]> path = Merkle.inclusionPath(t, 3, 8);
    assertThat(Merkle.verifyInclusion(3, 8, all.get(3), path, root)).isTrue();
    byte[] longLeaf = java.util.Arrays.copyOf(all.get(3), 33);
    assertThat(Merkle.verifyInclusion(3, 8, longLeaf, path, root)).isFalse();
    assertThat(Merkle.verifyInclusion(3, 8, new byte[0], path, root)).isFalse();
    assertThat(Merkle.verifyInclusion(3, 8, all.get(3), path, java.util.Arrays.copyOf(root, 31)))
        .isFalse();
    List<byte[]> shortStep = new ArrayList<>(path);
    shortStep.set(1, java.util.Arrays.copyOf(path.get(1), 16));
    assertThat(Merkle.verifyInclusion(3, 8, all.get(3), shortStep, root)).isFalse();
    // a one-leaf tree: no path, the leaf hash is the root; a 31-byte "hash" must not pass
    byte[] one = NaiveTree.mth(all.subList(0, 1));
    assertThat(Merkle.verifyInclusion(0, 1, one, List.of(), one)).isTrue();
    byte[] cut = java.util.Arrays.copyOf(one, 31);
    assertThat(Merkle.verifyInclusion(0, 1, cut, List.of(), cut)).isFalse();
    // consistency: equal sizes compare roots only, but both must still be hashes
    assertThat(Merkle.verifyConsistency(4, 4, cut, cut, List.of())).isFalse();
    List<byte[]> proof = Merkle.consistencyProof(t, 3, 8);
    byte[] first = NaiveTree.mth(all.subList(0, 3));
    assertThat(Merkle.verifyConsistency(3, 8, first, root, proof)).isTrue();
    List<byte[]> stretched = new ArrayList<>(proof);
    stretched.set(0, java.util.Arrays.copyOf(proof.get(0), 64));
    assertThat(Merkle.verifyConsistency(3, 8, first, root, stretched)).isFalse();
  }
}
