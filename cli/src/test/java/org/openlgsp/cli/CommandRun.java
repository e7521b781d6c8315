package org.openlgsp.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** One {@code lgsp} command run in-process, with what it printed (the demo's tests use it too). */
public record CommandRun(int exit, String out, String err) {
  public static CommandRun run(String... args) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = Lgsp.commandLine();
      cli.setErr(new PrintWriter(err, true));
      cli.setOut(new PrintWriter(System.out, true));
      int exit = cli.execute(args);
      return new CommandRun(exit, captured.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }
}
