package org.openlgsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerBenchmarkNodeOptionsTest {
  private static final String[] HEAD = {"10", "500,1000", "separate"};

  private static String[] with(String... options) {
    String[] args = new String[HEAD.length + options.length];
    System.arraycopy(HEAD, 0, args, 0, HEAD.length);
    System.arraycopy(options, 0, args, HEAD.length, options.length);
    return args;
  }

  @Test
  void everyArgumentAfterThePathsReachesTheGatewayProcesses() {
    assertThat(
            PeerBenchmark.nodeOptions(
                with(
                    "-Xmx384m",
                    "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints",
                    "-XX:StartFlightRecording=filename=node-{node}.jfr,settings=profile")))
        .containsExactly(
            "-Xmx384m",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:+DebugNonSafepoints",
            "-XX:StartFlightRecording=filename=node-{node}.jfr,settings=profile");
  }

  @Test
  void theHeapIsCappedAt256MegabytesOnlyWhenNoOptionSetsIt() {
    assertThat(PeerBenchmark.nodeOptions(HEAD)).containsExactly("-Xmx256m");
    assertThat(PeerBenchmark.nodeOptions(with("-XX:StartFlightRecording=filename=a.jfr")))
        .containsExactly("-Xmx256m", "-XX:StartFlightRecording=filename=a.jfr");
    assertThat(PeerBenchmark.nodeOptions(with("-XX:MaxHeapSize=1g")))
        .containsExactly("-XX:MaxHeapSize=1g");
  }
}
