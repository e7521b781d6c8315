package org.openlgsp.ledger;

/** Which gateway of an exchange wrote the record. */
public enum Side {
  CONSUMER,
  PROVIDER,
  /** A hub gateway relaying a sealed exchange: digests and signatures only (docs/federation.md). */
  RELAY
}
