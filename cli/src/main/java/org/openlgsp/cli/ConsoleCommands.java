package org.openlgsp.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.console.Account;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.core.ClientId;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lgsp console account ...}: the web console's local accounts (docs/console.md), in the
 * registry's database, or on a gateway node without a registry role, in the gateway's (its
 * node-local console, {@code gateway.console}).
 */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = "The web console of a registry or gateway node (docs/console.md).",
    subcommands = {ConsoleCommands.AccountCommands.class})
final class ConsoleCommands {
  /** The registry node's configuration file, whose database holds the accounts. */
  static final class Config {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "The registry (or gateway) node's node.yaml.")
    Path config;

    /** The gateway role of a file without a registry role: its node-local console's accounts. */
    Optional<NodeConfig.GatewayRole> gatewayOnly() {
      NodeConfig cfg = NodeConfig.read(config);
      return cfg.registry().isPresent() ? Optional.empty() : cfg.gateway();
    }

    NodeConfig.RegistryRole role() {
      return NodeConfig.read(config)
          .registry()
          .orElseThrow(() -> new IllegalArgumentException(config + " has no registry role"));
    }

    String instance() {
      return NodeConfig.read(config).instance();
    }

    Path base() {
      return config.toAbsolutePath().getParent();
    }
  }

  @Command(
      name = "account",
      mixinStandardHelpOptions = true,
      description = "Console accounts: passwords hashed with Argon2id, a TOTP second factor.",
      subcommands = {Add.class, ListCmd.class})
  static final class AccountCommands {}

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Create an account with a random password, printed this once; its first sign-in sets up"
              + " the TOTP second factor. Audited in the registry's audit trail.")
  static final class Add implements Callable<Integer> {
    @Mixin Config c;

    @Option(names = "--username", required = true, description = "2-64 of a-z 0-9 . _ -")
    String username;

    @Option(
        names = "--role",
        required = true,
        description = "platform-admin, agency-admin (with --agency), security-officer or auditor.")
    String role;

    @Option(
        names = "--agency",
        paramLabel = "MEMBER",
        description = "The agency an agency-admin administers, e.g. VN/GOV/000.00.00.H53.")
    String agency;

    @Override
    public Integer call() {
      ConsoleRole r =
          ConsoleRole.of(role)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown role "
                              + role
                              + "; use platform-admin, agency-admin, security-officer or"
                              + " auditor"));
      Optional<ClientId> member = Optional.ofNullable(agency).map(ClientId::parse);
      String actor = "cli:" + System.getProperty("user.name", "unknown");
      Optional<NodeConfig.GatewayRole> gateway = c.gatewayOnly();
      String password =
          gateway.isPresent()
              ? org.openlgsp.node.GatewayNode.createConsoleAccount(
                  gateway.get(), c.base(), username, r, member, actor)
              : RegistryNode.createConsoleAccount(
                  c.instance(), c.role(), c.base(), username, r, member, actor);
      System.out.println(
          "account " + username + " (" + r.id() + ") created; password (shown once): " + password);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts.")
  static final class ListCmd implements Callable<Integer> {
    @Mixin Config c;

    @Override
    public Integer call() {
      Optional<NodeConfig.GatewayRole> gateway = c.gatewayOnly();
      for (Account a :
          gateway.isPresent()
              ? org.openlgsp.node.GatewayNode.consoleAccounts(gateway.get(), c.base())
              : RegistryNode.consoleAccounts(c.role(), c.base())) {
        System.out.println(
            a.username()
                + "\t"
                + a.role().id()
                + "\t"
                + a.agency().map(ClientId::encoded).orElse("-")
                + "\t"
                + (a.totpEnrolled() ? "totp" : "totp not set up"));
      }
      return 0;
    }
  }
}
