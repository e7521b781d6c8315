package org.openlgsp.edge.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited request: who ({@code actor}, the authenticated principal's name, never a credential),
 * what ({@code action}, the route's declared action), on what ({@code target}), with which outcome
 * ({@code ok} or the refusal's error code), why ({@code detail}, the refusal's client-safe detail),
 * from where ({@code source}, the peer address) and when.
 */
public record AuditEvent(
    String actor,
    String action,
    String target,
    String outcome,
    String detail,
    String source,
    Instant at) {
  /** The outcome of a request that succeeded. */
  public static final String OK = "ok";

  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(at, "at");
  }
}
