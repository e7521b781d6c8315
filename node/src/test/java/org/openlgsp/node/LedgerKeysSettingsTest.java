package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.ledger.CheckpointPolicy;
import org.openlgsp.ledger.Checkpoints;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.Records;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.ledger.WitnessHttp;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.storage.Database;

/**
 * {@code gateway.ledger.origin / checkpointKey / witnessKey / subjectKey} reach the running
 * gateway: its checkpoints carry the origin and verify with the key in checkpointKey (and with no
 * other), its witness cosigns with the key in witnessKey, and its subject-access lookups hash
 * personal IDs with the key in subjectKey.
 */
class LedgerKeysSettingsTest {
  static final String ORIGIN = "ledger.tayninh.gov.vn/gw1";
  static final String CITIZEN = "079090001234";
  static final String AUDITOR = "ledger-auditor-token-0123456789";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void originAndTheKeyFilesSignCosignAndHashAsConfigured() throws Exception {
    NoteKey checkpointKey = NoteKey.generate(ORIGIN, NoteKey.TYPE_ED25519);
    NoteKey witnessKey = NoteKey.generate("tayninh-witness", NoteKey.TYPE_COSIGNATURE);
    byte[] subjectSecret = SubjectHasher.newSecret();
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/cp.key"), checkpointKey.privateText() + "\n");
    Files.writeString(dir.resolve("keys/witness.key"), witnessKey.privateText() + "\n");
    Files.writeString(
        dir.resolve("keys/subject.key"), Base64.getEncoder().encodeToString(subjectSecret) + "\n");
    // another log, whose checkpoints this gateway is to witness
    NoteKey otherLog = NoteKey.generate("VN/GOV/000.00.00.G01/gw1", NoteKey.TYPE_ED25519);
    SignedNote otherCheckpoint = checkpointOf(otherLog);

    String common =
        "apiPort: 0, auditorTokenSha256: "
            + Digests.hex(Digests.sha256(AUDITOR.getBytes(StandardCharsets.UTF_8)))
            + ", witnessFor: ['"
            + otherLog.verifier()
            + "'], ";
    Path file =
        GatewayNodeSettingsTest.configWith(
            dir,
            ca,
            "ledger",
            common
                + "origin: "
                + ORIGIN
                + ", checkpointKey: keys/cp.key, witnessKey: keys/witness.key,"
                + " subjectKey: keys/subject.key");
    String database = NodeConfig.read(file).gateway().orElseThrow().database();
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      String url = "http://127.0.0.1:" + node.ledgerApiPort().orElseThrow();
      node.ledger().append(record(new SubjectHasher(subjectSecret).hash(CITIZEN)));
      StoredCheckpoint published = node.checkpoints().publish();

      // origin: the checkpoint's first line; checkpointKey: its signature
      SignedNote served = SignedNote.parse(get(url + "/ledger/v1/checkpoint").body());
      assertThat(served.text().lines().findFirst()).contains(ORIGIN);
      assertThat(served.text()).isEqualTo(published.note().text());
      assertThat(served.verifiedBy(checkpointKey.verifier())).isTrue();
      assertThat(served.verifiedBy(NoteKey.generate(ORIGIN, NoteKey.TYPE_ED25519).verifier()))
          .isFalse();
      assertThat(get(url + "/ledger/v1/vkey").body().strip())
          .isEqualTo(checkpointKey.verifier().toString());

      // witnessKey: the cosignature on the other log's checkpoint is by that key
      assertThat(get(url + "/ledger/v1/witness/vkey").body().strip()) // a public route
          .isEqualTo(witnessKey.verifier().toString());
      SignedNote cosigned =
          otherCheckpoint.with(WitnessHttp.client("tn", url).cosign(0, List.of(), otherCheckpoint));
      assertThat(cosigned.verifiedBy(witnessKey.verifier())).isTrue();
      assertThat(
              cosigned.verifiedBy(
                  NoteKey.generate("tayninh-witness", NoteKey.TYPE_COSIGNATURE).verifier()))
          .isFalse();

      // subjectKey: the lookup hashes the personal ID with that key and finds the access
      assertThat(accesses(url)).isEqualTo(1);
      // auditorTokenSha256: the API answers that token only
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(url + "/ledger/v1/checkpoint"))
                          .header("Authorization", "Bearer another-auditor-token-0123")
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(401);
    }

    // the same database under another subject key: the same citizen's access is not found
    Path other =
        GatewayNodeSettingsTest.configWith(
            dir, ca, "ledger", common + "subjectKey: keys/other.key");
    Files.writeString(
        other, Files.readString(other).replaceFirst("jdbc:sqlite:data/gw-[^\\n]*", database));
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(other).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      String url = "http://127.0.0.1:" + node.ledgerApiPort().orElseThrow();
      assertThat(node.ledger().size()).isEqualTo(1);
      assertThat(accesses(url)).isZero();
      // and without origin / checkpointKey the checkpoint is the node's own, under its node ID
      assertThat(get(url + "/ledger/v1/vkey").body().strip())
          .isNotEqualTo(checkpointKey.verifier().toString())
          .startsWith("VN/GOV/000.00.00.H53/gw1+");
    }
  }

  private int accesses(String url) throws Exception {
    HttpResponse<String> r = get(url + "/ledger/v1/subjects/" + CITIZEN + "/accesses");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode report = Json.mapper().readTree(r.body());
    return report.get("accessCount").asInt();
  }

  private HttpResponse<String> get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + AUDITOR)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return r;
  }

  /** A checkpoint of a one-record log signed by {@code key}, as that log's gateway makes it. */
  private SignedNote checkpointOf(NoteKey key) {
    try (Database db = Database.sqlite(dir.resolve("other-log.db"));
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      ledger.append(record(""));
      return new Checkpoints(
              db,
              ledger,
              key,
              Timestamper.none(),
              CheckpointPolicy.defaults(),
              List.of(),
              Clock.systemUTC())
          .publish()
          .note();
    }
  }

  /** A record of an access to {@link #CITIZEN}'s data under {@code subjectHash} ("" for none). */
  private static ExchangeRecord record(String subjectHash) {
    ExchangeRecord sample = Records.sample("m-" + System.nanoTime());
    return subjectHash.isEmpty() ? sample : Records.withSubject(sample, subjectHash);
  }
}
