package org.openlgsp.ledger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Bulk-appends leaf hashes to a ledger database's Merkle tree in large transactions, without
 * records: for building big trees in benchmarks and for importing a tree computed elsewhere. Never
 * run it while a {@link Ledger} writes the same database.
 */
public final class TreeLoader {
  private TreeLoader() {}

  /** Appends the leaves; returns the new tree head. */
  public static TreeHead appendLeaves(
      Database db, Iterator<byte[]> leaves, int batch, Consumer<String> progress) {
    db.migrate("ledger");
    TreeStore store = new TreeStore(db);
    Frontier f = Frontier.load(store, Sql.read(db, TreeStore::leafCount));
    List<Frontier.Node> nodes = new ArrayList<>(batch * 2 + 64);
    long lastReport = f.size();
    while (leaves.hasNext()) {
      nodes.clear();
      for (int i = 0; i < batch && leaves.hasNext(); i++) {
        f.append(leaves.next(), nodes);
      }
      Sql.inTransaction(
          db,
          h -> {
            TreeStore.insert(h, nodes);
            return null;
          });
      if (f.size() - lastReport >= 1_000_000) {
        lastReport = f.size();
        progress.accept("tree holds " + f.size() + " leaves");
      }
    }
    return new TreeHead(f.size(), f.root());
  }
}
