package org.openlgsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.registry.AdminResponses;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.DailySummary;
import org.openlgsp.registry.FederationOptions;
import org.openlgsp.registry.SignedAgreement;
import org.openlgsp.registry.SummaryReporter;
import org.openlgsp.registry.SummarySchedule;
import org.openlgsp.statistics.Figures;
import org.openlgsp.statistics.FiguresAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lgsp registry summary ...}: statistics reported upward (docs/statistics.md, "Reported
 * upward"). {@code send} makes this instance's daily summary from its gateways' statistics APIs,
 * signs it with its registry's directory-signing key and sends it to the national registry; {@code
 * ranking} reads the national ranking there.
 */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description =
        "Daily statistics summaries reported to the national instance, and its national ranking"
            + " (docs/statistics.md).",
    subcommands = {SummaryCommands.Send.class, SummaryCommands.Ranking.class})
final class SummaryCommands {

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description =
          "Make this instance's summary of one day from its gateways' statistics APIs, sign it"
              + " with the registry's key and send it to the national registry (--url).")
  static final class Send implements Callable<Integer> {
    @Mixin RegistryCommands.Connection national;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "This instance's registry node.yaml: instance, registry.signing, federation.")
    Path config;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "INSTANCE",
        description = "The national instance (a party to one of registry.federation's agreements).")
    String to;

    @Option(
        names = "--agreement",
        paramLabel = "FILE",
        description =
            "The signed agreement with the national instance (default: the one among"
                + " registry.federation.peers naming it).")
    java.util.Optional<Path> agreementFile;

    @Option(names = "--day", required = true, paramLabel = "YYYY-MM-DD")
    LocalDate day;

    @Option(
        names = "--zone",
        defaultValue = "Asia/Ho_Chi_Minh",
        description = "Where the day begins, as the gateways' statistics.zone (${DEFAULT-VALUE}).")
    ZoneId zone;

    @Option(
        names = "--statistics",
        required = true,
        paramLabel = "URL=TOKENFILE",
        description =
            "A gateway's statistics API and the file holding its token; one per gateway whose"
                + " counts are this instance's.")
    Map<String, Path> statistics;

    @Override
    public Integer call() {
      Path base = config.toAbsolutePath().getParent();
      NodeConfig node = NodeConfig.read(config);
      NodeConfig.RegistryRole role =
          node.registry()
              .orElseThrow(() -> new IllegalArgumentException(config + " has no registry role"));
      String instance = node.instance();
      Instant now = Instant.now();
      Agreement agreement =
          agreementFile
              .map(f -> SignedAgreement.parse(RegistryCommands.readFile(f).getBytes(UTF_8)))
              .map(List::of)
              .orElseGet(
                  () ->
                      role.federation().map(f -> f.options(base).peers()).orElse(List.of()).stream()
                          .map(FederationOptions.Peer::agreement)
                          .toList())
              .stream()
              .map(a -> a.verify(now))
              .filter(a -> a.party(to).isPresent() && a.party(instance).isPresent())
              .findFirst()
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.FEDERATION_NOT_AGREED,
                          "no agreement between " + instance + " and " + to));
      List<SummarySchedule.Source> sources = new ArrayList<>();
      statistics.forEach(
          (url, tokenFile) ->
              sources.add(
                  new SummarySchedule.Source(url, RegistryCommands.readFile(tokenFile).strip())));
      SignedDocument signed =
          SummaryReporter.make(
              instance,
              agreement.id(),
              day,
              zone,
              now,
              sources,
              RegistryNode.signingCredentials(role, base).signer());
      DailySummary summary =
          Json.read(java.util.Base64.getDecoder().decode(signed.payload()), DailySummary.class);
      AdminResponses.SummaryTaken taken = national.client().sendSummary(instance, signed);
      System.out.printf(
          "summary of %s %s: %d rows, %s%n",
          instance,
          day,
          summary.rows().size(),
          taken.stored() ? "stored" : "already held (same or later)");
      return 0;
    }
  }

  @Command(
      name = "ranking",
      mixinStandardHelpOptions = true,
      description = "The national ranking of the summaries the registry (--url) holds.")
  static final class Ranking implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "YYYY-MM-DD",
        description = "First day.")
    LocalDate from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "YYYY-MM-DD",
        description = "The day after the last.")
    LocalDate to;

    @Option(names = "--by", defaultValue = "agency", description = "agency or service.")
    String by;

    @Option(names = "--order", defaultValue = "volume", description = "volume or errors.")
    String order;

    @Option(names = "--limit", defaultValue = "10", description = "1 to 1000 rows.")
    int limit;

    @Override
    public Integer call() {
      FiguresAnswer a = c.client().ranking(from, to, by, order, limit);
      System.out.printf(
          "%-10s %-10s %-8s %-8s %s%n", "calls", "successes", "refused", "failed", by);
      for (Figures f : a.rows()) {
        System.out.printf(
            "%-10d %-10d %-8d %-8d %s%n",
            f.calls(),
            f.successes(),
            f.refused(),
            f.failed(),
            (by.equals("service") ? f.service() : f.agency()).orElse(""));
      }
      return 0;
    }
  }

  private SummaryCommands() {}
}
