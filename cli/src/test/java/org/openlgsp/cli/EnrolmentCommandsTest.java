package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.testkit.Federation;

/**
 * The whole enrolment path with the command line: CA set-up, a registry that enrols through it, a
 * member and a node that generate keys and CSRs, the administrator's approval, and the published
 * certificates checked by openssl.
 */
class EnrolmentCommandsTest {
  @TempDir Path dir;

  static CommandRun ok(String... args) {
    CommandRun r = CommandRun.run(args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
    return r;
  }

  @Test
  void memberAndNodeEnrolThroughTheRegistry() throws Exception {
    Files.writeString(dir.resolve("ca.password"), "correct horse battery staple");
    Files.writeString(dir.resolve("admin.token"), "admin-token-0123456789abcdef");
    String pw = dir.resolve("ca.password").toString();
    ok(
        "ca",
        "init",
        "--dir",
        dir.resolve("ca").toString(),
        "--password-file",
        pw,
        "--name",
        "LGSP Test");
    // The registry's own directory-signing certificate, from the same CA.
    ok(
        "keys",
        "csr",
        "--kind",
        "signing",
        "--cn",
        "registry VN",
        "--org",
        "OpenLGSP",
        "--key-out",
        dir.resolve("registry.key").toString(),
        "--out",
        dir.resolve("registry.csr").toString());
    ok(
        "ca",
        "issue",
        "--dir",
        dir.resolve("ca").toString(),
        "--password-file",
        pw,
        "--csr",
        dir.resolve("registry.csr").toString(),
        "--profile",
        "directory-signing",
        "--out",
        dir.resolve("registry.pem").toString());
    int port = Federation.Ports.ephemeral().registry();
    Files.writeString(
        dir.resolve("registry.yaml"),
        "instance: VN\n"
            + "registry:\n"
            + "  port: "
            + port
            + "\n"
            + "  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + org.openlgsp.registry.RegistryServer.hashToken("admin-token-0123456789abcdef")
            + "\n"
            + "  signing: {certificate: registry.pem, key: registry.key}\n"
            + "  ca: {dir: ca, passwordFile: ca.password}\n");
    List<AutoCloseable> running =
        NodeRoles.start(
            NodeConfig.read(dir.resolve("registry.yaml")),
            dir,
            new PrintStream(new ByteArrayOutputStream()));
    try {
      String url = "http://127.0.0.1:" + port;
      String token = dir.resolve("admin.token").toString();
      // The built-in CA's chain becomes the directory's trust anchors.
      assertThat(
              ok(
                      "registry",
                      "trust-anchor",
                      "add",
                      "--certificate",
                      dir.resolve("ca/chain.pem").toString(),
                      "--url",
                      url,
                      "--token-file",
                      token)
                  .out())
          .contains("\"added\":2");
      ok(
          "registry",
          "member",
          "add",
          "VN/GOV/000.00.00.H53",
          "--name",
          "UBND tỉnh Tây Ninh",
          "--url",
          url,
          "--token-file",
          token);
      ok(
          "keys",
          "csr",
          "--kind",
          "signing",
          "--cn",
          "VN/GOV/000.00.00.H53",
          "--org",
          "UBND tỉnh Tây Ninh",
          "--key-out",
          dir.resolve("member.key").toString(),
          "--out",
          dir.resolve("member.csr").toString());
      CommandRun submitted =
          ok(
              "registry",
              "enrolment",
              "submit",
              "--kind",
              "member-signing",
              "--target",
              "VN/GOV/000.00.00.H53",
              "--csr",
              dir.resolve("member.csr").toString(),
              "--url",
              url,
              "--token-file",
              token);
      Matcher m = Pattern.compile("submitted enrolment (\\S+)").matcher(submitted.out());
      assertThat(m.find()).isTrue();
      assertThat(ok("registry", "enrolment", "list", "--url", url, "--token-file", token).out())
          .contains("pending");
      CommandRun approved =
          ok(
              "registry",
              "enrolment",
              "approve",
              m.group(1),
              "--out",
              dir.resolve("member.pem").toString(),
              "--url",
              url,
              "--token-file",
              token);
      // The administrator sees what is approved.
      assertThat(approved.out())
          .contains("member-signing for VN/GOV/000.00.00.H53, names: (none)")
          .contains("approved " + m.group(1));
      assertThat(
              CaCommandsTest.openssl(
                  dir,
                  "verify",
                  "-CAfile",
                  "ca/root.pem",
                  "-untrusted",
                  "ca/chain.pem",
                  "member.pem"))
          .startsWith("0:")
          .contains("member.pem: OK");
      String directory = ok("registry", "directory", "--url", url, "--token-file", token).out();
      assertThat(directory).contains("1 members");
      assertThat(ok("registry", "trust-anchor", "list", "--url", url, "--token-file", token).out())
          .contains("LGSP Test Issuing CA")
          .contains("LGSP Test Root CA");
      assertThat(
              ok("ca", "list", "--dir", dir.resolve("ca").toString(), "--password-file", pw).out())
          .contains("member-signing");
    } finally {
      NodeRoles.closeAll(running);
    }
  }
}
