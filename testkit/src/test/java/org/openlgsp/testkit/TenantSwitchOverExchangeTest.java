package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.Continuity;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.Side;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.node.TenantArchive;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.storage.Database;

/**
 * The planned switch-over of docs/federation.md with exchanges flowing: while tenant a's portal
 * keeps calling through a's gateways, a is exported from the running installation, imported and
 * started as a standalone registry, a's gateway files are repointed (no restart: a running gateway
 * takes the new {@code registryUrl} at its next refresh) and a is removed from the installation. No
 * call fails, each is in both gateways' ledgers once, the tenant's consent log continues provably,
 * and the directory the gateways take after the move is signed by the same key with a newer serial.
 */
class TenantSwitchOverExchangeTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  @TempDir Path dir;

  @Test
  void exchangesFlowThroughTheMoveOfATenantAndNoneIsLost() throws Exception {
    try (TenantInstallation laas = new TenantInstallation(dir)) {
      laas.startWithGateways();
      TenantInstallation.Tenant a = laas.tenant("a");
      X509Certificate tenantKey =
          Pem.certificates(Files.readString(dir.resolve("tenants/a-signing.pem"))).getFirst();
      RegistryClient hosted = new RegistryClient(laas.registryUrl() + "/tenants/a", a.token());
      consent(hosted, a, "079203001234");
      consent(hosted, a, "079203005678");
      long serialBefore = verified(hosted.directory(), tenantKey).serial();

      String token = laas.portalToken("a");
      List<TenantInstallation.Answer> answers = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread client =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!stop.get()) {
                      answers.add(laas.call("a", token, a.citizens()));
                    }
                  });
      await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= 5);

      // 1. change freeze (organisational); 2. export from the running installation
      TenantArchive.Exported exported =
          TenantArchive.export(
              NodeConfig.read(dir.resolve("node.yaml")), dir, "a", dir.resolve("a.zip"));
      // 3. import and start it on its own host (here: another port)
      int port = Federation.free();
      TenantArchive.Imported imported =
          TenantArchive.importInto(
              dir.resolve("a.zip"),
              dir.resolve("standalone"),
              Optional.of(exported.manifestSha256()),
              "127.0.0.1",
              port);
      List<AutoCloseable> standalone = NodeRoles.start(imported.config(), QUIET);
      try {
        String standaloneUrl = "http://127.0.0.1:" + port;
        RegistryClient moved = new RegistryClient(standaloneUrl, a.token());
        assertThat(verified(moved.directory(), tenantKey).serial())
            .isGreaterThanOrEqualTo(serialBefore);
        // 4. repoint both gateways' files; the administrators resume on the standalone node
        laas.repoint("a", standaloneUrl);
        moved.addMember(new AdminRequests.Member("VN-TA/GOV/000.00.00.H99", "Moved agency"));
        Directory after = verified(moved.directory(), tenantKey);
        assertThat(after.serial()).isGreaterThan(serialBefore);
        for (GatewayNode g : List.of(laas.consumer("a"), laas.provider("a"))) {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> g.directory().current().orElseThrow().serial() == after.serial());
          assertThat(g.directory().current().orElseThrow().members())
              .extracting(m -> m.id().encoded())
              .contains("VN-TA/GOV/000.00.00.H99");
        }
        int beforeRemoval = answers.size();
        // 5. remove the tenant from the installation (its database stays)
        laas.stopInstallation();
        laas.startInstallation(List.of("b"));
        assertThat(status(laas, laas.registryUrl() + "/tenants/a/directory")).isEqualTo(404);
        await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= beforeRemoval + 5);
        consent(moved, a, "079203009999");
        stop.set(true);
        client.join();

        // no call failed, before, during or after the move; each is in both ledgers once
        System.out.printf(
            "switch-over: %d calls through tenant a's gateways, %d before the removal%n",
            answers.size(), beforeRemoval);
        assertThat(answers).hasSizeGreaterThan(10);
        assertThat(answers)
            .allSatisfy(
                r -> assertThat(r.status()).as(r.messageId() + " " + r.body()).isEqualTo(200));
        for (TenantInstallation.Answer r : answers) {
          assertThat(laas.consumer("a").ledger().byMessageId(r.messageId()))
              .singleElement()
              .satisfies(e -> assertThat(e.record().side()).isEqualTo(Side.CONSUMER));
          assertThat(laas.provider("a").ledger().byMessageId(r.messageId()))
              .singleElement()
              .satisfies(e -> assertThat(e.record().status()).isEqualTo(200));
        }
        // tenant b was not moved and still exchanges through the restarted installation
        String tokenB = laas.portalToken("b");
        assertThat(laas.call("b", tokenB, laas.tenant("b").citizens()).status()).isEqualTo(200);

        assertContinuity(dir.resolve("standalone/data/registry.db"));
      } finally {
        NodeRoles.closeAll(standalone);
      }
    }
  }

  /**
   * The tenant's consent log at the installation (kept after removal) is a prefix of the
   * standalone's: the consistency proof between the last checkpoint before and the first after
   * verifies, both signed with the tenant's ledger key.
   */
  private void assertContinuity(Path standaloneDb) throws Exception {
    NoteVerifier key =
        NoteKey.parse(Files.readString(dir.resolve("tenants/a/ledger.key"))).verifier();
    StoredCheckpoint before;
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("data/tenant-a.db"))) {
      before = LedgerReader.open(db).latestCheckpoint().orElseThrow();
    }
    assertThat(before.size()).isEqualTo(2);
    try (Database db = Database.open("jdbc:sqlite:" + standaloneDb)) {
      Continuity.assertContinues(before, LedgerReader.open(db), key);
    }
  }

  private static Directory verified(SignedDocument d, X509Certificate key) {
    return d.verify(List.of(key), Instant.now(), Directory.SIGNED);
  }

  private static int status(TenantInstallation laas, String url) throws Exception {
    return laas.http
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static void consent(RegistryClient admin, TenantInstallation.Tenant t, String subject) {
    admin.addConsent(
        new AdminRequests.Consent(
            subject,
            "health",
            t.consumerMember().toString(),
            "care",
            Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(3600)));
  }
}
