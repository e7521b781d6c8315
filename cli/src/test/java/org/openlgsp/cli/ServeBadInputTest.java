package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testkit.Federation;

/**
 * {@code lgsp serve -c FILE} given bad input, run as an operator runs it (its own JVM, so that
 * whatever a library logs is seen too): one line naming the key or file and what to do, exit code
 * 2, no stack trace.
 */
class ServeBadInputTest {
  @TempDir Path dir;

  record Outcome(int exit, String output) {}

  private Outcome serve(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Files.createTempFile(dir, "serve", ".log");
    Process p =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED", // as ./lgsp runs it
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.openlgsp.cli.Lgsp",
                "serve",
                "-c",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    p.getOutputStream().close();
    boolean exited = p.waitFor(90, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("lgsp serve exits; it printed: " + out).isTrue();
    return new Outcome(p.exitValue(), out);
  }

  private static void assertOneClearLine(Outcome o, String... naming) {
    assertThat(o.exit()).as(o.output()).isEqualTo(2);
    assertThat(o.output().strip().lines()).as(o.output()).hasSize(1);
    assertThat(o.output())
        .startsWith("lgsp: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .contains(naming);
  }

  @Test
  void aValueOfTheWrongTypeNamesTheFileAndTheKey() throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file,
        "instance: VN\ngateway:\n  node: VN/GOV/000.00.00.H53/gw1\n"
            + "  limits: {concurrentExchanges: many}\n");

    assertOneClearLine(
        serve(file),
        file.toString(),
        "gateway.limits.concurrentExchanges",
        "expected a whole number");
  }

  @Test
  void aMissingConfigurationFileIsNamedWithWhatToDo() throws Exception {
    Path file = dir.resolve("no-such-node.yaml");

    assertOneClearLine(
        serve(file),
        "cannot read configuration " + file + ": no such file",
        "give the path of a node configuration file");
  }

  @Test
  void aMisspelledKeyIsNamedWithTheValidOnes() throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file, "instance: VN\ngateway:\n  node: VN/GOV/000.00.00.H53/gw1\n  replayWindw: PT5M\n");

    assertOneClearLine(
        serve(file),
        file.toString(),
        "gateway.replayWindw: unknown key",
        "valid keys: ",
        "replayWindow");
  }

  /**
   * A key file the configuration names that is missing, that the node may not read (only checked
   * when the test does not run as root, which reads anything), and that holds no key.
   */
  @Test
  void aMissingUnreadableOrMalformedKeyFileIsNamedWithWhatToDo() throws Exception {
    Path config;
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1))) {
      config = dir.resolve("tay-ninh-gateway.yaml");
    }
    Path key = dir.resolve("pki/tn-signing.key");
    String pem = Files.readString(key);

    Files.delete(key);
    assertOneClearLine(
        serve(config),
        config.toString(),
        "cannot read " + key + ": no such file",
        "correct the path in the configuration (relative to its folder) or put the file there");

    Files.writeString(key, pem);
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
    if (!Files.isReadable(key)) { // not root
      assertOneClearLine(
          serve(config),
          config.toString(),
          "cannot read " + key + ": permission denied",
          "let the user the node runs as read it");
    }

    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.writeString(key, "this is not a PEM key\n");
    assertOneClearLine(
        serve(config),
        config.toString(),
        key.toString(),
        "no private key in PEM",
        "the configuration must name the PEM private key there");
  }

  @Test
  void aPortInUseIsNamedWithWhatToDo() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1))) {
      // the federation's registry listens where registry.yaml says; a second registry on another
      // database (on the same one, its embedded ledger would refuse it first: below)
      Path second = dir.resolve("registry-2.yaml");
      Files.writeString(
          second,
          Files.readString(dir.resolve("registry.yaml"))
              .replace("jdbc:sqlite:data/registry.db", "jdbc:sqlite:data/registry-2.db"));
      Outcome o = serve(second);

      int port = org.openlgsp.node.NodeConfig.read(second).registry().orElseThrow().port();
      assertOneClearLine(
          o,
          second.toString(),
          "cannot listen on 127.0.0.1:" + port + " (Address already in use)",
          "stop what listens there or choose another port");
    }
  }

  @Test
  void aSecondProcessOnTheSameSqliteDatabaseIsRefusedNamingTheFile() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1))) {
      assertOneClearLine(
          serve(dir.resolve("registry.yaml")),
          dir.resolve("data/registry.db").toString(),
          "is already open in another process",
          "several instances of a node need PostgreSQL");
    }
  }
}
