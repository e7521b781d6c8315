package org.openlgsp.ledger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/** The perfect-subtree hashes of the ledger's Merkle tree, one row per {@link Merkle#nodeId}. */
final class TreeStore implements Merkle.NodeSource {
  private static final int MAX_IDS_PER_QUERY = 500;
  private final Database db;

  TreeStore(Database db) {
    this.db = db;
  }

  @Override
  public Map<Long, byte[]> nodes(Set<Long> ids) {
    return Sql.read(db, h -> read(h, ids));
  }

  static Map<Long, byte[]> read(Handle h, Set<Long> ids) {
    Map<Long, byte[]> found = new HashMap<>();
    Long[] all = ids.toArray(Long[]::new);
    for (int from = 0; from < all.length; from += MAX_IDS_PER_QUERY) {
      int to = Math.min(all.length, from + MAX_IDS_PER_QUERY);
      String marks = "?,".repeat(to - from);
      Query q =
          h.createQuery(
              "SELECT id, hash FROM ledger_node WHERE id IN ("
                  + marks.substring(0, marks.length() - 1)
                  + ")");
      for (int i = from; i < to; i++) {
        q.bind(i - from, all[i].longValue());
      }
      q.reduceResultSet(
          found,
          (acc, r, ctx) -> {
            acc.put(r.getLong(1), r.getBytes(2));
            return acc;
          });
    }
    return found;
  }

  /** Leaves stored: the largest id is always the last leaf's (see {@link Merkle#nodeId}). */
  static long leafCount(Handle h) {
    return h.createQuery("SELECT MAX(id) FROM ledger_node")
        .map(
            (r, ctx) -> {
              long max = r.getLong(1);
              return r.wasNull() ? 0 : max / 2 + 1;
            })
        .one();
  }

  static void insert(Handle h, List<Frontier.Node> nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    PreparedBatch batch = h.prepareBatch("INSERT INTO ledger_node (id, hash) VALUES (?, ?)");
    for (Frontier.Node n : nodes) {
      batch.bind(0, n.id()).bind(1, n.hash()).add();
    }
    batch.execute();
  }
}
