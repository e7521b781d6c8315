package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testkit.Federation;

/** {@code lgsp serve --check}: checks a node file without starting anything. */
class ServeCheckTest {
  @TempDir Path dir;

  @Test
  void aSoundFileIsPrintedWithDefaultsFilledInAndSecretsRedacted() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(5))) {
      Path gateway = dir.resolve("tay-ninh-gateway.yaml");
      String secretHash =
          Files.readString(gateway).replaceAll("(?s).*secretSha256: \"?([0-9a-f]{64}).*", "$1");
      assertThat(secretHash).hasSize(64);

      CommandRun run = CommandRun.run("serve", "--check", "-c", gateway.toString());

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out())
          .contains("node: \"VN/GOV/000.00.00.H53/gw1\"")
          .contains("concurrentExchanges: 256") // a default the file leaves out
          .contains("checkpointEvery: 10000")
          .contains("secretSha256: \"(redacted)\"")
          .doesNotContain(secretHash)
          .endsWith("configuration OK: " + gateway + System.lineSeparator());
      Files.writeString(
          gateway, Files.readString(gateway).replaceFirst("\n  directoryCache: .*\n", "\n"));
      assertThat(CommandRun.run("serve", "--check", "-c", gateway.toString()).out())
          .contains("directoryCache: \"data/directory.cache\""); // the default, filled in
      CommandRun registry =
          CommandRun.run("serve", "--check", "-c", dir.resolve("registry.yaml").toString());
      assertThat(registry.exit()).as(registry.err()).isZero();
      assertThat(registry.out())
          .contains("adminTokenSha256: \"(redacted)\"")
          .contains("directoryValidity: \"PT1H\"")
          .contains("lockoutAfter: 5") // registry.console's defaults, filled in
          .contains("sessionTimeout: \"PT30M\"");
    }
  }

  @Test
  void aProblemIsOneLineAndExitTwo() throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file,
        "instance: VN\ngateway:\n  node: VN/GOV/000.00.00.H53/gw1\n  limits: {concurentExchanges: 1}\n");
    CommandRun typo = CommandRun.run("serve", "--check", "-c", file.toString());
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.out()).isEmpty();
    assertThat(typo.err().strip())
        .doesNotContain("\n")
        .endsWith(
            "gateway.limits.concurentExchanges: unknown key; valid keys: concurrentExchanges,"
                + " queueTimeout, connectionsPerListener");
  }

  @Test
  void aMissingKeyFileIsNamed() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(5))) {
      Files.delete(dir.resolve("pki/tn-signing.key"));
      CommandRun run =
          CommandRun.run("serve", "--check", "-c", dir.resolve("tay-ninh-gateway.yaml").toString());
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.err().strip()).doesNotContain("\n").contains("tn-signing.key");
    }
  }
}
