package org.openlgsp.dist;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * A test's independent peer (systemd-analyze, network namespaces): when it is missing the test is
 * skipped with one visible line, or fails when {@code -Dlgsp.<peer>.required=true} (as {@code
 * .ci/run} sets). A local stand-in for the shared {@code @RequiresPeer} until it is on main.
 */
final class Peer {
  private Peer() {}

  /**
   * @param peer the property's middle part, e.g. {@code systemd} for {@code lgsp.systemd.required}
   * @param present whether the peer is usable here
   * @param missing what is missing and how to provide it
   */
  static void require(String peer, boolean present, String missing) {
    if (present) {
      return;
    }
    String property = "lgsp." + peer + ".required";
    if (Boolean.getBoolean(property)) {
      fail(peer + " is required (" + property + "=true): " + missing);
    }
    String line = "SKIPPED " + peer + ": " + missing + " (set -D" + property + "=true to fail)";
    System.out.println(line);
    Assumptions.abort(line);
  }

  /** Whether {@code command} is an executable on the PATH. */
  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
