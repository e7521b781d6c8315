package org.openlgsp.edge;

/**
 * What a route does once the edge has authenticated and authorised the caller. Failures are thrown:
 * an {@link org.openlgsp.core.LgspException} for anything the caller should see, anything else
 * becomes {@code internal.error}.
 */
@FunctionalInterface
public interface Handler {
  void handle(Call call) throws Exception;
}
