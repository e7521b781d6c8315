package org.openlgsp.ledger;

/** Which gateway of an exchange wrote the record. */
public enum Side {
  CONSUMER,
  PROVIDER
}
