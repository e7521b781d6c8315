package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

class LedgerTreeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void treeOverStoredRecordsMatchesTheDefinitionAndSurvivesReopen(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      List<byte[]> leaves = new ArrayList<>();
      TreeHead at37;
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        assertThat(ledger.head()).isEqualTo(new TreeHead(0, Merkle.emptyRoot()));
        for (int i = 0; i < 75; i++) {
          ExchangeRecord r = Records.sample("m-" + i);
          leaves.add(Merkle.leafHash(r.canonical()));
          ledger.append(r);
          if (i == 36) {
            at37 = ledger.head();
          }
        }
        at37 = ledger.headAt(37);
        assertThat(at37.rootHash()).isEqualTo(NaiveTree.mth(leaves.subList(0, 37)));
        assertThat(ledger.head().rootHash()).isEqualTo(NaiveTree.mth(leaves));
      }
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        TreeHead head = ledger.head();
        assertThat(head.size()).isEqualTo(75);
        assertThat(head.rootHash()).isEqualTo(NaiveTree.mth(leaves));
        for (int i = 0; i < 75; i++) {
          assertThat(
                  Merkle.verifyInclusion(
                      i, 75, leaves.get(i), ledger.inclusionProof(i, 75), head.rootHash()))
              .isTrue();
        }
        assertThat(
                Merkle.verifyConsistency(
                    37, 75, at37.rootHash(), head.rootHash(), ledger.consistencyProof(37, 75)))
            .isTrue();
        ledger.append(Records.sample("after-reopen"));
        leaves.add(Records.sample("after-reopen").leafHash());
        assertThat(ledger.head().rootHash()).isEqualTo(NaiveTree.mth(leaves));
        assertThatThrownBy(() -> ledger.inclusionProof(0, 1000)).isInstanceOf(LgspException.class);
        assertThatThrownBy(() -> ledger.consistencyProof(10, 5)).isInstanceOf(LgspException.class);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void recordsWithoutTreeNodesAreHashedInAtOpen(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      List<byte[]> leaves = new ArrayList<>();
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        for (int i = 0; i < 40; i++) {
          ledger.append(Records.sample("b-" + i));
          leaves.add(Records.sample("b-" + i).leafHash());
        }
      }
      // as left by a version without the tree: records only
      Sql.inTransaction(db, h -> h.execute("DELETE FROM ledger_node"));
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        assertThat(ledger.head().rootHash()).isEqualTo(NaiveTree.mth(leaves));
        assertThat(ledger.inclusionProof(39, 40))
            .containsExactlyElementsOf(NaiveTree.path(39, leaves));
      }
    }
  }
}
