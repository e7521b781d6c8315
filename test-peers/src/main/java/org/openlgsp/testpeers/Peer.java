package org.openlgsp.testpeers;

import java.util.List;

/**
 * An independent program or service that some tests check our output against, or run on. None is
 * needed to build: a test that needs a missing peer skips with one line, or fails when {@code
 * -Dlgsp.<name>.required=true} (as in {@code .ci/run}).
 */
public enum Peer {
  POSTGRES("postgres", "start it (or point -Dlgsp.postgres.url at one)", List.of(), List.of()),
  SOFTHSM("softhsm", "install it (softhsm2)", List.of("softhsm2-util"), List.of("--version")),
  OPENSSL("openssl", "install it", List.of("openssl"), List.of("version")),
  XMLSEC1("xmlsec1", "install it", List.of("xmlsec1"), List.of("--version")),
  NETNS("netns", "run as root with iproute2 installed", List.of("ip"), List.of("-V")),
  SYSTEMD_ANALYZE("systemd", "install it", List.of("systemd-analyze"), List.of("--version")),
  PROMTOOL(
      "promtool",
      "install it (Debian's prometheus package)",
      List.of("promtool"),
      List.of("--version")),
  HAPROXY("haproxy", "install it (Debian's haproxy package)", List.of("haproxy"), List.of("-v")),
  CHROMIUM(
      "chromium",
      "install it",
      List.of("chromium", "chromium-browser", "google-chrome"),
      List.of("--version")),
  /**
   * panva's certified OpenID provider ({@code oidc-provider} from the npm registry, installed by
   * {@code npm install --prefix test-peers/oidc}) run by Node.js: the console's OIDC sign-in tests
   * log in through it.
   */
  OIDC(
      "oidc",
      "install Node.js 20 or later and npm, then run: npm install --prefix test-peers/oidc",
      List.of("node"),
      // oidc-provider 9 runs on Node.js 20 and later: an older node is not this peer
      List.of("-e", "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)")),
  /** Debian's nginx, the mutual-TLS proxy chain OpenLGSP's exchange is measured against. */
  NGINX(
      "nginx",
      "install it (Debian's nginx; /usr/sbin on the PATH)",
      List.of("nginx"),
      List.of("-v"));

  private final String key;
  private final String hint;
  private final List<String> commands;
  private final List<String> probeArguments;

  Peer(String key, String hint, List<String> commands, List<String> probeArguments) {
    this.key = key;
    this.hint = hint;
    this.commands = commands;
    this.probeArguments = probeArguments;
  }

  /** The short name in skip lines and in the property, e.g. {@code xmlsec1}. */
  public String key() {
    return key;
  }

  /** {@code lgsp.<key>.required}: when {@code true} a missing peer fails the test. */
  public String requiredProperty() {
    return "lgsp." + key + ".required";
  }

  /** What to do about it, e.g. "install it". */
  String hint() {
    return hint;
  }

  /** Executables that provide the peer, first found on the PATH wins; empty for a service. */
  List<String> commands() {
    return commands;
  }

  /** Arguments for a harmless run proving the executable works. */
  List<String> probeArguments() {
    return probeArguments;
  }
}
