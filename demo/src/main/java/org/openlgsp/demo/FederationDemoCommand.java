package org.openlgsp.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.cli.Lgsp;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ServiceId;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testkit.Federations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lgsp demo federation} (docs/federation.md): the national instance (VN-NDXP) with the
 * population database and its hub gateway, two provinces (VN-TAYNINH, VN-LAOCAI) each with its own
 * LGSP, and the Ministry of Health (VN-BYT) as tenant {@code byt} of an "LGSP as a Service"
 * installation (VN-LAAS); Tây Ninh's portal looks a citizen up through the hub, Lào Cai's and the
 * ministry's directly, a service outside the agreement is refused, and both provinces report their
 * day's statistics upward.
 */
@Command(
    name = "federation",
    mixinStandardHelpOptions = true,
    description = {
      "Start four instances — the national platform with the population database and its hub,"
          + " Tây Ninh's and Lào Cai's LGSPs, the Ministry of Health as a tenant of an LGSP as a"
          + " Service installation — federate them, exchange through the hub and directly, show a"
          + " refusal outside the agreement and the statistics reported upward."
    })
final class FederationDemoCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ISSUE = "HS-2026-000123";
  private static final String LAAS = "VN-LAAS";

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Work folder (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".lgsp", "demo-federation");

  @Override
  public Integer call() throws Exception {
    System.out.println(
        "OpenLGSP federation demo: four instances on 127.0.0.1, SQLite in " + dir.toAbsolutePath());
    try (Federation ndxp =
            Federation.start(
                dir.resolve("ndxp"),
                Federation.Options.exchange(5)
                    .withInstance("VN-NDXP")
                    .withHub(Federation.Hub.RELAY));
        Federation tn =
            Federation.start(
                dir.resolve("tayninh"),
                Federation.Options.exchange(1)
                    .withInstance("VN-TAYNINH")
                    .withHub(Federation.Hub.MEMBER_KEYS)
                    .withOperatorApis());
        Federation lc =
            Federation.start(
                dir.resolve("laocai"),
                Federation.Options.exchange(1).withInstance("VN-LAOCAI").withOperatorApis());
        // the Ministry of Health's LGSP, a tenant of an "LGSP as a Service" installation
        Federation byt =
            Federation.startAsTenant(
                dir.resolve("byt"),
                Federation.Options.exchange(1).withInstance("VN-BYT"),
                new Federation.Tenancy(LAAS, "byt"))) {
      ServiceId citizens = ndxp.citizensService();
      ServiceId households = new ServiceId(citizens.provider(), "households");
      ndxp.registryNode()
          .registry()
          .addService(households, ndxp.backendUrl() + "/api", "", Optional.empty());
      System.out.println(
          "[instances] VN-NDXP   registry "
              + ndxp.registryUrl()
              + ", population database gateway "
              + ndxp.providerNodeId()
              + ", hub "
              + ndxp.hubNodeId());
      System.out.println(
          "[instances] VN-TAYNINH registry " + tn.registryUrl() + ", portal " + tn.portal());
      System.out.println(
          "[instances] VN-LAOCAI  registry " + lc.registryUrl() + ", portal " + lc.portal());
      System.out.println(
          "[instances] VN-BYT     tenant byt of the LGSP as a Service installation "
              + LAAS
              + ", registry "
              + byt.registryUrl()
              + ", portal "
              + byt.portal());

      // 1. agreements: NDXP exports the citizen lookup (only) to each province's portal
      String withTn = Federations.agree(ndxp, tn, "ndxp-tayninh-2026", citizens);
      String withLc = Federations.agree(ndxp, lc, "ndxp-laocai-2026", citizens);
      // the tenant signs with its own directory key, as a standalone LGSP of VN-BYT would
      String withByt = Federations.agree(ndxp, byt, "ndxp-byt-2026", citizens);
      System.out.println();
      System.out.println(
          "1) AGREEMENTS signed by both registries: "
              + withTn
              + " (through the hub), "
              + withLc
              + " (direct), "
              + withByt
              + " (direct, with the tenant)");
      try (AutoCloseable n =
              Federations.federate(
                  ndxp,
                  List.of(
                      new NodeConfig.FederationPeer(
                          withTn, tn.registryUrl(), Optional.of(ndxp.hubNodeId().toString())),
                      new NodeConfig.FederationPeer(withLc, lc.registryUrl()),
                      // the tenant's catalogue is served under its prefix
                      new NodeConfig.FederationPeer(withByt, byt.registryUrl())));
          AutoCloseable t =
              Federations.federate(
                  tn, List.of(new NodeConfig.FederationPeer(withTn, ndxp.registryUrl())));
          AutoCloseable l =
              Federations.federate(
                  lc, List.of(new NodeConfig.FederationPeer(withLc, ndxp.registryUrl())));
          AutoCloseable b =
              Federations.federate(
                  byt, List.of(new NodeConfig.FederationPeer(withByt, ndxp.registryUrl())))) {
        for (Federation province : List.of(tn, lc, byt)) {
          // each registry grants once the other's catalogue is in: the service, the portal
          until(
              () ->
                  province.registry().directory().service(citizens).isPresent()
                      && ndxp.registryNode()
                          .registry()
                          .directory()
                          .system(province.portal())
                          .isPresent());
          province
              .registry()
              .grant(province.portal(), citizens, List.of("GET"), List.of("/citizens/*"));
          ndxp.registryNode()
              .registry()
              .grant(province.portal(), citizens, List.of("GET"), List.of("/citizens/*"));
        }
        until(
            () ->
                directory(tn.consumerNode())
                        .federation("VN-NDXP")
                        .flatMap(Directory.Federated::hubNode)
                        .isPresent()
                    && granted(tn.consumerNode(), citizens)
                    && granted(lc.consumerNode(), citizens)
                    && granted(byt.consumerNode(), citizens)
                    && directory(ndxp.hubNode()).grants().stream()
                        .anyMatch(g -> g.client().equals(tn.portal()))
                    && directory(ndxp.providerNode()).grants().stream()
                        .anyMatch(g -> g.client().equals(lc.portal()))
                    && directory(ndxp.providerNode()).grants().stream()
                        .anyMatch(g -> g.client().equals(byt.portal())));
        Directory tnView = directory(tn.consumerNode());
        System.out.println(
            "   Tây Ninh's directory learned from NDXP's signed catalogue: service "
                + citizens
                + ", hub "
                + tnView.federation("VN-NDXP").orElseThrow().hub()
                + " at "
                + tnView.node(ndxp.hubNodeId()).orElseThrow().address());

        String citizen = ndxp.citizenIds().getFirst();
        System.out.println();
        System.out.println(
            "2) THROUGH THE HUB  Tây Ninh's portal → VN-NDXP hub → population database");
        Federation.Reply viaHub = tn.call(citizens, "/citizens/" + citizen, ISSUE);
        System.out.println("   GET /citizens/" + citizen + " → " + viaHub.statusCode());
        System.out.println("   " + viaHub.body());
        System.out.println(
            "   sealed end to end (CMS AuthEnvelopedData to the population database's key): the"
                + " hub's ledger records digests and signatures, no path, no user");

        System.out.println();
        System.out.println(
            "3) DIRECT  Lào Cai's gateway → population database gateway (mutual TLS)");
        Federation.Reply direct = lc.call(citizens, "/citizens/" + citizen, ISSUE);
        System.out.println("   GET /citizens/" + citizen + " → " + direct.statusCode());

        System.out.println();
        System.out.println(
            "4) LGSP AS A SERVICE  the Ministry of Health's portal (tenant byt of "
                + LAAS
                + ") → population database (direct, mutual TLS)");
        Federation.Reply tenant = byt.call(citizens, "/citizens/" + citizen, ISSUE);
        System.out.println("   GET /citizens/" + citizen + " → " + tenant.statusCode());
        System.out.println(
            "   the tenant's registry imported NDXP's catalogue into its own directory only; NDXP"
                + " fetched the tenant's from "
                + byt.registryUrl()
                + "/federation/VN-NDXP/catalogue");

        System.out.println();
        System.out.println(
            "5) REFUSED  Tây Ninh's portal → " + households + " (not in the agreement)");
        Federation.Reply refused = tn.call(households, "/households/1", ISSUE);
        System.out.println("   → " + refused.statusCode() + " " + refused.body());

        System.out.println();
        System.out.println(
            "6) STATISTICS REPORTED UPWARD  each province signs its day's summary with its registry's"
                + " key; NDXP checks it against the agreement");
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh"));
        RegistryClient national =
            new RegistryClient(
                ndxp.registryUrl(),
                Files.readString(ndxp.workDir().resolve("pki/admin.token")).strip());
        for (Federation province : List.of(tn, lc)) {
          String agreement = province == tn ? withTn : withLc;
          // the calls this demo made from the province: Tây Ninh's lookup and its refusal, Lào
          // Cai's lookup
          long made = province == tn ? 2 : 1;
          // the statistics reach the gateway's buckets within a second (flushInterval PT1S), each
          // call on its own: a summary sent before holds fewer calls, and a later one replaces it
          until(
              () ->
                  run(
                              "registry",
                              "summary",
                              "send",
                              "-c",
                              province.workDir().resolve("registry.yaml").toString(),
                              "--agreement",
                              province.workDir().resolve(agreement).toString(),
                              "--to",
                              "VN-NDXP",
                              "--day",
                              today.toString(),
                              "--statistics",
                              province.statisticsApiUrl(true)
                                  + "="
                                  + province.workDir().resolve("pki/statistics.token"),
                              "--url",
                              ndxp.registryUrl(),
                              "--token-file",
                              ndxp.workDir().resolve("pki/admin.token").toString())
                          == 0
                      && national
                          .ranking(today, today.plusDays(1), "agency", "volume", 100)
                          .rows()
                          .stream()
                          .anyMatch(
                              f ->
                                  f.agency()
                                          .equals(
                                              Optional.of(province.portal().memberId().toString()))
                                      && f.calls() >= made));
        }
        System.out.println("   national ranking of " + today + " by agency (NDXP's registry):");
        run(
            "registry",
            "summary",
            "ranking",
            "--url",
            ndxp.registryUrl(),
            "--token-file",
            ndxp.workDir().resolve("pki/admin.token").toString(),
            "--from",
            today.toString(),
            "--to",
            today.plusDays(1).toString());
      }
    }
    return 0;
  }

  /** Polls {@code done} every 200 ms until it holds, at most {@link #WAIT}. */
  private static void until(java.util.function.BooleanSupplier done) throws InterruptedException {
    org.openlgsp.testkit.DocumentExchangeWait.until(
        done, WAIT, Duration.ofMillis(200), "the instances did not get there");
  }

  private static int run(String... args) {
    return Lgsp.commandLine().execute(args);
  }

  private static boolean granted(GatewayNode node, ServiceId service) {
    return directory(node).grants().stream().anyMatch(g -> g.service().equals(service));
  }

  private static Directory directory(GatewayNode node) {
    return node.directory().current().orElseThrow();
  }
}
