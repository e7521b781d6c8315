package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openlgsp.core.Json;
import org.openlgsp.registry.AdminRequests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lgsp registry trust-anchor ...}: CA certificates published in the signed directory. */
@Command(
    name = "trust-anchor",
    mixinStandardHelpOptions = true,
    description =
        "CA certificates (the built-in CA's or an external one's, e.g. the government CA) trusted to"
            + " issue members' and nodes' certificates; published in the signed directory.",
    subcommands = {TrustAnchorCommands.Add.class, TrustAnchorCommands.ListCmd.class})
final class TrustAnchorCommands {
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Import CA certificates (PEM, e.g. ca/root.pem or an external chain). From then on the"
              + " registry accepts only member and node certificates that chain to an anchor.")
  static final class Add implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Option(names = "--certificate", required = true, paramLabel = "PEM")
    Path certificate;

    @Override
    public Integer call() throws IOException {
      System.out.println(
          Json.writeString(
              c.client()
                  .addTrustAnchors(new AdminRequests.TrustAnchor(Files.readString(certificate)))));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List trust anchors.")
  static final class ListCmd implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Override
    public Integer call() {
      System.out.println(Json.writeString(c.client().trustAnchors()));
      return 0;
    }
  }
}
