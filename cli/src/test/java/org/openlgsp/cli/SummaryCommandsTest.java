package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/**
 * {@code lgsp registry summary send|ranking} (docs/statistics.md, "Reported upward"): the ranking
 * read from a running registry, its refusals as one line with the code, and a summary refused
 * before anything is sent when this instance has no agreement with the one named. The whole path
 * (send, verify, rank) runs in {@code lgsp demo federation} (DemoCommandTest).
 */
class SummaryCommandsTest {
  @TempDir Path dir;

  @Test
  void theRankingIsReadAndItsRefusalsAreOneLineEach() throws Exception {
    Path config = registry();
    Files.writeString(dir.resolve("admin.token"), "admin");
    try (RegistryNode node =
        RegistryNode.start(
            "VN-TAYNINH",
            NodeConfig.read(config).registry().orElseThrow(),
            dir,
            new PrintStream(OutputStream.nullOutputStream()))) {
      String url = "http://127.0.0.1:" + node.port();
      CommandRun ok = ranking(url, "2026-12-01", "2026-12-08", "agency");
      CommandRun badBy = ranking(url, "2026-12-01", "2026-12-08", "system");
      CommandRun inverted = ranking(url, "2026-12-08", "2026-12-01", "agency");

      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("calls").contains("agency");
      assertThat(badBy.exit()).isEqualTo(2);
      assertThat(badBy.err()).startsWith("lgsp: query.filter_invalid:").doesNotContain("Exception");
      assertThat(inverted.exit()).isEqualTo(2);
      assertThat(inverted.err()).startsWith("lgsp: query.range_invalid:");
    }
  }

  @Test
  void aSummaryForAnInstanceWithoutAgreementIsRefusedBeforeAnythingIsSent() throws Exception {
    Path config = registry();
    Files.writeString(dir.resolve("admin.token"), "admin");
    Files.writeString(dir.resolve("stats.token"), "s");
    CommandRun r =
        CommandRun.run(
            "registry",
            "summary",
            "send",
            "-c",
            config.toString(),
            "--to",
            "VN-NDXP",
            "--day",
            "2026-12-06",
            // nothing listens there: the refusal comes first
            "--statistics",
            "http://127.0.0.1:1=" + dir.resolve("stats.token"),
            "--url",
            "http://127.0.0.1:1",
            "--token-file",
            dir.resolve("admin.token").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("lgsp: federation.not_agreed: no agreement between VN-TAYNINH and VN-NDXP");
  }

  private CommandRun ranking(String url, String from, String to, String by) {
    return CommandRun.run(
        "registry",
        "summary",
        "ranking",
        "--url",
        url,
        "--token-file",
        dir.resolve("admin.token").toString(),
        "--from",
        from,
        "--to",
        to,
        "--by",
        by);
  }

  /** A registry node.yaml of VN-TAYNINH, no federation. */
  private Path registry() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    Credentials key =
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "registry",
            "Test",
            List.of(),
            Duration.ofHours(1));
    Files.writeString(dir.resolve("signing.pem"), Pem.write(key.chain().toArray()));
    Files.writeString(dir.resolve("signing.key"), Pem.write(key.key()));
    Path file = dir.resolve("registry.yaml");
    Files.writeString(
        file,
        "instance: VN-TAYNINH\nregistry:\n  port: 0\n  database: jdbc:sqlite:data/r.db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes(StandardCharsets.UTF_8)))
            + "\n  signing: {certificate: signing.pem, key: signing.key}\n");
    return file;
  }
}
