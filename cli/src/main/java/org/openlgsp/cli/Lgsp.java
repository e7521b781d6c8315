package org.openlgsp.cli;

import java.util.List;
import java.util.ServiceLoader;
import org.openlgsp.cli.spi.CommandProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lgsp} command line. */
@Command(
    name = "lgsp",
    mixinStandardHelpOptions = true,
    version = "OpenLGSP 0.1.0",
    description = "OpenLGSP: secure data and document exchange between government agencies.")
public final class Lgsp implements Runnable {
  private static final List<Class<?>> BUILT_IN =
      List.of(
          ServeCommand.class,
          RegistryCommands.class,
          CaCommands.class,
          KeysCommands.class,
          LedgerCommands.class,
          EdocCommands.class,
          StatsCommands.class,
          GatewayCommands.class,
          QualityCommands.class,
          ConsoleCommands.class,
          TenantCommands.class,
          CommandLine.HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    quietLogging();
    System.exit(commandLine().execute(args));
  }

  private static void quietLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (var in = Lgsp.class.getResourceAsStream("cli-logging.properties")) {
      java.util.logging.LogManager.getLogManager().readConfiguration(in);
    } catch (java.io.IOException | NullPointerException e) {
      System.err.println("lgsp: default logging configuration unavailable");
    }
  }

  /**
   * The command tree, for tests and for {@link #main}: the commands of every {@link
   * CommandProvider} on the class path, then the built-in ones.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Lgsp());
    for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
      provider.commands().forEach(cli::addSubcommand);
    }
    BUILT_IN.forEach(cli::addSubcommand);
    // set after the subcommands are added: picocli hands it to the commands present now
    return cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String message =
              e instanceof org.openlgsp.core.LgspException le
                  ? le.code().code() + ": " + le.detail()
                  : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          cmd.getErr().println("lgsp: " + message);
          return 2;
        });
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
