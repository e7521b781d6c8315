package org.openlgsp.gateway.spi;

/**
 * Told about each exchange a gateway recorded in its ledger, after the ledger write, on the thread
 * that served the exchange. An observer must return at once (hand the observation to a queue or
 * update counters) and must not throw: the gateway catches what it throws and carries on, so an
 * observer can never fail an exchange, but a slow one would delay the answer.
 */
@FunctionalInterface
public interface ExchangeObserver {
  void observed(ExchangeObservation o);
}
