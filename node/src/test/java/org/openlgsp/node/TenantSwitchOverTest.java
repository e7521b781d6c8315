package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.gateway.DirectoryFetcher;
import org.openlgsp.gateway.DirectoryHolder;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * The planned switch-over of docs/federation.md as a tenant's gateway sees it, with the gateway's
 * own directory fetcher and holder: it fetches the tenant's directory under {@code /tenants/<id>},
 * keeps serving on its kept copy while no registry runs (the move), and, repointed to the
 * standalone node, takes its directory with the same trust and a serial not older.
 */
class TenantSwitchOverTest {
  @TempDir Path dir;

  @Test
  void aTenantsGatewayKeepsItsDirectoryThroughTheMoveAndTakesTheStandalonesWithTheSameTrust()
      throws Exception {
    TenantFixture fx = new TenantFixture(dir);
    fx.twoTenants();
    List<X509Certificate> trust =
        Pem.certificates(Files.readString(dir.resolve("tenants/b-signing.pem")));
    Path cache = dir.resolve("gateway/directory.cache");
    Files.createDirectories(cache.getParent());
    long serialBefore;
    TenantArchive.Exported exported;
    try (TenantFixture.Started node = TenantFixture.start(dir.resolve("node.yaml"))) {
      new RegistryClient(node.url() + "/tenants/b", "token-b")
          .addMember(new AdminRequests.Member("VN-TB/GOV/000.00.00.B01", "Agency B"));
      serialBefore = fetched(node.url() + "/tenants/b", trust, cache).orElseThrow().serial();
      exported =
          TenantArchive.export(
              NodeConfig.read(dir.resolve("node.yaml")), dir, "b", dir.resolve("b.zip"));
    }
    // the move: no registry answers; a restarted gateway serves on its kept copy
    Optional<Directory> during = fetched("http://127.0.0.1:1", trust, cache);
    assertThat(during).map(Directory::serial).contains(serialBefore);
    assertThat(during.orElseThrow().members())
        .extracting(m -> m.id().encoded())
        .contains("VN-TB/GOV/000.00.00.B01");

    TenantArchive.Imported imported =
        TenantArchive.importInto(
            dir.resolve("b.zip"),
            dir.resolve("standalone"),
            Optional.of(exported.manifestSha256()),
            "127.0.0.1",
            0);
    try (TenantFixture.Started node = TenantFixture.start(imported.config())) {
      new RegistryClient(node.url(), "token-b")
          .addMember(new AdminRequests.Member("VN-TB/GOV/000.00.00.B02", "Agency B2"));
      // repointed: registryUrl changes, directoryTrust does not
      Directory after = fetched(node.url(), trust, cache).orElseThrow();
      assertThat(after.serial()).isGreaterThan(serialBefore);
      assertThat(after.members())
          .extracting(m -> m.id().encoded())
          .contains("VN-TB/GOV/000.00.00.B01", "VN-TB/GOV/000.00.00.B02");
      // another key's trust (tenant a's) would not take it: the check can fail
      List<X509Certificate> other =
          Pem.certificates(Files.readString(dir.resolve("tenants/a-signing.pem")));
      assertThat(fetched(node.url(), other, dir.resolve("other.cache"))).isEmpty();
    }
  }

  /** What a gateway's fetcher, started on {@code url} with {@code cache}, holds once started. */
  private static Optional<Directory> fetched(String url, List<X509Certificate> trust, Path cache) {
    DirectoryHolder holder = new DirectoryHolder(trust, Duration.ofHours(1), Clock.systemUTC());
    try (DirectoryFetcher f =
        new DirectoryFetcher(url, holder, Duration.ofMinutes(10), cache).start()) {
      return holder.current();
    }
  }
}
