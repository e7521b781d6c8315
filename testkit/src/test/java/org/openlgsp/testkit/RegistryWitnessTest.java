package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.Checkpoint;
import org.openlgsp.ledger.Checkpoints;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.Records;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.ledger.Witness;
import org.openlgsp.ledger.WitnessHttp;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.storage.Database;

/**
 * The registry witnesses the gateways' checkpoints over HTTP: it cosigns a consistent one, refuses
 * a fork with {@code checkpoint.inconsistent}, and remembers what it saw across a restart.
 */
class RegistryWitnessTest {
  @TempDir Path dir;

  /** The body of a 200 answer to GET {@code url}. */
  static String get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static void assertRefusedAsFork(Runnable submit) {
    assertThatThrownBy(submit::run)
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).as(e.detail()).isEqualTo(ErrorCode.CHECKPOINT_INCONSISTENT));
  }

  @Test
  void registryCosignsConsistentCheckpointsAndRefusesAForkAcrossARestart() throws Exception {
    String origin = Federation.TN_NODE.toString();
    NodeKeyAndLatest seen;
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      String registry = fed.registryUrl();
      NoteVerifier witnessKey =
          NoteVerifier.parse(get(registry + "/ledger/v1/witness/vkey").strip());
      assertThat(fed.registryNode().witnessKey()).contains(witnessKey);

      // the gateway records an exchange and publishes: the registry cosigns
      assertThat(fed.lookUpCitizen(fed.citizenIds().get(0), "HS-2026-000123").statusCode())
          .isEqualTo(200);
      StoredCheckpoint cp = fed.consumerNode().checkpoints().publish();
      assertThat(cp.size()).isEqualTo(1);
      assertThat(cp.note().cosignedAt(witnessKey)).isPresent();
      assertThat(cp.note().verifiedBy(witnessKey)).isTrue();
      // a cosignature by another witness key does not pass for the registry's
      NoteKey impostor = NoteKey.generate(witnessKey.name(), NoteKey.TYPE_COSIGNATURE);
      assertThat(cp.note().verifiedBy(impostor.verifier())).isFalse();

      // an auditor gets the registry's view of the log, cosigned
      SignedNote view =
          SignedNote.parse(
              get(
                  registry
                      + "/ledger/v1/witness/checkpoint?origin="
                      + java.net.URLEncoder.encode(
                          origin, java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(view.text()).isEqualTo(cp.note().text());
      assertThat(view.verifiedBy(witnessKey)).isTrue();

      // the log's own key signs a different history of the same size: refused
      NoteKey logKey = logKey();
      Checkpoints.WitnessClient client = WitnessHttp.client("registry", registry);
      try (Database forkDb = Database.sqlite(dir.resolve("fork.db"));
          Ledger fork = Ledger.open(forkDb, LedgerOptions.defaults())) {
        fork.append(Records.sample("forged-1"));
        SignedNote sameSize = SignedNote.sign(Checkpoint.of(origin, fork.head()).text(), logKey);
        assertRefusedAsFork(() -> client.cosign(1, List.of(), sameSize));
        // ... and a longer one whose proof cannot link it to what the registry saw
        fork.append(Records.sample("forged-2"));
        SignedNote longer = SignedNote.sign(Checkpoint.of(origin, fork.head()).text(), logKey);
        assertRefusedAsFork(() -> client.cosign(1, fork.consistencyProof(1, 2), longer));
      }
      seen = new NodeKeyAndLatest(witnessKey, view);
    }

    // restarted on its database, the registry still knows the log's latest checkpoint
    NodeConfig.RegistryRole role =
        NodeConfig.read(dir.resolve("registry.yaml")).registry().orElseThrow();
    NodeConfig.RegistryRole again =
        new NodeConfig.RegistryRole(
            role.host(),
            0,
            role.database(),
            role.adminTokenSha256(),
            role.directoryValidity(),
            role.signing(),
            java.util.Optional.empty(),
            role.witness(),
            java.util.Optional.empty(),
            role.consentKey(),
            Optional.empty(),
            role.breaches(),
            role.alerts(),
            Optional.empty());
    try (RegistryNode registry =
        RegistryNode.start(
            Federation.INSTANCE,
            again,
            dir,
            new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"))) {
      assertThat(registry.witnessKey()).contains(seen.witness());
      String url = "http://127.0.0.1:" + registry.port();
      Checkpoints.WitnessClient client = WitnessHttp.client("registry", url);
      long known = Checkpoint.parse(seen.latest().text()).size();
      assertThatThrownBy(() -> client.cosign(0, List.of(), seen.latest()))
          .isInstanceOfSatisfying(
              Witness.StaleSize.class, e -> assertThat(e.knownSize()).isEqualTo(known));
      try (Database forkDb = Database.sqlite(dir.resolve("fork2.db"));
          Ledger fork = Ledger.open(forkDb, LedgerOptions.defaults())) {
        for (long i = 0; i < known; i++) {
          fork.append(Records.sample("other-" + i));
        }
        SignedNote other = SignedNote.sign(Checkpoint.of(origin, fork.head()).text(), logKey());
        assertRefusedAsFork(() -> client.cosign(known, List.of(), other));
      }
      SignedNote.Line line = client.cosign(known, List.of(), seen.latest());
      // Ed25519 is deterministic: the log's signature alone, plus the new cosignature
      SignedNote fresh = SignedNote.sign(seen.latest().text(), logKey()).with(line);
      assertThat(fresh.verifiedBy(seen.witness())).isTrue();
    }
  }

  private record NodeKeyAndLatest(NoteVerifier witness, SignedNote latest) {}

  private NoteKey logKey() {
    NodeConfig.GatewayRole g =
        NodeConfig.read(dir.resolve("tay-ninh-gateway.yaml")).gateway().orElseThrow();
    return LedgerFiles.checkpointKey(dir, g.ledger(), Federation.TN_NODE);
  }
}
