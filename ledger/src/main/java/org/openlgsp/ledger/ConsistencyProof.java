package org.openlgsp.ledger;

import java.util.List;
import org.openlgsp.core.Digests;

/** The consistency proof (base64 hashes) between the trees of {@code first} and {@code second}. */
public record ConsistencyProof(long first, long second, List<String> path) {
  public ConsistencyProof {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("consistency needs 0 <= first <= second");
    }
    path = List.copyOf(path);
  }

  static ConsistencyProof of(long first, long second, List<byte[]> path) {
    return new ConsistencyProof(first, second, path.stream().map(Digests::base64).toList());
  }
}
