package org.openlgsp.testpeers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs small test classes through a JUnit launcher of its own. The PATH they see is an empty folder
 * and every {@code lgsp.*.required} is passed explicitly (JUnit configuration parameters win over
 * the system properties CI sets).
 */
class PeerSkipReportTest {
  @TempDir Path emptyBin;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @RequiresPeer(Peer.XMLSEC1)
  static class NeedsXmlsec1 {
    @Test
    void one() {}

    @Test
    void two() {}
  }

  static class NeedsOpensslInOneMethod {
    @Test
    @RequiresPeer(Peer.OPENSSL)
    void usesOpenssl() {}

    @Test
    void doesNot() {}
  }

  static class NeedsNothing {
    @Test
    void runs() {}
  }

  static class FindsPostgresDown {
    @Test
    void connects() {
      new Peers(k -> null, k -> null).fail(Peer.POSTGRES, "unreachable at 127.0.0.1:1 (refused)");
    }
  }

  private TestExecutionSummary run(Map<String, String> parameters, Class<?>... classes) {
    LauncherDiscoveryRequestBuilder request =
        LauncherDiscoveryRequestBuilder.request()
            .configurationParameter(PeerExtension.PATH_PARAMETER, emptyBin.toString())
            .configurationParameters(parameters);
    for (Class<?> c : classes) {
      request.selectors(selectClass(c));
    }
    Launcher launcher =
        LauncherFactory.create(
            LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build());
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    launcher.execute(
        request.build(),
        new PeerSkipReport(new PrintStream(printed, true, StandardCharsets.UTF_8)),
        summary);
    return summary.getSummary();
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void missingPeersSkipWithOneLineEachAndASummaryAtTheEnd() {
    TestExecutionSummary summary =
        run(
            Map.of("lgsp.xmlsec1.required", "false", "lgsp.openssl.required", "false"),
            NeedsXmlsec1.class,
            NeedsOpensslInOneMethod.class,
            FindsPostgresDown.class);

    assertThat(summary.getTotalFailureCount()).isZero();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(printed().lines())
        .containsExactlyInAnyOrder(
            "SKIPPED (peer xmlsec1 not found; install it or set -Dlgsp.xmlsec1.required=true to"
                + " fail instead): PeerSkipReportTest$NeedsXmlsec1",
            "SKIPPED (peer openssl not found; install it or set -Dlgsp.openssl.required=true to"
                + " fail instead): PeerSkipReportTest$NeedsOpensslInOneMethod.usesOpenssl",
            "SKIPPED (peer postgres unreachable at 127.0.0.1:1 (refused); start it (or point"
                + " -Dlgsp.postgres.url at one) or set -Dlgsp.postgres.required=true to fail"
                + " instead): PeerSkipReportTest$FindsPostgresDown.connects",
            "4 tests skipped because peers are missing: xmlsec1 (2), openssl (1), postgres (1)"
                + " — run .ci/run or set -Dlgsp.<peer>.required=true");
    assertThat(printed().lines().toList().getLast()).startsWith("4 tests skipped");
  }

  @Test
  void requiredPeersThatAreMissingFailAndAreNotCountedAsSkipped() {
    TestExecutionSummary summary =
        run(
            Map.of("lgsp.xmlsec1.required", "true", "lgsp.openssl.required", "true"),
            NeedsXmlsec1.class,
            NeedsOpensslInOneMethod.class);

    assertThat(summary.getTotalFailureCount()).isEqualTo(2);
    assertThat(summary.getFailures())
        .extracting(f -> f.getException().getMessage())
        .containsExactlyInAnyOrder(
            "peer xmlsec1 is required (-Dlgsp.xmlsec1.required=true) but not found; install it",
            "peer openssl is required (-Dlgsp.openssl.required=true) but not found; install it");
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(printed()).isEmpty();
  }

  @Test
  void aRunWithoutMissingPeersPrintsNothing() {
    TestExecutionSummary summary =
        run(Map.of("lgsp.xmlsec1.required", "false"), NeedsNothing.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(printed()).isEmpty();
  }
}
