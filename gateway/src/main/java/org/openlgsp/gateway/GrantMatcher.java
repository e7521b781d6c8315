package org.openlgsp.gateway;

import java.util.List;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.PathSegments;

/**
 * Decides whether a grant admits a method and a raw (still percent-encoded) path. A path that could
 * name another resource to a backend ({@link PathSegments}: encoded {@code /} or {@code \},
 * dot-segments, control characters, double encoding) is refused as {@code request.path_unsafe}
 * unless the service takes raw paths and a grant without path patterns admits the method: no path
 * pattern ever matches such a path.
 */
final class GrantMatcher {
  private GrantMatcher() {}

  /**
   * As the consumer gateway asks: it cannot see which services the provider lets take raw paths, so
   * an unsafe path under a grant without path patterns is left to the provider to refuse.
   */
  static boolean admits(List<Directory.Grant> grants, String method, String rawPath) {
    return admits(grants, method, rawPath, true);
  }

  /**
   * @param rawPaths whether the service takes unsafe paths: on the provider, its gateway's {@code
   *     rawPathServices}; on the consumer, which cannot know, true (the provider decides)
   * @throws LgspException {@code request.path_unsafe} as above
   */
  static boolean admits(
      List<Directory.Grant> grants, String method, String rawPath, boolean rawPaths) {
    if (!PathSegments.isSafe(rawPath)) {
      boolean unrestricted =
          rawPaths
              && grants.stream()
                  .anyMatch(g -> methodAllowed(g, method) && g.pathPatterns().isEmpty());
      if (!unrestricted) {
        PathSegments.decode(rawPath); // throws the precise refusal
        throw new LgspException(ErrorCode.PATH_UNSAFE, "service path not allowed");
      }
      return true;
    }
    for (Directory.Grant g : grants) {
      if (methodAllowed(g, method) && pathAllowed(g, rawPath)) {
        return true;
      }
    }
    return false;
  }

  private static boolean methodAllowed(Directory.Grant g, String method) {
    return g.methods().isEmpty() || g.methods().contains(method);
  }

  private static boolean pathAllowed(Directory.Grant g, String rawPath) {
    if (g.pathPatterns().isEmpty()) {
      return true;
    }
    for (PathPattern pattern : g.pathPatterns()) {
      if (pattern.matches(rawPath)) {
        return true;
      }
    }
    return false;
  }
}
