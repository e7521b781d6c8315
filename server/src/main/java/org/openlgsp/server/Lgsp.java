package org.openlgsp.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lgsp} command line. */
@Command(
    name = "lgsp",
    mixinStandardHelpOptions = true,
    version = "OpenLGSP 0.1.0",
    description = "OpenLGSP: secure data and document exchange between government agencies.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Lgsp implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree, for tests and for {@link #main}. */
  public static CommandLine commandLine() {
    return new CommandLine(new Lgsp());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
