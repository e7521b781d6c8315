package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.gateway.AdmissionLimits;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The archive {@code ./mvnw package} builds, unpacked into an empty folder: its launcher runs with
 * only a JDK, each role's sample configuration passes {@code lgsp serve --check} once the keys it
 * names exist, and its systemd units pass {@code systemd-analyze verify}.
 */
class DistributionTest {
  private static final List<String> UNITS =
      List.of("lgsp-registry.service", "lgsp-gateway.service", "lgsp-ca.service");
  private static final Map<String, String> CA_PASSWORD =
      Map.of(
          "LGSP_CA_PASSWORD",
          "correct horse battery staple",
          "LGSP_JAVA_OPTS",
          Distribution.QUICK_JVM);

  @TempDir static Path dir;
  static Distribution dist;

  @BeforeAll
  static void unpack() throws Exception {
    dist = Distribution.unpack(dir);
  }

  @Test
  void theLauncherRunsFromTheUnpackedFolderWithTheJarsItCarries() throws Exception {
    Distribution.Result help = dist.run(List.of(), Map.of(), Duration.ofSeconds(60), "--help");

    assertThat(help.exit()).as(help.out()).isZero();
    assertThat(help.out()).contains("serve", "registry", "ca", "keys", "ledger", "edoc", "demo");
    try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("lgsp-cli-"))
          .anyMatch(n -> n.startsWith("lgsp-node-"))
          .noneMatch(n -> n.startsWith("lgsp-demo-") || n.startsWith("lgsp-testkit-"));
    }
    // the demo commands are an optional folder: without it the production commands remain
    Path demo = dist.resolve("demo");
    Path aside = dir.resolve("demo-aside");
    Files.move(demo, aside);
    try {
      Distribution.Result bare = dist.run(List.of(), Map.of(), Duration.ofSeconds(60), "--help");
      assertThat(bare.exit()).isZero();
      assertThat(bare.out()).contains("serve").doesNotContain("demo ");
    } finally {
      Files.move(aside, demo);
    }
  }

  @Test
  void eachRoleSampleConfigurationPassesServeCheckOnceItsKeysExist() throws Exception {
    Path pki = dist.resolve("etc/pki");
    Files.createDirectories(pki);
    dist.ok(List.of(), CA_PASSWORD, "ca", "init", "--dir", "ca", "--name", "LGSP Dist Test");
    issue("signing", "registry VN", "registry-signing", "directory-signing");
    issue("tls", "VN/GOV/000.00.00.H53/gw1", "node-tls", "node-tls");
    issue("signing", "VN/GOV/000.00.00.H53", "signing", "member-signing");
    Files.copy(dist.resolve("ca/root.pem"), pki.resolve("ca.pem"));
    Files.writeString(pki.resolve("axis.secret"), "axis-secret-0123456789");

    for (String role : List.of("registry", "gateway", "documents")) {
      String out =
          dist.ok(List.of(), CA_PASSWORD, "serve", "--check", "-c", "etc/" + role + ".yaml");
      assertThat(out).contains(role + ":").endsWith("configuration OK: etc/" + role + ".yaml\n");
    }
    // the CA's "configuration" is the environment file its unit reads: it defines what the unit
    // uses
    String unit = Files.readString(dist.resolve("systemd/lgsp-ca.service"));
    String env = Files.readString(dist.resolve("etc/ca.env"));
    Matcher used = Pattern.compile("\\$\\{(LGSP_\\w+)}").matcher(unit);
    int variables = 0;
    while (used.find()) {
      assertThat(env).as("etc/ca.env").containsPattern("(?m)^" + used.group(1) + "=\\S");
      variables++;
    }
    assertThat(variables).isEqualTo(3);
  }

  private static void issue(String kind, String cn, String file, String profile)
      throws IOException, InterruptedException {
    dist.ok(
        List.of(),
        CA_PASSWORD,
        "keys",
        "csr",
        "--kind",
        kind,
        "--cn",
        cn,
        "--org",
        "OpenLGSP",
        "--key-out",
        "etc/pki/" + file + ".key",
        "--out",
        file + ".csr");
    dist.ok(
        List.of(),
        CA_PASSWORD,
        "ca",
        "issue",
        "--dir",
        "ca",
        "--csr",
        file + ".csr",
        "--profile",
        profile,
        "--out",
        "etc/pki/" + file + ".pem");
  }

  @Test
  void theUnitsAreHardenedAndTheGatewaysFileLimitFitsItsAdmissionLimits() throws Exception {
    for (String name : UNITS) {
      assertThat(Files.readString(dist.resolve("systemd/" + name)))
          .as(name)
          .contains(
              "\nUser=lgsp\n",
              "\nNoNewPrivileges=yes\n",
              "\nProtectSystem=strict\n",
              "\nProtectHome=yes\n",
              "\nPrivateTmp=yes\n",
              "\nCapabilityBoundingSet=\n",
              "\nReadWritePaths=/var/lib/lgsp\n")
          .containsPattern("\nLimitNOFILE=\\d+\n");
    }
    // every listener full, an outgoing connection per admitted exchange, and a margin
    long needed = AdmissionLimits.defaults().fileDescriptorsNeeded(3);
    assertThat(Files.readString(dist.resolve("systemd/lgsp-gateway.service")))
        .contains("\nLimitNOFILE=" + needed + "\n");
  }

  @Test
  @RequiresPeer(Peer.SYSTEMD_ANALYZE)
  void theUnitsPassSystemdAnalyzeVerify() throws Exception {
    // verify checks that ExecStart's program exists: point the copies at the unpacked folder,
    // which stands for /opt/lgsp; nothing else changes
    Path units = Files.createDirectories(dir.resolve("units"));
    for (String name : UNITS) {
      Files.writeString(
          units.resolve(name),
          Files.readString(dist.resolve("systemd/" + name))
              .replace("/opt/lgsp", dist.home().toString()));
    }
    Process verify =
        new ProcessBuilder(
                Stream.concat(
                        Stream.of("systemd-analyze", "verify"),
                        UNITS.stream().map(u -> units.resolve(u).toString()))
                    .toList())
            .redirectErrorStream(true)
            .start();
    assertThat(verify.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String out = new String(verify.getInputStream().readAllBytes());
    // warnings (an unknown key, a missing program) are printed even when the exit code is 0
    assertThat(out).as("systemd-analyze verify").isEmpty();
    assertThat(verify.exitValue()).isZero();
  }
}
