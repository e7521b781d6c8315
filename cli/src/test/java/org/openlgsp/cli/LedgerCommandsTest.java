package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.ledger.LedgerHttp;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.SubjectAccess;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;

/** The ledger CLI and auditor API against a running local federation. */
class LedgerCommandsTest {
  @TempDir Path dir;

  /** A portal call through the consumer gateway; an empty {@code issue} sends no purpose. */
  @Test
  void checkpointRecordProveConsistencyExportVerifyAndSubjectAccess() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      String citizen = fed.citizenIds().get(0);
      assertThat(fed.lookUpCitizen(citizen, "HS-2026-000123").statusCode()).isEqualTo(200);
      assertThat(fed.lookUpCitizen(fed.citizenIds().get(1), "HS-2026-000124").statusCode())
          .isEqualTo(200);
      Federation.Reply refused = fed.lookUpCitizen(citizen, "");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("purpose.missing");
      fed.providerNode().checkpoints().publish();
      String config = dir.resolve("mps-gateway.yaml").toString();

      var cp = CommandRun.run("ledger", "checkpoint", "--config", config);
      assertThat(cp.exit()).as(cp.err()).isZero();
      assertThat(cp.out()).startsWith(Federation.MPS_NODE + "\n2\n").contains("\u2014 ");

      var record = CommandRun.run("ledger", "record", "--config", config, "--index", "0");
      assertThat(record.exit()).as(record.err()).isZero();
      assertThat(record.out()).contains("\"issue\":\"HS-2026-000123\"").doesNotContain(citizen);

      var prove = CommandRun.run("ledger", "prove", "--config", config, "--index", "1");
      assertThat(prove.exit()).as(prove.err()).isZero();
      assertThat(prove.out()).contains("\"treeSize\":2").contains("\"path\":[");

      var consistency =
          CommandRun.run(
              "ledger", "consistency", "--config", config, "--first", "1", "--second", "2");
      assertThat(consistency.exit()).isZero();
      assertThat(consistency.out()).contains("\"first\":1");

      var subject =
          CommandRun.run("ledger", "subject", "--config", config, "--personal-id", citizen);
      assertThat(subject.exit()).as(subject.err()).isZero();
      assertThat(subject.out())
          .contains("\"accessCount\":1")
          .contains("\"purpose\":\"HS-2026-000123\"")
          .doesNotContain(citizen);
      var badId = CommandRun.run("ledger", "subject", "--config", config, "--personal-id", "12");
      assertThat(badId.exit()).isEqualTo(2);
      assertThat(badId.err()).contains("request.malformed");

      Path export = dir.resolve("export");
      assertThat(
              CommandRun.run("ledger", "export", "--config", config, "--out", export.toString())
                  .exit())
          .isZero();
      var verify = CommandRun.run("ledger", "verify", export.toString());
      assertThat(verify.exit()).as(verify.out()).isZero();
      assertThat(verify.out()).contains("SOUND: 2 records");
      // the registry witnessed the checkpoint: an auditor requiring its cosignature gets it ...
      String registryWitness = fed.registryNode().witnessKey().orElseThrow().toString();
      var witnessed =
          CommandRun.run(
              "ledger",
              "verify",
              export.toString(),
              "--witness",
              registryWitness,
              "--min-cosignatures",
              "1");
      assertThat(witnessed.exit()).as(witnessed.out()).isZero();
      assertThat(witnessed.out()).contains("latest cosigned by 1 trusted witnesses");
      // ... and one requiring a witness that never saw this log refuses the export
      String stranger =
          org.openlgsp.ledger.NoteKey.generate(
                  "elsewhere.test/witness", org.openlgsp.ledger.NoteKey.TYPE_COSIGNATURE)
              .verifier()
              .toString();
      var unwitnessed =
          CommandRun.run("ledger", "verify", export.toString(), "--witness", stranger);
      assertThat(unwitnessed.exit()).as(unwitnessed.out()).isEqualTo(1);
      assertThat(unwitnessed.out()).contains("required witness cosignatures");

      var archived =
          CommandRun.run(
              "ledger", "archive", "--config", config, "--dir", dir.resolve("archive").toString());
      assertThat(archived.exit()).as(archived.err()).isZero();
      assertThat(archived.out()).contains("archived records 0..1");
      Path afterArchive = dir.resolve("export-after-archive");
      CommandRun.run("ledger", "export", "--config", config, "--out", afterArchive.toString());
      assertThat(CommandRun.run("ledger", "verify", afterArchive.toString()).out())
          .contains("SOUND: 2 records");

