package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.Continuity;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.storage.Database;

/**
 * A tenant moved out of the installation (docs/federation.md, "Export and import"): changes logged
 * before the move, export, import into a standalone node, changes after it, and the standalone
 * node's ledger is provably the continuation; a tampered archive is refused.
 */
class TenantMoveTest {
  @TempDir Path dir;
  TenantFixture fx;

  @BeforeEach
  void installation() throws Exception {
    fx = new TenantFixture(dir);
    fx.twoTenants();
  }

  @Test
  void theStandaloneLedgerIsProvablyTheContinuationOfTheTenantsAcrossTheMove() throws Exception {
    StoredCheckpoint before;
    SignedDocument directoryBefore;
    TenantArchive.Exported exported;
    try (TenantFixture.Started node = TenantFixture.start(dir.resolve("node.yaml"))) {
      RegistryClient b = new RegistryClient(node.url() + "/tenants/b", "token-b");
      b.addMember(new AdminRequests.Member("VN-TB/GOV/000.00.00.B01", "Agency B"));
      String first = consent(b, "079203001234");
      consent(b, "079203005678");
      b.withdrawConsent(first);
      directoryBefore = b.directory();
      // tenant a keeps working beside it; none of it moves with b
      new RegistryClient(node.url() + "/tenants/a", "token-a")
          .addMember(new AdminRequests.Member("VN-TA/GOV/000.00.00.A01", "Agency A"));
      try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("data/tenant-b.db"))) {
        before = LedgerReader.open(db).latestCheckpoint().orElseThrow();
      }
      exported =
          TenantArchive.export(
              NodeConfig.read(dir.resolve("node.yaml")), dir, "b", dir.resolve("b.zip"));
    }
    assertThat(before.size()).isEqualTo(3);
    assertThat(exported.manifest().ledger().checkpointSize()).isEqualTo(3);
    assertThat(Files.getPosixFilePermissions(dir.resolve("b.zip")).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");

    Path standalone = dir.resolve("standalone");
    TenantArchive.Imported imported =
        TenantArchive.importInto(
            dir.resolve("b.zip"),
            standalone,
            Optional.of(exported.manifestSha256()),
            "127.0.0.1",
            0);
    assertThat(imported.manifest().instance()).isEqualTo("VN-TB");
    NoteVerifier key = TenantRegistries.ledgerKey(tenantB(), dir).verifier();
    StoredCheckpoint after;
    try (TenantFixture.Started node = TenantFixture.start(imported.config())) {
      RegistryClient b = new RegistryClient(node.url(), "token-b");
      // the same directory key and a serial that does not go back: gateways repoint unchanged
      SignedDocument directoryAfter = b.directory();
      X509Certificate tenantCert = Certificates.fromBase64(directoryBefore.signerCertificate());
      Directory d0 = directoryBefore.verify(List.of(tenantCert), Instant.now(), Directory.SIGNED);
      Directory d1 = directoryAfter.verify(List.of(tenantCert), Instant.now(), Directory.SIGNED);
      assertThat(d1.serial()).isGreaterThanOrEqualTo(d0.serial());
      assertThat(d1.members())
          .extracting(m -> m.id().encoded())
          .contains("VN-TB/GOV/000.00.00.B01");
      assertThat(d1.members()).noneMatch(m -> m.id().instance().equals("VN-TA"));
      // changes after the move
      consent(b, "079203009999");
      consent(b, "079203008888");
      try (Database db =
          Database.open("jdbc:sqlite:" + standalone.resolve(TenantArchive.DATABASE))) {
        after = Continuity.assertContinues(before, LedgerReader.open(db), key);
      }
      assertThat(after.size()).isEqualTo(4);
    }
    // the whole standalone log, the pre-move checkpoint given as an extra one, verifies offline
    Path export = dir.resolve("after-export");
    try (LedgerSource source = LedgerFiles.source(imported.config())) {
      source.export(export, s -> {});
    }
    LedgerVerifier.Result r =
        LedgerVerifier.verify(export, List.of(key), List.of(before.note()), s -> {});
    assertThat(r.sound()).as(String.join("; ", r.problems())).isTrue();
    assertThat(r.records()).isEqualTo(5);
  }

  @Test
  void aTamperedArchiveIsRefusedAndNothingIsImported() throws Exception {
    TenantArchive.Exported exported;
    try (TenantFixture.Started node = TenantFixture.start(dir.resolve("node.yaml"))) {
      RegistryClient b = new RegistryClient(node.url() + "/tenants/b", "token-b");
      b.addMember(new AdminRequests.Member("VN-TB/GOV/000.00.00.B01", "Agency B"));
      consent(b, "079203001234");
      exported =
          TenantArchive.export(
              NodeConfig.read(dir.resolve("node.yaml")), dir, "b", dir.resolve("b.zip"));
    }
    String sha = exported.manifestSha256();
    Map<String, byte[]> genuine = read(dir.resolve("b.zip"));
    refused(genuine, e -> flip(e, TenantArchive.DATABASE), Optional.of(sha), "SHA-256");
    refused(genuine, e -> flip(e, TenantArchive.SIGNING_KEY), Optional.empty(), "SHA-256");
    refused(genuine, e -> e.put("extra.txt", new byte[] {1}), Optional.empty(), "not listed");
    refused(genuine, e -> e.remove(TenantArchive.SIGNING_CERT), Optional.empty(), "missing");
    refused(genuine, e -> e.put("../evil", new byte[] {1}), Optional.empty(), "not listed");
    // a manifest rewritten to match a changed ledger export: its digest is not the one given,
    // and without the digest the ledger itself does not verify
    Consumer<Map<String, byte[]>> rewritten =
        e -> {
          flip(e, TenantArchive.LEDGER_EXPORT + "/records.bin");
          relist(e);
        };
    refused(genuine, rewritten, Optional.of(sha), "manifest's SHA-256");
    refused(genuine, rewritten, Optional.empty(), "ledger export does not verify");
    // a manifest naming a path out of the folder
    refused(
        genuine,
        e -> {
          e.put("a/../../evil", new byte[] {1});
          relist(e);
        },
        Optional.empty(),
        "entry path not allowed");
    // and the genuine archive imports
    assertThat(
            TenantArchive.importInto(
                    dir.resolve("b.zip"), dir.resolve("ok"), Optional.of(sha), "127.0.0.1", 0)
                .config())
        .exists();
  }

  private void refused(
      Map<String, byte[]> genuine,
      Consumer<Map<String, byte[]>> tamper,
      Optional<String> sha,
      String why)
      throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(genuine);
    tamper.accept(entries);
    Path zip = Files.createTempFile(dir, "tampered", ".zip");
    write(entries, zip);
    Path into = dir.resolve("into-" + zip.getFileName());
    assertThatThrownBy(() -> TenantArchive.importInto(zip, into, sha, "127.0.0.1", 0))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("tenant archive invalid")
        .hasMessageContaining(why);
    assertThat(into).doesNotExist();
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".into"));
    }
  }

  private static void flip(Map<String, byte[]> entries, String name) {
    byte[] b = entries.get(name).clone();
    b[b.length / 2] ^= 1;
    entries.put(name, b);
  }

  /** Rewrites the manifest so that it lists the entries as they now are. */
  private static void relist(Map<String, byte[]> entries) {
    TenantArchive.Manifest m =
        Json.read(entries.get(TenantArchive.MANIFEST), TenantArchive.Manifest.class);
    List<TenantArchive.Entry> files =
        entries.entrySet().stream()
            .filter(e -> !e.getKey().equals(TenantArchive.MANIFEST))
            .map(
                e ->
                    new TenantArchive.Entry(
                        e.getKey(), e.getValue().length, Digests.hex(Digests.sha256(e.getValue()))))
            .toList();
    entries.put(
        TenantArchive.MANIFEST,
        Json.write(
            new TenantArchive.Manifest(
                m.format(),
                m.tenant(),
                m.instance(),
                m.exportedAt(),
                m.adminTokens(),
                m.directoryValidity(),
                m.ledger(),
                files)));
  }

  private static Map<String, byte[]> read(Path zip) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }

  private static void write(Map<String, byte[]> entries, Path zip) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    Files.write(zip, bytes.toByteArray());
  }

  private TenantSettings tenantB() {
    return NodeConfig.read(dir.resolve("node.yaml")).tenants().get(1);
  }

  private static String consent(RegistryClient b, String subject) {
    return b.addConsent(
            new AdminRequests.Consent(
                subject,
                "health",
                "VN-TB/GOV/000.00.00.B01",
                "care",
                Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600)))
        .id();
  }
}
