package org.openlgsp.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.TenantArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lgsp tenant ...}: moving a tenant of an "LGSP as a Service" installation out to its own
 * installation (docs/federation.md, "Export and import").
 */
@Command(
    name = "tenant",
    mixinStandardHelpOptions = true,
    description = "Tenants of an LGSP as a Service installation: export one, import it standalone.",
    subcommands = {TenantCommands.Export.class, TenantCommands.Import.class})
final class TenantCommands {
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Write a tenant's configuration, keys (files only), database and ledger with its"
              + " checkpoints into one archive, and print the SHA-256 of its manifest to pass to"
              + " the importing operator out of band. The archive holds private keys.")
  static final class Export implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "The installation's node.yaml.")
    Path config;

    @Option(names = "--tenant", required = true, paramLabel = "ID")
    String tenant;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "A new file.")
    Path out;

    @Override
    public Integer call() {
      TenantArchive.Exported e =
          TenantArchive.export(
              NodeConfig.read(config), config.toAbsolutePath().getParent(), tenant, out);
      System.out.printf(
          "tenant %s (%s) exported to %s: %d files, ledger %d records, last checkpoint %d%n"
              + "manifest sha256: %s%n",
          e.manifest().tenant(),
          e.manifest().instance(),
          e.archive(),
          e.manifest().files().size(),
          e.manifest().ledger().size(),
          e.manifest().ledger().checkpointSize(),
          e.manifestSha256());
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Check an exported tenant archive (manifest digest, every entry's size and SHA-256, the"
              + " ledger against its checkpoints) and write a standalone node folder; run it with"
              + " lgsp serve -c DIR/node.yaml.")
  static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "ARCHIVE")
    Path archive;

    @Option(names = "--into", required = true, paramLabel = "DIR", description = "A new folder.")
    Path into;

    @Option(
        names = "--manifest-sha256",
        paramLabel = "HEX",
        description = "The digest the export printed; another manifest is refused.")
    Optional<String> manifestSha256 = Optional.empty();

    @Option(names = "--host", description = "The registry's address (default ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "The registry's port (default ${DEFAULT-VALUE}).")
    int port = 8080;

    @Override
    public Integer call() {
      TenantArchive.Imported i =
          TenantArchive.importInto(archive, into, manifestSha256, host, port);
      System.out.printf(
          "tenant %s (%s) imported into %s: ledger %d records, continues after checkpoint %d%n"
              + "run it: lgsp serve -c %s%n",
          i.manifest().tenant(),
          i.manifest().instance(),
          into,
          i.manifest().ledger().size(),
          i.manifest().ledger().checkpointSize(),
          i.config());
      return 0;
    }
  }
}
