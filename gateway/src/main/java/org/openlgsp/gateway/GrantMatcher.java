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
    return !matching(grants, method, rawPath, rawPaths).isEmpty();
  }

  /**
   * The grants that admit the method and path, in their directory order (empty: none does).
   *
   * @throws LgspException {@code request.path_unsafe} as for {@link #admits}
   */
  static List<Directory.Grant> matching(
      List<Directory.Grant> grants, String method, String rawPath, boolean rawPaths) {
    if (!PathSegments.isSafe(rawPath)) {
      List<Directory.Grant> unrestricted =
          rawPaths
              ? grants.stream()
                  .filter(g -> methodAllowed(g, method) && g.pathPatterns().isEmpty())
                  .toList()
              : List.of();
      if (unrestricted.isEmpty()) {
        PathSegments.decode(rawPath); // throws the precise refusal
        throw new LgspException(ErrorCode.PATH_UNSAFE, "service path not allowed");
      }
      return unrestricted;
    }
    List<Directory.Grant> found = new java.util.ArrayList<>(1);
    for (Directory.Grant g : grants) {
      if (methodAllowed(g, method) && pathAllowed(g, rawPath)) {
        found.add(g);
      }
    }
    return found;
  }

  /**
   * Of the grants that admit a call's method and path, the first whose privacy policy admits its
   * purpose ({@code X-Road-Issue}) and officer ({@code X-Road-UserId}): its policy governs the
   * response.
   *
   * @throws LgspException {@code access.denied} when no grant admits method and path; {@code
   *     access.officer_required} when one admits the purpose but wants an officer the call does not
   *     name; {@code access.purpose_not_allowed} otherwise
   */
  static Directory.Grant choose(
      List<Directory.Grant> matching, String issue, String userId, String denied) {
    if (matching.isEmpty()) {
      throw new LgspException(ErrorCode.ACCESS_DENIED, denied);
    }
    boolean purposeFits = false;
    for (Directory.Grant g : matching) {
      if (g.policy().allowsPurpose(issue)) {
        purposeFits = true;
        if (g.policy().allowsOfficer(userId)) {
          return g;
        }
      }
    }
    if (purposeFits) {
      throw new LgspException(
          ErrorCode.OFFICER_REQUIRED,
          "the grant requires the officer's identifier in X-Road-UserId");
    }
    throw new LgspException(
        ErrorCode.PURPOSE_NOT_ALLOWED,
        issue.isBlank()
            ? "the grant allows only stated purposes: none stated in X-Road-Issue"
            : "purpose '" + issue + "' is not one the grant allows");
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
