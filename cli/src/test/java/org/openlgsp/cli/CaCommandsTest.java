package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;

/** Enrolment with the command line: CA set-up, key and CSR, issuance, revocation, CRL. */
class CaCommandsTest {
  // One CA for the whole class: each `ca init` writes four PKCS#12 files at 600,000 PBKDF2 rounds.
  @TempDir static Path shared;
  static Path ca;
  static Path password;
  @TempDir Path dir;

  @BeforeAll
  static void init() throws Exception {
    ca = shared.resolve("ca");
    password = Files.writeString(shared.resolve("ca.password"), "correct horse battery staple");
    CommandRun r =
        CommandRun.run(
            "ca",
            "init",
            "--dir",
            ca.toString(),
            "--password-file",
            password.toString(),
            "--name",
            "LGSP Tây Ninh",
            "--base-url",
            "http://127.0.0.1:7080");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("[ca] root CA").contains("ready in");
  }

  private static CommandRun ca(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, 1);
    all[1] = "--dir";
    all[2] = ca.toString();
    all[3] = "--password-file";
    all[4] = password.toString();
    System.arraycopy(args, 1, all, 5, args.length - 1);
    String[] withCa = new String[all.length + 1];
    withCa[0] = "ca";
    System.arraycopy(all, 0, withCa, 1, all.length);
    return CommandRun.run(withCa);
  }

  static String openssl(Path dir, String... args) throws Exception {
    Peers.require(Peer.OPENSSL);
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out;
  }

  @Test
  void nodeEnrolsIsIssuedAndRevoked() throws Exception {
    CommandRun csr =
        CommandRun.run(
            "keys",
            "csr",
            "--kind",
            "tls",
            "--cn",
            "VN/GOV/000.00.00.H53/gw1",
            "--org",
            "UBND tỉnh Tây Ninh",
            "--san",
            "gw1.tayninh.gov.vn",
            "--key-out",
            dir.resolve("node.key").toString(),
            "--out",
            dir.resolve("node.csr").toString());
    assertThat(csr.exit()).as(csr.err()).isZero();
    // created owner-only, whatever the umask (not chmod-ed afterwards)
    assertThat(Files.getPosixFilePermissions(dir.resolve("node.key")).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");

    CommandRun issued =
        ca(
            "issue",
            "--csr",
            dir.resolve("node.csr").toString(),
            "--profile",
            "node-tls",
            "--out",
            dir.resolve("node.pem").toString());
    assertThat(issued.exit()).as(issued.err()).isZero();
    Matcher m = Pattern.compile("serial ([0-9a-f]+)").matcher(issued.out());
    assertThat(m.find()).isTrue();
    String serial = m.group(1);
    assertThat(
            openssl(
                dir,
                "verify",
                "-CAfile",
                ca.resolve("root.pem").toString(),
                "-untrusted",
                ca.resolve("chain.pem").toString(),
                "-purpose",
                "sslserver",
                "node.pem"))
        .startsWith("0:")
        .contains("node.pem: OK");

    assertThat(ca("revoke", serial, "--reason", "key-compromise").out())
        .contains("revoked " + serial);
    assertThat(ca("list").out()).contains(serial).contains("REVOKED");
    assertThat(ca("crl", "--out", dir.resolve("crl.der").toString()).exit()).isZero();
    assertThat(
            openssl(
                dir,
                "crl",
                "-inform",
                "DER",
                "-in",
                "crl.der",
                "-CAfile",
                ca.resolve("chain.pem").toString(),
                "-noout",
                "-text"))
        .startsWith("0:")
        .contains("verify OK")
        .contains("Key Compromise");

    CommandRun again = ca("revoke", serial);
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("resource.conflict").contains("already revoked");
  }

  @Test
  void malformedCsrIsRefusedWithItsCode() throws Exception {
    Files.writeString(
        dir.resolve("bad.csr"),
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
    CommandRun r =
        ca(
            "issue",
            "--csr",
            dir.resolve("bad.csr").toString(),
            "--profile",
            "node-tls",
            "--out",
            dir.resolve("x.pem").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("csr.malformed").doesNotContain("Exception");
  }

  @Test
  void signingKeyOfTheWrongTypeForTlsIsRefused() throws Exception {
    CommandRun csr =
        CommandRun.run(
            "keys",
            "csr",
            "--kind",
            "signing",
            "--cn",
            "VN/GOV/000.00.00.H53",
            "--org",
            "UBND",
            "--key-out",
            dir.resolve("m.key").toString(),
            "--out",
            dir.resolve("m.csr").toString());
    assertThat(csr.exit()).isZero();
    CommandRun r =
        ca(
            "issue",
            "--csr",
            dir.resolve("m.csr").toString(),
            "--profile",
            "node-tls",
            "--out",
            dir.resolve("x.pem").toString());
    assertThat(r.err()).contains("csr.key_unsupported");
    CommandRun ok =
        ca(
            "issue",
            "--csr",
            dir.resolve("m.csr").toString(),
            "--profile",
            "member-signing",
            "--out",
            dir.resolve("m.pem").toString());
    assertThat(ok.exit()).as(ok.err()).isZero();
  }

  @Test
  void aBatchIssuesEveryRequestWithOneOpeningAndABadRequestIssuesNone() throws Exception {
    csr("tls", "VN-NDXP/GOV/000.00.00.G01/gw1", "node");
    csr("tls", "VN-NDXP/GOV/000.00.00.G01", "enc");
    csr("signing", "VN-NDXP/GOV/000.00.00.G01", "sig");
    String before = ca("list").out();

    // the third request asks a TLS profile for an Ed25519 key: nothing of the batch is issued
    CommandRun refused =
        batch(
            "node",
            "node-tls",
            "node.pem",
            "enc",
            "member-encryption",
            "enc.pem",
            "sig",
            "node-tls",
            "sig.pem");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("csr.key_unsupported");
    assertThat(dir.resolve("node.pem")).doesNotExist();
    assertThat(dir.resolve("enc.pem")).doesNotExist();
    assertThat(ca("list").out()).isEqualTo(before);

    CommandRun issued =
        batch(
            "node",
            "node-tls",
            "node.pem",
            "enc",
            "member-encryption",
            "enc.pem",
            "sig",
            "member-signing",
            "sig.pem");
    assertThat(issued.exit()).as(issued.err()).isZero();
    assertThat(issued.out().lines().filter(l -> l.startsWith("issued "))).hasSize(3);
    assertThat(issued.out())
        .contains("issued node-tls certificate")
        .contains("issued member-encryption certificate")
        .contains("issued member-signing certificate");
    for (String pem : List.of("node.pem", "enc.pem", "sig.pem")) {
      assertThat(
              openssl(
                  dir,
                  "verify",
                  "-CAfile",
                  ca.resolve("root.pem").toString(),
                  "-untrusted",
                  ca.resolve("chain.pem").toString(),
                  pem))
          .as(pem)
          .startsWith("0:");
    }

    // the same output file twice is refused before anything is issued
    CommandRun twice =
        batch("node", "node-tls", "again.pem", "enc", "member-encryption", "again.pem");
    assertThat(twice.exit()).isEqualTo(2);
    assertThat(twice.err()).contains("given twice");
    assertThat(dir.resolve("again.pem")).doesNotExist();
  }

  /** {@code ca issue} with one --csr --profile --out per triple of names in {@code dir}. */
  private CommandRun batch(String... csrProfileOut) {
    List<String> args = new java.util.ArrayList<>(List.of("issue"));
    for (int i = 0; i < csrProfileOut.length; i += 3) {
      args.addAll(
          List.of(
              "--csr",
              dir.resolve(csrProfileOut[i] + ".csr").toString(),
              "--profile",
              csrProfileOut[i + 1],
              "--out",
              dir.resolve(csrProfileOut[i + 2]).toString()));
    }
    return ca(args.toArray(String[]::new));
  }

  private void csr(String kind, String cn, String name) {
    CommandRun r =
        CommandRun.run(
            "keys",
            "csr",
            "--kind",
            kind,
            "--cn",
            cn,
            "--org",
            "Trung tâm dữ liệu quốc gia",
            "--key-out",
            dir.resolve(name + ".key").toString(),
            "--out",
            dir.resolve(name + ".csr").toString());
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void wrongPasswordSaysSo() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "not the right password");
    CommandRun r =
        CommandRun.run("ca", "list", "--dir", ca.toString(), "--password-file", wrong.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("wrong password");
  }

  @Test
  void tsaPolicyAcceptedPoliciesAndAccuracyFromInitAreWhatServeGrantsWith() throws Exception {
    Path other = dir.resolve("ca2");
    CommandRun r =
        CommandRun.run(
            "ca",
            "init",
            "--dir",
            other.toString(),
            "--password-file",
            password.toString(),
            "--name",
            "LGSP Test",
            "--tsa-policy",
            "2.25.7",
            "--tsa-accept-policy",
            "2.25.8",
            "--tsa-accept-policy",
            "2.25.9",
            "--tsa-accuracy",
            "PT0.25S");
    assertThat(r.exit()).as(r.err()).isZero();
    java.util.Properties settings = org.openlgsp.node.CaFolder.settings(other);
    org.openlgsp.pki.TimeStampAuthority.Settings tsa =
        org.openlgsp.node.CaFolder.tsaSettings(settings);
    assertThat(tsa.policy()).isEqualTo("2.25.7");
    assertThat(tsa.acceptedPolicies()).containsExactlyInAnyOrder("2.25.7", "2.25.8", "2.25.9");
    assertThat(tsa.accuracy()).isEqualTo(java.time.Duration.ofMillis(250));
    // The token `ca serve` signs carries them.
    var authority =
        new org.openlgsp.pki.TimeStampAuthority(
            org.openlgsp.pki.KeyStores.read(
                other.resolve(org.openlgsp.node.CaFolder.TSA),
                "correct horse battery staple".toCharArray()),
            tsa,
            java.time.Clock.systemUTC());
    var info =
        new org.bouncycastle.tsp.TimeStampToken(
                new org.bouncycastle.cms.CMSSignedData(authority.stamp(new byte[32]).token()))
            .getTimeStampInfo();
    assertThat(info.getPolicy().getId()).isEqualTo("2.25.7");
    assertThat(info.getGenTimeAccuracy().getMillis()).isEqualTo(250);
    // Defaults when the keys are absent.
    assertThat(org.openlgsp.node.CaFolder.tsaSettings(org.openlgsp.node.CaFolder.settings(ca)))
        .isEqualTo(org.openlgsp.pki.TimeStampAuthority.Settings.defaults());
  }

  @Test
  void tsaAccuracyOutsideOneSecondIsRefusedBeforeAnythingIsWritten() {
    Path other = dir.resolve("ca3");
    CommandRun r =
        CommandRun.run(
            "ca",
            "init",
            "--dir",
            other.toString(),
            "--password-file",
            password.toString(),
            "--name",
            "LGSP Test",
            "--tsa-accuracy",
            "PT5S");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("between one microsecond and one second");
    assertThat(Files.exists(other)).isFalse();
    CommandRun bad =
        CommandRun.run(
            "ca",
            "init",
            "--dir",
            other.toString(),
            "--password-file",
            password.toString(),
            "--name",
            "LGSP Test",
            "--tsa-accept-policy",
            "not.an.oid");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("not an object identifier");
  }

  @Test
  void rootRecordsPersistAndTheIssuingCaIsRevokedInTheRootCrlAndOcsp() throws Exception {
    char[] pw = "correct horse battery staple".toCharArray();
    java.math.BigInteger issuingSerial;
    try (var o = org.openlgsp.node.CaFolder.open(ca, pw)) {
      issuingSerial = o.ca().certificate().getSerialNumber();
    }
    // The root's records live in the database: it lists the issuing CA and its own responder.
    CommandRun listed = ca("list", "--root");
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out())
        .contains(issuingSerial.toString(16))
        .contains("intermediate-ca")
        .contains("ocsp-signing");
    assertThat(ca("issue", "--root", "--csr", "x", "--profile", "node-tls", "--out", "y").err())
        .contains("the root certifies only the issuing CA");

    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // What `lgsp ca serve` runs: one OCSP URL for leaves and for the issuing CA, the root CRL.
    try (var o = org.openlgsp.node.CaFolder.open(ca, pw);
        var server =
            org.openlgsp.pki.TrustServer.start(
                o.ca(),
                org.openlgsp.node.CaFolder.responder(ca, pw, o, java.time.Duration.ofMinutes(10)),
                java.util.Optional.empty(),
                java.util.Optional.of(org.openlgsp.node.CaFolder.rootCrl(ca)),
                org.openlgsp.pki.TrustServer.Options.defaults("127.0.0.1", port))) {
      Files.writeString(
          dir.resolve("issuing.pem"), org.openlgsp.pki.Pem.write(o.ca().certificate()));
      String url = "http://127.0.0.1:" + port;
      assertThat(ocspIssuing(url)).startsWith("0:").contains("issuing.pem: good");

      CommandRun revoked =
          ca("revoke", "--root", issuingSerial.toString(16), "--reason", "ca-compromise");
      assertThat(revoked.exit()).as(revoked.err()).isZero();
      assertThat(ocspIssuing(url))
          .startsWith("0:")
          .contains("issuing.pem: revoked")
          .contains("Reason: cACompromise");
      java.net.http.HttpResponse<byte[]> crl =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/root.crl"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      Files.write(dir.resolve("root.crl"), crl.body());
      assertThat(
              openssl(
                  dir,
                  "crl",
                  "-inform",
                  "DER",
                  "-in",
                  "root.crl",
                  "-CAfile",
                  ca.resolve("root.pem").toString(),
                  "-noout",
                  "-text"))
          .startsWith("0:")
          .contains("verify OK")
          .contains(
              "Serial Number: "
                  // openssl prints whole bytes, so a leading zero nibble shows
                  + (issuingSerial.bitLength() % 8 > 0 && issuingSerial.bitLength() % 8 <= 4
                      ? "0"
                      : "")
                  + issuingSerial.toString(16).toUpperCase(java.util.Locale.ROOT))
          .contains("CA Compromise");
    }
  }

  private String ocspIssuing(String url) throws Exception {
    return openssl(
        dir,
        "ocsp",
        "-issuer",
        ca.resolve("root.pem").toString(),
        "-cert",
        "issuing.pem",
        "-url",
        url + "/ocsp",
        "-CAfile",
        ca.resolve("root.pem").toString(),
        "-resp_text");
  }
}
