package org.openlgsp.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    return Sql.read(db, c -> read(c, ids));
  }

  static Map<Long, byte[]> read(Connection c, Set<Long> ids) throws SQLException {
    Map<Long, byte[]> found = new HashMap<>();
    Long[] all = ids.toArray(Long[]::new);
    for (int from = 0; from < all.length; from += MAX_IDS_PER_QUERY) {
      int to = Math.min(all.length, from + MAX_IDS_PER_QUERY);
      String marks = "?,".repeat(to - from);
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT id, hash FROM ledger_node WHERE id IN ("
                  + marks.substring(0, marks.length() - 1)
                  + ")")) {
        for (int i = from; i < to; i++) {
          p.setLong(i - from + 1, all[i]);
        }
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            found.put(r.getLong(1), r.getBytes(2));
          }
        }
      }
    }
    return found;
  }

  /** Leaves stored: the largest id is always the last leaf's (see {@link Merkle#nodeId}). */
  static long leafCount(Connection c) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery("SELECT MAX(id) FROM ledger_node")) {
      r.next();
      long max = r.getLong(1);
      return r.wasNull() ? 0 : max / 2 + 1;
    }
  }

  static void insert(Connection c, List<Frontier.Node> nodes) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO ledger_node (id, hash) VALUES (?, ?)")) {
      for (Frontier.Node n : nodes) {
        p.setLong(1, n.id());
        p.setBytes(2, n.hash());
        p.addBatch();
      }
      p.executeBatch();
    }
  }
}
