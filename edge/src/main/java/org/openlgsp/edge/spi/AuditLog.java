package org.openlgsp.edge.spi;

/**
 * Where a listener's audited requests are written, durably. The edge writes after the handler ran
 * (or was refused) and before nothing else: a failing write is logged and never changes the answer.
 */
@FunctionalInterface
public interface AuditLog {
  void record(AuditEvent event);
}
