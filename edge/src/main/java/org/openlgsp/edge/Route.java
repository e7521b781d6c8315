package org.openlgsp.edge;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A declared route: method, path (Helidon path template, e.g. {@code /api/v1/grants/{id}}), who may
 * call it, whether it is audited, and its handler.
 *
 * <p>The declaration rules are checked here, so a listener cannot be built with a route that breaks
 * them: a state-changing method (POST, PUT, PATCH, DELETE) is never {@link Audit.NotAudited}; a
 * route that reads personal data (a data subject's records) is audited with an {@link
 * Audit.Action}.
 *
 * @param auditTarget what an audit row names as the target; by default the raw path and query
 */
public record Route(
    Method method,
    String path,
    Access access,
    Audit audit,
    boolean personalData,
    Function<ServerRequest, String> auditTarget,
    Handler handler) {
  private static final Set<Method> STATE_CHANGING =
      Set.of(Method.POST, Method.PUT, Method.PATCH, Method.DELETE);

  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(auditTarget, "auditTarget");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with /: " + path);
    }
    if (STATE_CHANGING.contains(method) && audit instanceof Audit.NotAudited) {
      throw new IllegalArgumentException(
          method.text()
              + " "
              + path
              + " changes state: audit it (Audit.action) or say where it is recorded"
              + " (Audit.recordedElsewhere)");
    }
    if (personalData && !(audit instanceof Audit.Action)) {
      throw new IllegalArgumentException(
          method.text() + " " + path + " reads personal data: it must be audited (Audit.action)");
    }
  }

  public static Builder get(String path) {
    return new Builder(Method.GET, path);
  }

  public static Builder post(String path) {
    return new Builder(Method.POST, path);
  }

  public static Builder put(String path) {
    return new Builder(Method.PUT, path);
  }

  public static Builder patch(String path) {
    return new Builder(Method.PATCH, path);
  }

  public static Builder delete(String path) {
    return new Builder(Method.DELETE, path);
  }

  /** True when the route changes state by its method. */
  public boolean changesState() {
    return STATE_CHANGING.contains(method);
  }

  /** The action name audit rows carry, when the edge audits this route. */
  public Optional<String> auditAction() {
    return audit instanceof Audit.Action a ? Optional.of(a.name()) : Optional.empty();
  }

  /** The raw path and query of a request, as audit rows name their target by default. */
  public static String pathAndQuery(ServerRequest req) {
    String query = req.query().rawValue();
    return req.path().rawPath() + (query.isEmpty() ? "" : "?" + query);
  }

  /** Declares a route step by step; {@link #handle} completes it. */
  public static final class Builder {
    private final Method method;
    private final String path;
    private Access access;
    private Audit audit;
    private boolean personalData;
    private Function<ServerRequest, String> auditTarget = Route::pathAndQuery;

    private Builder(Method method, String path) {
      this.method = method;
      this.path = path;
    }

    public Builder access(Access access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /** Shorthand for {@code access(Access.roles(names))}. */
    public Builder roles(String... names) {
      return access(Access.roles(names));
    }

    /** Shorthand for {@code access(Access.publicAccess(reason))}. */
    public Builder publicAccess(String reason) {
      return access(Access.publicAccess(reason));
    }

    public Builder audit(Audit audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** Shorthand for {@code audit(Audit.action(name))}. */
    public Builder audited(String action) {
      return audit(Audit.action(action));
    }

    /** Marks the route as reading personal data; it must then be audited. */
    public Builder personalData() {
      this.personalData = true;
      return this;
    }

    /** What audit rows name as the target, e.g. a keyed hash instead of a personal identifier. */
    public Builder auditTarget(Function<ServerRequest, String> target) {
      this.auditTarget = Objects.requireNonNull(target, "target");
      return this;
    }

    public Route handle(Handler handler) {
      if (access == null || audit == null) {
        throw new IllegalStateException(
            method.text() + " " + path + " needs a declared access and audit");
      }
      return new Route(method, path, access, audit, personalData, auditTarget, handler);
    }
  }
}
