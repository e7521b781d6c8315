package org.openlgsp.gateway;

import java.util.List;
import org.openlgsp.core.Directory;
import org.openlgsp.core.PathPattern;

/** Decides whether a grant admits a method and a raw (still percent-encoded) path. */
final class GrantMatcher {
  private GrantMatcher() {}

  static boolean admits(List<Directory.Grant> grants, String method, String rawPath) {
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
