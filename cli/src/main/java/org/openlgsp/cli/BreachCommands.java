package org.openlgsp.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.Breach;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lgsp registry breach ...}: the personal-data breach register (docs/privacy.md). */
@Command(
    name = "breach",
    mixinStandardHelpOptions = true,
    description =
        "The personal-data breach register (docs/privacy.md \"Incidents\"): record a breach, keep"
            + " its timeline, record the notification of the authority (A05, Ministry of Public"
            + " Security; due 72 hours after detection) and of the data subjects, close it, and"
            + " export the notification report.",
    subcommands = {
      BreachCommands.Add.class,
      BreachCommands.ListCmd.class,
      BreachCommands.Show.class,
      BreachCommands.Note.class,
      BreachCommands.Notify.class,
      BreachCommands.Close.class,
      BreachCommands.Report.class
    })
final class BreachCommands {
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Record a breach; prints it with its id and its notification deadline (detection + the"
              + " registry's registry.breaches.notificationPeriod, 72 hours by default).")
  static final class Add implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Option(names = "--detected-at", description = "ISO-8601 instant (default: now).")
    Optional<Instant> detectedAt;

    @Option(
        names = "--reported-by",
        required = true,
        description = "Who reports it, with contact details (shown in the report).")
    String reportedBy;

    @Option(
        names = "--description",
        required = true,
        description = "Nature of the breach: time, place, act, who.")
    String description;

    @Option(
        names = "--category",
        required = true,
        description = "A category of personal data concerned (repeat for more).")
    List<String> categories;

    @Option(
        names = "--subjects",
        required = true,
        description = "Approximate number of data subjects concerned.")
    long subjects;

    @Option(
        names = "--system",
        description = "A system or service of the directory involved, by id (repeat for more).")
    List<String> systems = List.of();

    @Option(names = "--consequences", description = "Likely consequences and damage.")
    String consequences = "";

    @Option(names = "--measures", description = "Measures taken to handle it and limit harm.")
    String measures = "";

    @Override
    public Integer call() {
      return RegistryCommands.print(
          c.client()
              .recordBreach(
                  new AdminRequests.BreachRecord(
                      detectedAt.orElseGet(Instant::now),
                      reportedBy,
                      description,
                      categories,
                      subjects,
                      systems,
                      consequences,
                      measures)));
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The breaches, newest detection first.")
  static final class ListCmd implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Option(names = "--status", description = "Only those open, notified or closed.")
    Optional<String> status;

    @Override
    public Integer call() {
      return RegistryCommands.print(c.client().breaches(status.map(Breach.Status::fromLabel)));
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "One breach with its timeline.")
  static final class Show implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Breach id (UUID).")
    String id;

    @Override
    public Integer call() {
      return RegistryCommands.print(c.client().breach(id));
    }
  }

  @Command(
      name = "note",
      mixinStandardHelpOptions = true,
      description = "Add a note to a breach's timeline (entries are never changed or removed).")
  static final class Note implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Breach id (UUID).")
    String id;

    @Parameters(index = "1", description = "What happened or was done.")
    String text;

    @Override
    public Integer call() {
      return RegistryCommands.print(c.client().noteBreach(id, text));
    }
  }

  @Command(
      name = "notify",
      mixinStandardHelpOptions = true,
      description =
          "Record that the authority was notified (open → notified) or, with --subjects, when the"
              + " data subjects were told.")
  static final class Notify implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Breach id (UUID).")
    String id;

    @Option(names = "--at", description = "ISO-8601 instant it was sent (default: now).")
    Optional<Instant> at;

    @Option(names = "--reference", description = "Reference of the notification.")
    String reference = "";

    @Option(
        names = "--delay-reason",
        description = "Why it is sent after the deadline (required then).")
    Optional<String> delayReason;

    @Option(names = "--subjects", description = "Record the subjects' notification instead.")
    boolean subjects;

    @Override
    public Integer call() {
      Instant when = at.orElseGet(Instant::now);
      return RegistryCommands.print(
          subjects
              ? c.client().breachSubjectsNotified(id, when)
              : c.client()
                  .notifyBreach(
                      id,
                      new AdminRequests.BreachNotification(
                          when, reference, delayReason.orElse(null))));
    }
  }

  @Command(
      name = "close",
      mixinStandardHelpOptions = true,
      description = "Close a breach whose authority was notified (notified → closed).")
  static final class Close implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Breach id (UUID).")
    String id;

    @Parameters(index = "1", description = "How it was resolved.")
    String text;

    @Override
    public Integer call() {
      return RegistryCommands.print(c.client().closeBreach(id, text));
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Export the notification report to print or send: HTML as the registry renders it, or"
              + " with --pdf a PDF made from it here (DejaVu Sans embedded, as the monthly"
              + " statistics report).")
  static final class Report implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Breach id (UUID).")
    String id;

    @Option(names = "--lang", defaultValue = "vi", description = "vi or en (default: vi).")
    String lang;

    @Option(names = "--pdf", description = "Write a PDF (needs --out).")
    boolean pdf;

    @Option(names = "--out", paramLabel = "FILE", description = "Write it here (else stdout).")
    Optional<Path> out;

    @Override
    public Integer call() throws IOException {
      if (pdf && out.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(new Report()), "--pdf needs --out FILE");
      }
      String html = c.client().breachReport(id, lang);
      if (pdf) {
        Files.write(out.get(), org.openlgsp.statistics.PdfDocuments.fromHtml(html));
        System.out.println("wrote " + out.get());
      } else if (out.isPresent()) {
        Files.writeString(out.get(), html, StandardCharsets.UTF_8);
        System.out.println("wrote " + out.get());
      } else {
        System.out.print(html);
      }
      return 0;
    }
  }
}
