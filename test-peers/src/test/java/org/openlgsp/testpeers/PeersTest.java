package org.openlgsp.testpeers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Every lookup is injected: CI runs with all {@code -Dlgsp.*.required=true} and its own PATH, and
 * none of that may change what these tests see.
 */
class PeersTest {
  @TempDir Path bin;

  private Peers peers(Map<String, String> properties) {
    return new Peers(properties::get, k -> k.equals("PATH") ? bin.toString() : null);
  }

  private void executable(String name, String script) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aProgramNotOnThePathIsMissingAndSkipsWithTheLineToPrint() {
    Peers peers = peers(Map.of());

    assertThat(peers.whyMissing(Peer.XMLSEC1)).contains("not found");
    assertThatThrownBy(() -> peers.check(Peer.XMLSEC1))
        .isExactlyInstanceOf(PeerMissingException.class)
        .hasMessage(
            "peer xmlsec1 not found; install it or set -Dlgsp.xmlsec1.required=true to fail"
                + " instead");
  }

  @Test
  void aRequiredPeerThatIsMissingFailsTheTestInstead() {
    Peers peers = peers(Map.of("lgsp.xmlsec1.required", "true"));

    assertThatThrownBy(() -> peers.check(Peer.XMLSEC1))
        .isExactlyInstanceOf(AssertionFailedError.class)
        .hasMessage(
            "peer xmlsec1 is required (-Dlgsp.xmlsec1.required=true) but not found; install it");
  }

  @Test
  void onlyTheInjectedPropertiesDecideWhatIsRequired() {
    assertThat(peers(Map.of()).required(Peer.OPENSSL)).isFalse();
    assertThat(peers(Map.of("lgsp.openssl.required", "false")).required(Peer.OPENSSL)).isFalse();
    assertThat(peers(Map.of("lgsp.openssl.required", "true")).required(Peer.OPENSSL)).isTrue();
    assertThat(peers(Map.of("lgsp.openssl.required", "true")).required(Peer.XMLSEC1)).isFalse();
  }

  @Test
  void aProgramOnThePathThatRunsIsAvailable() throws IOException {
    executable("openssl", "[ \"$1\" = version ] && echo 'OpenSSL 3' && exit 0; exit 9");
    Peers peers = peers(Map.of());

    assertThat(peers.whyMissing(Peer.OPENSSL)).isEmpty();
    peers.check(Peer.OPENSSL);
  }

  @Test
  void aProgramThatDoesNotRunIsMissingWithItsFirstLineOfOutput() throws IOException {
    executable("xmlsec1", "echo 'libxmlsec1.so: cannot open shared object'; exit 127");

    assertThat(peers(Map.of()).whyMissing(Peer.XMLSEC1))
        .contains(
            "not runnable ('xmlsec1 --version' exited 127: libxmlsec1.so: cannot open shared"
                + " object)");
  }

  @Test
  void aFileThatIsNotExecutableIsNotOnThePath() throws IOException {
    Files.writeString(bin.resolve("softhsm2-util"), "#!/bin/sh\nexit 0\n");

    assertThat(peers(Map.of()).whyMissing(Peer.SOFTHSM)).contains("not found");
  }

  @Test
  void chromiumIsFoundUnderAnyOfItsNames() throws IOException {
    executable("chromium-browser", "exit 0");

    assertThat(peers(Map.of()).whyMissing(Peer.CHROMIUM)).isEmpty();
  }

  @Test
  void networkNamespacesAreMissingWhenIpCannotCreateOne() throws IOException {
    executable(
        "ip",
        "[ \"$1\" = -V ] && exit 0; echo 'mount --make-shared /run/netns failed: Operation not permitted'; exit 1");

    assertThat(peers(Map.of()).whyMissing(Peer.NETNS).orElseThrow())
        .startsWith("cannot create network namespaces ('ip netns add lgsp-probe-")
        .endsWith("exited 1: mount --make-shared /run/netns failed: Operation not permitted)");
  }

  @Test
  void networkNamespacesAreAvailableWhenIpCreatesAndDeletesOne() throws IOException {
    Path log = bin.resolve("calls");
    executable("ip", "echo \"$@\" >> " + log + "; exit 0");

    assertThat(peers(Map.of()).whyMissing(Peer.NETNS)).isEmpty();
    assertThat(Files.readAllLines(log))
        .hasSize(3)
        .satisfies(l -> assertThat(l.get(1)).startsWith("netns add lgsp-probe-"))
        .satisfies(l -> assertThat(l.get(2)).startsWith("netns delete lgsp-probe-"));
  }

  @Test
  void postgresIsMissingWhenNothingListensAtTheUrlsAddress() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Peers peers =
        peers(Map.of("lgsp.postgres.url", "jdbc:postgresql://127.0.0.1:" + port + "/test"));

    assertThat(peers.whyMissing(Peer.POSTGRES).orElseThrow())
        .startsWith("unreachable at 127.0.0.1:" + port + " (");
  }

  @Test
  void postgresIsAvailableWhenSomethingListensAtTheUrlsAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      Peers peers =
          peers(
              Map.of(
                  "lgsp.postgres.url",
                  "jdbc:postgresql://127.0.0.1:" + s.getLocalPort() + "/test?user=x"));

      assertThat(peers.whyMissing(Peer.POSTGRES)).isEmpty();
    }
  }

  @Test
  void whatATestFoundMissingSkipsOrFailsLikeADeclaredPeer() {
    assertThatThrownBy(
            () -> peers(Map.of()).fail(Peer.POSTGRES, "unreachable at db:5432 (refused)"))
        .isExactlyInstanceOf(PeerMissingException.class)
        .hasMessage(
            "peer postgres unreachable at db:5432 (refused); start it (or point"
                + " -Dlgsp.postgres.url at one) or set -Dlgsp.postgres.required=true to fail"
                + " instead");
    assertThatThrownBy(
            () ->
                peers(Map.of("lgsp.postgres.required", "true"))
                    .fail(Peer.POSTGRES, "unreachable at db:5432 (refused)"))
        .isExactlyInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith(
            "peer postgres is required (-Dlgsp.postgres.required=true) but unreachable at"
                + " db:5432");
  }

  @Test
  void theOpenIdProviderNeedsNodeOnThePath() {
    assertThat(peers(Map.of()).whyMissing(Peer.OIDC)).contains("not found");
    assertThat(Peers.skipReason(Peer.OIDC, "not found"))
        .contains("npm install --prefix test-peers/oidc")
        .contains("-Dlgsp.oidc.required=true");
  }

  @Test
  void eachPeerHasItsDocumentedProperty() {
    assertThat(Peer.values())
        .extracting(Peer::requiredProperty)
        .containsExactly(
            "lgsp.postgres.required",
            "lgsp.softhsm.required",
            "lgsp.openssl.required",
            "lgsp.xmlsec1.required",
            "lgsp.netns.required",
            "lgsp.systemd.required",
            "lgsp.promtool.required",
            "lgsp.haproxy.required",
            "lgsp.chromium.required",
            "lgsp.oidc.required",
            "lgsp.nginx.required");
  }
}
