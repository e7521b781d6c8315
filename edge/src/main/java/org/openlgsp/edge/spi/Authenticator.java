package org.openlgsp.edge.spi;

import io.helidon.webserver.http.ServerRequest;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Principal;

/**
 * Establishes who is calling a route whose access names roles. The edge calls it before the
 * handler, then checks the principal's roles against the route's.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * The caller presenting this request's credentials.
   *
   * @throws LgspException with the listener's 401 code when credentials are missing or not
   *     accepted; its detail must not reveal which part of a credential was wrong
   */
  Principal authenticate(ServerRequest request);
}
