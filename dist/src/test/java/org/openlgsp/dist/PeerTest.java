package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing peer skips with one visible line, or fails when its property requires it. */
class PeerTest {
  @Test
  void aMissingPeerSkipsWithOneLineUnlessRequired() {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    try {
      assertThatThrownBy(() -> Peer.require("example", false, "example-tool not found"))
          .isInstanceOf(TestAbortedException.class);
    } finally {
      System.setOut(out);
    }
    assertThat(printed.toString().strip())
        .isEqualTo(
            "SKIPPED example: example-tool not found (set -Dlgsp.example.required=true to fail)");

    System.setProperty("lgsp.example.required", "true");
    try {
      assertThatThrownBy(() -> Peer.require("example", false, "example-tool not found"))
          .isInstanceOf(AssertionFailedError.class)
          .hasMessageContaining("lgsp.example.required=true");
    } finally {
      System.clearProperty("lgsp.example.required");
    }
  }

  @Test
  void aPresentPeerLetsTheTestRun() {
    Peer.require("example", true, "never printed");
  }
}
