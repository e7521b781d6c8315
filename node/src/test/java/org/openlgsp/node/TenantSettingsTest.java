package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.storage.Database;

/**
 * The {@code tenants} keys of node.yaml (docs/federation.md, "Configuration"), each shown acting on
 * a started node, and the combinations the configuration refuses.
 */
class TenantSettingsTest {
  @TempDir Path dir;
  TenantFixture fx;

  @BeforeEach
  void files() throws Exception {
    fx = new TenantFixture(dir);
  }

  @Test
  void everyKeyOfATenantIsWhatTheRunningTenantUses() throws Exception {
    Path file =
        fx.config(
            "  - id: moh-2\n"
                + "    instance: VN-BYT\n"
                + "    database: jdbc:sqlite:elsewhere/byt.sqlite\n"
                + "    signing: {certificate: tenants/b-signing.pem, key: tenants/b-signing.key}\n"
                + "    adminTokens:\n"
                + "      - {name: first-admin, tokenSha256: "
                + TenantFixture.sha("one")
                + "}\n"
                + "      - {name: second-admin, tokenSha256: "
                + TenantFixture.sha("two")
                + "}\n"
                + "    ledgerKey: keys/byt-ledger.key\n"
                + "    consentKey: keys/byt-consent.key\n"
                + "    directoryValidity: PT7M\n");
    try (TenantFixture.Started node = TenantFixture.start(file)) {
      String base = node.url() + "/tenants/moh-2"; // id: the path prefix
      RegistryClient first = new RegistryClient(base, "one");
      RegistryClient second = new RegistryClient(base, "two");
      first.addMember(new AdminRequests.Member("VN-BYT/GOV/000.00.00.H01", "Bộ Y tế"));
      String consent =
          second
              .addConsent(
                  new AdminRequests.Consent(
                      "079203001234",
                      "health",
                      "VN-BYT/GOV/000.00.00.H01",
                      "care",
                      Instant.now().minusSeconds(60),
                      Instant.now().plusSeconds(3600)))
              .id();
      // instance: the tenant's identifiers begin with it; another instance's are refused
      assertThatThrownBy(
              () -> first.addMember(new AdminRequests.Member("VN-TA/GOV/000.00.00.A01", "A")))
          .hasMessageContaining("VN-TA");
      // adminTokens: both administrators, each its own audit actor
      assertThat(first.auditLog(100))
          .extracting(e -> e.actor())
          .contains("first-admin", "second-admin");
      // signing: the directory is signed with the tenant's certificate file
      SignedDocument signed = first.directory();
      String pem = Files.readString(dir.resolve("tenants/b-signing.pem"));
      assertThat(Certificates.base64(org.openlgsp.pki.Pem.certificates(pem).getFirst()))
          .isEqualTo(signed.signerCertificate());
      Directory d =
          signed.verify(
              List.of(Certificates.fromBase64(signed.signerCertificate())),
              Instant.now(),
              Directory.SIGNED);
      assertThat(d.instance()).isEqualTo("VN-BYT");
      // directoryValidity: PT7M
      assertThat(Duration.between(d.issuedAt(), d.expiresAt())).isEqualTo(Duration.ofMinutes(7));
      // consentKey: the published subject hash is made with the key in that file
      org.openlgsp.core.KeyedHash consentKey =
          LedgerFiles.consentKey(dir.resolve("keys/byt-consent.key"), false);
      assertThat(d.consents())
          .extracting(Directory.Consent::subjectHash)
          .containsExactly(consentKey.hash("079203001234"));
      // the other tenant-less defaults were not used
      assertThat(dir.resolve("tenants/moh-2")).doesNotExist();
      assertThat(consent).isNotBlank();
    }
    // database: the tenant's rows and ledger are in that file; ledgerKey: signed with that key
    assertThat(dir.resolve("elsewhere/byt.sqlite")).exists();
    NoteKey ledgerKey = NoteKey.parse(Files.readString(dir.resolve("keys/byt-ledger.key")));
    assertThat(ledgerKey.name()).isEqualTo("VN-BYT/registry/consents");
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("elsewhere/byt.sqlite"))) {
      LedgerReader reader = LedgerReader.open(db);
      assertThat(reader.size()).isEqualTo(1);
      assertThat(reader.latestCheckpoint().orElseThrow().note().verifiedBy(ledgerKey.verifier()))
          .isTrue();
    }
  }

  @Test
  void withoutLedgerAndConsentKeysEachTenantGetsItsOwnUnderTenantsId() throws Exception {
    try (TenantFixture.Started node = TenantFixture.start(fx.twoTenants())) {
      assertThat(node.url()).isNotEmpty();
    }
    for (String id : List.of("a", "b")) {
      assertThat(dir.resolve("tenants/" + id + "/ledger.key")).exists();
      assertThat(dir.resolve("tenants/" + id + "/consent.key")).exists();
    }
    assertThat(Files.readString(dir.resolve("tenants/a/ledger.key")))
        .isNotEqualTo(Files.readString(dir.resolve("tenants/b/ledger.key")));
  }

  @Test
  void tenantsSharingWhatMustBeTheirOwnAreRefusedWithTheKey() throws Exception {
    String a = TenantFixture.tenant("a", "VN-TA", "");
    refused(fx.config(a + TenantFixture.tenant("a", "VN-TB", "")), "tenants: id of tenant a");
    refused(fx.config(a + TenantFixture.tenant("b", "VN-TA", "")), "instance of tenant b");
    refused(fx.config(TenantFixture.tenant("a", "VN-HOST", "")), "the installation's registry");
    refused(
        fx.config(a + TenantFixture.tenant("b", "VN-TB", "").replace("tenant-b.db", "tenant-a.db")),
        "database of tenant b");
    refused(
        fx.config(
            a
                + TenantFixture.tenant("b", "VN-TB", "")
                    .replace(TenantFixture.sha("token-b"), TenantFixture.sha("token-a"))),
        "adminTokens of tenant b");
    refused(
        fx.config(
            TenantFixture.tenant("a", "VN-TA", "")
                .replace(
                    TenantFixture.sha("token-a"), TenantFixture.sha(TenantFixture.HOST_TOKEN))),
        "adminTokens of tenant a is also the installation's registry's");
    refused(
        fx.config(a + TenantFixture.tenant("b", "VN-TB", "    ledgerKey: tenants/a/ledger.key\n")),
        "ledgerKey of tenant b");
    refused(
        fx.config(
            a.replace("tenants/a-signing", "tenants/b-signing")
                + TenantFixture.tenant("b", "VN-TB", "")),
        "signing of tenant b");
    // one file under two spellings is still one file
    refused(
        fx.config(
            a + TenantFixture.tenant("b", "VN-TB", "    ledgerKey: ./tenants/a/../a/ledger.key\n")),
        "ledgerKey of tenant b");
    refused(
        fx.config(
            a.replace("tenants/a-signing.key", "./tenants/a-signing.key")
                + TenantFixture.tenant("b", "VN-TB", "").replace("b-signing.key", "a-signing.key")),
        "signing of tenant b");
    refused(
        fx.config(
            a
                + TenantFixture.tenant("b", "VN-TB", "")
                    .replace("data/tenant-b.db", "./data/tenant-a.db")),
        "database of tenant b");
    refused(
        fx.config(
            a + TenantFixture.tenant("b", "VN-TB", "    consentKey: ./tenants/a/consent.key\n")),
        "consentKey of tenant b");
    // the installation's consent-log key is not a tenant's ledger key
    refused(
        fx.config(
            TenantFixture.tenant(
                "a", "VN-TA", "    ledgerKey: ./ledger/VN-HOST.consent-log.key\n")),
        "ledgerKey of tenant a is also the installation's registry's");
    refused(fx.config(TenantFixture.tenant("A", "VN-TA", "")), "tenants[0]: id must be");
    refused(
        fx.config(TenantFixture.tenant("a", "VN-TA", "    colour: red\n")), "tenants[0].colour");
    refused(
        fx.config(TenantFixture.tenant("a", "VN-TA", "").replace("    adminTokens: [", "    x: [")),
        "tenants[0]");
    refused(
        fx.config(
            TenantFixture.tenant("a", "VN-TA", "")
                .replace(
                    "signing: {certificate: tenants/a-signing.pem, key: tenants/a-signing.key}",
                    "signing: {pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, slot: 1, alias:"
                        + " dir, pinEnv: PIN}}")),
        "PKCS#11 slot is not supported yet");
    Path noRegistry = dir.resolve("no-registry.yaml");
    Files.writeString(
        noRegistry,
        "instance: VN-HOST\n"
            + "gateway: {}\n"
            + "tenants:\n"
            + TenantFixture.tenant("a", "VN-TA", ""));
    assertThatThrownBy(() -> NodeConfig.read(noRegistry))
        .isInstanceOf(NodeConfig.ConfigException.class);
  }

  private static void refused(Path file, String message) {
    assertThatThrownBy(() -> NodeConfig.read(file))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining(message);
  }
}
