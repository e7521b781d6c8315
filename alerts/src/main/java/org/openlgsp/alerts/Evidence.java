package org.openlgsp.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an alert rests on: the time range of the events, how many there were, where the exchanges
 * are in the gateway's ledger (at most {@value #MAX_INDEXES}, the latest), and the rule's own
 * figures (client, threshold, baseline ...). No personal ID is ever among them.
 */
record Evidence(
    Instant from, Instant to, long count, List<Long> ledgerIndexes, Map<String, String> facts) {
  static final int MAX_INDEXES = 20;

  Evidence {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("evidence ends before it starts");
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0");
    }
    ledgerIndexes =
        List.copyOf(
            ledgerIndexes.size() > MAX_INDEXES
                ? ledgerIndexes.subList(ledgerIndexes.size() - MAX_INDEXES, ledgerIndexes.size())
                : ledgerIndexes);
    facts = java.util.Collections.unmodifiableMap(new TreeMap<>(facts));
  }

  /** Evidence of one moment and no exchange: a state the node is in. */
  static Evidence state(Instant at, Map<String, String> facts) {
    return new Evidence(at, at, 1, List.of(), facts);
  }
}
