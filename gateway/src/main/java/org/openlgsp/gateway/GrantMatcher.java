package org.openlgsp.gateway;

import java.util.List;
import org.openlgsp.core.Directory;

/**
 * Decides whether a grant admits a method and path. Patterns compare raw (still percent-encoded)
 * segments so an encoded slash can never widen a match; {@code *} is one segment, a final {@code
 * **} any rest.
 */
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
    String path = rawPath.isEmpty() ? "/" : rawPath;
    for (String pattern : g.pathPatterns()) {
      if (matches(pattern, path)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(String pattern, String path) {
    String[] p = segments(pattern);
    String[] s = segments(path);
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals("**") && i == p.length - 1) {
        return true;
      }
      if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
        return false;
      }
    }
    return p.length == s.length;
  }

  private static String[] segments(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }
}