      byte[] records = Files.readAllBytes(export.resolve("records.bin"));
      records[records.length - 5] ^= 1;
      Files.write(export.resolve("records.bin"), records);
      var tampered = CommandRun.run("ledger", "verify", export.toString());
      assertThat(tampered.exit()).isEqualTo(1);
      assertThat(tampered.out()).contains("first bad index: 1");

      // the auditor API over the same database
      Path base = dir;
      NodeConfig.GatewayRole g = NodeConfig.read(Path.of(config)).gateway().orElseThrow();
      try (Database db = Database.open(GatewayNode.resolveJdbc(base, g.database()))) {
        List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        LedgerHttp api =
            LedgerHttp.builder(
                    LedgerReader.open(db),
                    LedgerFiles.checkpointKey(base, g.ledger(), NodeId.parse(g.node())).verifier(),
                    new SubjectAccess(
                        LedgerReader.open(db),
                        LedgerFiles.subjectHasher(base, g.ledger()),
                        id -> "Bộ Công an"))
                .auditorToken(Federation.sha256Hex("auditor-secret"))
                .auditLog(audit::add)
                .start("127.0.0.1", 0);
        try {
          String url = "http://127.0.0.1:" + api.port();
          Path token = dir.resolve("auditor.token");
          Files.writeString(token, "auditor-secret\n");
          var live =
              CommandRun.run("ledger", "verify", "--url", url, "--token-file", token.toString());
          assertThat(live.exit()).as(live.out() + live.err()).isZero();
          var liveProof =
              CommandRun.run(
                  "ledger",
                  "prove",
                  "--url",
                  url,
                  "--token-file",
                  token.toString(),
                  "--index",
                  "0");
          assertThat(liveProof.exit()).as(liveProof.err()).isZero();
          assertThat(liveProof.out()).contains("verified against checkpoint 2");

          HttpClient http = HttpClient.newHttpClient();
          HttpResponse<String> anonymous =
              http.send(
                  HttpRequest.newBuilder(URI.create(url + "/ledger/v1/checkpoint")).build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(anonymous.statusCode()).isEqualTo(401);
          assertThat(anonymous.body()).contains("admin.unauthenticated");

          HttpResponse<String> report =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create(url + "/ledger/v1/subjects/" + citizen + "/accesses"))
                      .header("Authorization", "Bearer auditor-secret")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
          Map<?, ?> json = Json.mapper().readValue(report.body(), Map.class);
          assertThat(json.get("accessCount")).isEqualTo(1); // the refused call never reached MPS
          Map<?, ?> access = (Map<?, ?>) ((List<?>) json.get("accesses")).get(0);
          assertThat(access.get("agency")).isEqualTo("Bộ Công an");
          assertThat(access.get("officer")).isEqualTo("VN072090000001");
          assertThat(access.get("purpose")).isEqualTo("HS-2026-000123");
          assertThat(access.get("system")).isEqualTo(Federation.PORTAL.toString());
          assertThat(((Map<?, ?>) access.get("proof")).get("checkpoint").toString())
              .startsWith(Federation.MPS_NODE + "\n2\n");
          assertThat(report.body()).doesNotContain(citizen);
          assertThat(audit)
              .filteredOn(e -> e.action().equals("ledger.subject-access"))
              .singleElement()
              .satisfies(
                  e -> {
                    assertThat(e.actor()).isEqualTo(LedgerHttp.AUDITOR);
                    assertThat(e.target()).doesNotContain(citizen);
                  });

          String[] liveSubjectArgs = {
            "ledger",
            "subject",
            "--url",
            url,
            "--token-file",
            token.toString(),
            "--personal-id",
            citizen
          };
          var liveSubject = CommandRun.run(liveSubjectArgs);
          assertThat(liveSubject.exit()).as(liveSubject.err()).isZero();
          assertThat(liveSubject.out().strip()).isEqualTo(report.body());

          HttpResponse<String> page =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              url + "/ledger/v1/subjects/" + citizen + "/accesses?format=html"))
                      .header("Authorization", "Bearer auditor-secret")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(page.body())
              .contains("Who accessed my data")
              .contains("HS-2026-000123")
              .contains("VN072090000001");
          String[] livePageArgs = Arrays.copyOf(liveSubjectArgs, liveSubjectArgs.length + 1);
          livePageArgs[liveSubjectArgs.length] = "--html";
          var livePage = CommandRun.run(livePageArgs);
          assertThat(livePage.out().strip()).isEqualTo(page.body());
          HttpResponse<String> bad =
              http.send(
                  HttpRequest.newBuilder(URI.create(url + "/ledger/v1/subjects/12345/accesses"))
                      .header("Authorization", "Bearer auditor-secret")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(bad.statusCode()).isEqualTo(400);
        } finally {
          api.close();
        }
      }
    }
  }
}
