package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** For tests of a log that moved (a tenant's, docs/federation.md): is it provably continued? */
public final class Continuity {
  private Continuity() {}

  /**
   * Asserts that {@code after}'s first checkpoint beyond {@code before} continues it: both signed
   * by {@code key}, the consistency proof between them verifies, and a changed pre-move root does
   * not (the check can fail). Returns that checkpoint.
   */
  public static StoredCheckpoint assertContinues(
      StoredCheckpoint before, LedgerReader after, NoteVerifier key) {
    StoredCheckpoint next =
        after.checkpoints().stream()
            .filter(c -> c.size() > before.size())
            .findFirst()
            .orElseThrow();
    List<byte[]> proof = after.consistencyProof(before.size(), next.size());
    assertThat(before.note().verifiedBy(key)).isTrue();
    assertThat(next.note().verifiedBy(key)).isTrue();
    assertThat(
            Merkle.verifyConsistency(
                before.size(),
                next.size(),
                before.checkpoint().rootHash(),
                next.checkpoint().rootHash(),
                proof))
        .isTrue();
    byte[] other = before.checkpoint().rootHash().clone();
    other[0] ^= 1;
    assertThat(
            Merkle.verifyConsistency(
                before.size(), next.size(), other, next.checkpoint().rootHash(), proof))
        .isFalse();
    return next;
  }
}
