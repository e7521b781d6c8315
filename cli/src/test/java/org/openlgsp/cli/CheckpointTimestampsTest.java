package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.ledger.CheckpointPolicy;
import org.openlgsp.ledger.Checkpoints;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.Records;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.node.CheckpointTimestamps;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;

/**
 * Checkpoints of running gateways are time-stamped by the federation's TSA over HTTP (RFC 3161),
 * and {@code lgsp ledger verify --tsa-cert} checks the tokens of an export.
 */
class CheckpointTimestampsTest {
  @TempDir Path dir;

  @Test
  void checkpointsCarryVerifiedTokensAndVerifyCatchesBadOnes() throws Exception {
    Path export = dir.resolve("export");
    Instant before = Instant.now().minusSeconds(1);
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      assertThat(fed.lookUpCitizen(fed.citizenIds().get(0), "HS-1").statusCode()).isEqualTo(200);
      StoredCheckpoint first = fed.providerNode().checkpoints().publish();
      assertThat(fed.lookUpCitizen(fed.citizenIds().get(1), "HS-2").statusCode()).isEqualTo(200);
      StoredCheckpoint second = fed.providerNode().checkpoints().publish();
      assertThat(second.size()).isGreaterThan(first.size());
      for (StoredCheckpoint cp : List.of(first, second)) {
        assertThat(cp.timestampToken()).as("checkpoint %d time-stamped", cp.size()).isPresent();
        Instant t =
            CheckpointTimestamps.checker(List.of(fed.tsaTrustAnchor()))
                .check(
                    cp.timestampToken().get(),
                    Digests.sha256(cp.note().text().getBytes(StandardCharsets.UTF_8)));
        assertThat(t).isBetween(before, Instant.now());
      }
      var exported =
          CommandRun.run(
              "ledger",
              "export",
              "--config",
              dir.resolve("mps-gateway.yaml").toString(),
              "--out",
              export.toString());
      assertThat(exported.exit()).as(exported.err()).isZero();
    }
    String ca = dir.resolve("pki/ca.pem").toString();
    var sound = CommandRun.run("ledger", "verify", export.toString(), "--tsa-cert", ca);
    assertThat(sound.exit()).as(sound.out()).isZero();
    assertThat(sound.out()).contains("2 time-stamp tokens verified");

    Path checkpoints = export.resolve("checkpoints");
    List<Path> tokens;
    try (var files = Files.list(checkpoints)) {
      tokens = files.filter(p -> p.toString().endsWith(".tsr")).sorted().toList();
    }
    assertThat(tokens).hasSize(2);
    opensslVerifies(export, tokens.get(1));

    // a genuine token of another checkpoint does not cover this one
    byte[] firstToken = Files.readAllBytes(tokens.get(0));
    Files.copy(tokens.get(1), tokens.get(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    var swapped = CommandRun.run("ledger", "verify", export.toString(), "--tsa-cert", ca);
    assertThat(swapped.exit()).isEqualTo(1);
    assertThat(swapped.out())
        .contains("PROBLEM: time-stamp token of checkpoint " + name(tokens.get(0)) + ".note")
        .contains("covers another digest");

    // an edited token (its signed time) no longer verifies
    byte[] edited = firstToken.clone();
    int at = indexOfGeneralizedTime(edited);
    edited[at + 3] = (byte) (edited[at + 3] == '9' ? '8' : '9'); // a digit of the year
    Files.write(tokens.get(0), edited);
    var forged = CommandRun.run("ledger", "verify", export.toString(), "--tsa-cert", ca);
    assertThat(forged.exit()).isEqualTo(1);
    assertThat(forged.out()).contains("does not verify").contains("timestamp.invalid");

    // a TSA the auditor does not trust
    Files.write(tokens.get(0), firstToken);
    Path stranger = dir.resolve("stranger.pem");
    Files.writeString(
        stranger,
        Pem.write(
            CertificateAuthority.createRoot("Stranger Root CA", Duration.ofDays(2)).certificate()));
    var untrusted =
        CommandRun.run("ledger", "verify", export.toString(), "--tsa-cert", stranger.toString());
    assertThat(untrusted.exit()).isEqualTo(1);
    assertThat(untrusted.out())
        .contains("timestamp.untrusted")
        .contains("does not chain to a trusted CA");
    assertThat(CommandRun.run("ledger", "verify", export.toString(), "--tsa-cert", ca).exit())
        .isZero();

    // tokens removed: asked to check time-stamps, verify refuses an export that has none
    for (Path t : tokens) {
      Files.delete(t);
    }
    var none = CommandRun.run("ledger", "verify", export.toString(), "--tsa-cert", ca);
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.out()).contains("no checkpoint in the export carries a time-stamp token");
  }

  @Test
  void anUnreachableTsaLeavesTheCheckpointUnstampedButPublished() throws Exception {
    int closedPort;
    try (var s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path ca = dir.resolve("ca.pem");
    Files.writeString(
        ca, Pem.write(CertificateAuthority.createRoot("Root", Duration.ofDays(2)).certificate()));
    NodeConfig.LedgerSettings settings =
        NodeConfig.LedgerSettings.defaults()
            .withTsa("http://127.0.0.1:" + closedPort + "/tsa", List.of("ca.pem"));
    try (Database db = Database.sqlite(dir.resolve("gw.db"));
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      ledger.append(Records.sample("m1"));
      StoredCheckpoint cp =
          new Checkpoints(
                  db,
                  ledger,
                  NoteKey.generate("VN/GOV/000.00.00.H53/gw1", NoteKey.TYPE_ED25519),
                  CheckpointTimestamps.timestamper(settings, dir),
                  CheckpointPolicy.defaults(),
                  List.of(),
                  Clock.systemUTC())
              .publish();
      assertThat(cp.size()).isEqualTo(1);
      assertThat(cp.timestampToken()).isEmpty();
    }
  }

  @Test
  void aTsaUrlNeedsTrustedCertificates() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> NodeConfig.LedgerSettings.defaults().withTsa("http://127.0.0.1:1/tsa", List.of()))
        .hasMessageContaining("tsaUrl needs tsaCertificates");
  }

  private static String name(Path tsr) {
    String n = tsr.getFileName().toString();
    return n.substring(0, n.length() - 4);
  }

  /** Where the token's genTime (GeneralizedTime, tag 0x18, "YYYYMMDDhhmmss...Z") starts. */
  private static int indexOfGeneralizedTime(byte[] der) {
    for (int i = 0; i + 2 < der.length; i++) {
      if (der[i] == 0x18 && der[i + 1] >= 15 && der[i + 1] <= 24 && der[i + 2] == '2') {
        return i + 2;
      }
    }
    throw new AssertionError("no GeneralizedTime in the token");
  }

  /** OpenSSL's RFC 3161 verifier accepts the token for the checkpoint text it covers. */
  private void opensslVerifies(Path export, Path tsr) throws Exception {
    Peers.require(Peer.OPENSSL);
    Path note = export.resolve("checkpoints").resolve(name(tsr) + ".note");
    String text = Files.readString(note);
    Path data = dir.resolve("checkpoint.txt");
    Files.writeString(data, text.substring(0, text.indexOf("\n\n") + 1)); // the signed text
    Process p =
        new ProcessBuilder(
                "openssl",
                "ts",
                "-verify",
                "-data",
                data.toString(),
                "-in",
                tsr.toString(),
                "-token_in",
                "-CAfile",
                dir.resolve("pki/ca.pem").toString(),
                "-untrusted",
                dir.resolve("pki/issuing-ca.pem").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("Verification: OK");
  }
}
