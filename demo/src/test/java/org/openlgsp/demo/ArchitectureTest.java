package org.openlgsp.demo;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Module dependencies point one way, towards core, and each runtime module makes public only what
 * other modules use.
 */
class ArchitectureTest {
  static JavaClasses classes;

  static final String[] RUNTIME = {
    "core",
    "storage",
    "mail",
    "edge",
    "pki",
    "ledger",
    "registry",
    "gateway",
    "monitoring",
    "statistics",
    "alerts",
    "documents",
    "console",
    "procedures",
    "node",
    "cli"
  };

  /**
   * Public types of runtime modules that no other module's main code names, with why they are
   * public all the same. Everything else public must be used by another module (the benchmarks,
   * testkit and demo count).
   */
  static final Map<String, String> PUBLIC_WITHOUT_USE_ELSEWHERE =
      Map.ofEntries(
          Map.entry(
              "org.openlgsp.node.ConsoleCredentials",
              "the node console's credentials source over a gateway's LocalCredentials; its test"
                  + " (in the gateway test kit's package, beside TwoGateways) builds one"),
          Map.entry(
              "org.openlgsp.alerts.Severity",
              "in the signatures of AlertsOptions and AlertRules, which node binds"),
          Map.entry(
              "org.openlgsp.registry.FederatedCatalogue",
              "what Registry.federatedCatalogue signs; its SIGNED kind verifies one"),
          Map.entry(
              "org.openlgsp.documents.Edxml",
              "the components of DocumentPackage and StatusPackage, which other modules use"),
          Map.entry(
              "org.openlgsp.documents.EdxmlPackage",
              "what EdxmlCodec.write takes and EdxmlCodec.parse returns; cli's tests name it"),
          Map.entry(
              "org.openlgsp.documents.StatusPackage", "what Packages.status returns to the cli"),
          Map.entry(
              "org.openlgsp.documents.BusinessType",
              "what Packages.actOn takes and DocumentPackage.businessType returns; testkit's"
                  + " tests name it"),
          Map.entry(
              "org.openlgsp.ledger.CheckpointView",
              "auditor API wire record: what LedgerSource returns to the cli, which prints it"),
          Map.entry(
              "org.openlgsp.ledger.ConsistencyProof",
              "auditor API wire record: what LedgerSource returns to the cli, which prints it"),
          Map.entry(
              "org.openlgsp.ledger.EntryView",
              "auditor API wire record: what LedgerSource returns to the cli, which prints it"),
          Map.entry(
              "org.openlgsp.ledger.RecordView",
              "auditor API wire record: what LedgerSource returns to the cli, which prints it"),
          Map.entry(
              "org.openlgsp.ledger.SegmentView",
              "auditor API wire record: part of the export the cli writes"),
          Map.entry(
              "org.openlgsp.documents.PackageBody",
              "what DocumentAxis.fetch returns and RemoteDelivery.deliver takes (a stored package"
                  + " is opened, never read as a file)"),
          Map.entry(
              "org.openlgsp.console.View",
              "the model every console template is given (templates compile to their own package)"),
          Map.entry("org.openlgsp.console.Paged", "a console template model (see View)"),
          Map.entry(
              "org.openlgsp.console.CredentialPages",
              "holds the node console's credentials template models (see View)"),
          Map.entry("org.openlgsp.console.Pages", "holds console template models (see View)"),
          Map.entry(
              "org.openlgsp.console.AdminViews",
              "holds the administration pages' template models (see View)"),
          Map.entry(
              "org.openlgsp.console.DocumentPages",
              "holds the document axis pages' template models and their state labels (see View)"),
          Map.entry(
              "org.openlgsp.console.AuditModels",
              "holds the ledger and subject-access pages' template models (see View)"),
          Map.entry(
              "org.openlgsp.procedures.CasePage",
              "the citizen case page's model, read by its generated template (procedures.templates)"),
          Map.entry("org.openlgsp.console.Scope", "part of a console template model (see View)"));

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // the test jars of cli and ledger are on this module's test class path
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("org.openlgsp");
  }

  @ParameterizedTest(name = "{0} uses only {1}")
  @CsvSource({
    "core, ''",
    "mail, ''",
    "storage, core",
    "edge, core storage",
    "pki, core storage edge",
    "ledger, core storage edge",
    // the registry keeps its consent log in the ledger module's RFC 9162 ledger (docs/privacy.md)
    // and reads the statistics module's Figures in the summaries federated instances report upward
    "registry, core storage edge pki ledger statistics",
    "gateway, core storage edge pki ledger",
    "monitoring, core storage edge gateway",
    "statistics, core storage edge gateway",
    "alerts, core storage edge gateway mail",
    "documents, core storage edge pki",
    "procedures, core storage edge mail",
    // the console's ledger and subject-access pages read the registry's consent log, witness and
    // citizen data tracker and verify exports with the ledger module's verifier; its document
    // pages read the axis API's wire records (docs/console.md)
    "console, core storage edge ledger registry statistics documents",
    "node, core storage mail edge pki ledger registry gateway monitoring statistics alerts documents"
        + " console procedures",
    "cli, core storage mail edge pki ledger registry gateway monitoring statistics alerts documents"
        + " console node procedures",
    "testkit, core storage mail edge pki ledger registry gateway monitoring statistics alerts documents"
        + " console node procedures",
    "demo, core storage mail edge pki ledger registry gateway monitoring statistics alerts documents"
        + " console node cli testkit procedures",
    "testpeers, ''",
  })
  void modulesDependOnlyOnModulesBelowThem(String module, String allowed) {
    java.util.List<String> all =
        java.util.List.of(
            "core",
            "mail",
            "storage",
            "edge",
            "pki",
            "ledger",
            "registry",
            "gateway",
            "monitoring",
            "statistics",
            "alerts",
            "documents",
            "console",
            "procedures",
            "node",
            "cli",
            "testkit",
            "demo",
            "benchmarks",
            "testpeers");
    java.util.Set<String> ok = new java.util.HashSet<>(java.util.List.of(allowed.split(" ")));
    ok.add(module);
    String[] forbidden =
        all.stream()
            .filter(m -> !ok.contains(m))
            .map(m -> "org.openlgsp." + m + "..")
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage("org.openlgsp." + module + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .check(classes);
  }

  /**
   * The production runtime (core to cli) carries no fixture, demo, benchmark or test-peers code;
   * nothing but tests use test-peers (its module is a test-scoped dependency).
   */
  @Test
  void runtimeModulesDoNotUseTheTestKitOrTheDemo() {
    noClasses()
        .that()
        .resideInAnyPackage(runtimePackages())
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.openlgsp.testkit..",
            "org.openlgsp.demo..",
            "org.openlgsp.benchmarks..",
            "org.openlgsp.testpeers..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.openlgsp.testkit..", "org.openlgsp.demo..", "org.openlgsp.benchmarks..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.openlgsp.testpeers..")
        .check(classes);
  }

  /**
   * One HTTP client stack in the product: Helidon's WebClient (issue 10), which carries the edge's
   * timeouts, TLS policy and connection limits; the JDK's client stays in tests and benchmarks.
   */
  @Test
  void runtimeModulesCallHttpOnlyThroughHelidonsWebClient() {
    noClasses()
        .that()
        .resideInAnyPackage(runtimePackages())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.net.http..")
        .because("the product has one HTTP client stack, Helidon's WebClient")
        .check(classes);
  }

  /**
   * Monitoring, statistics and alerts see a gateway only through its observer SPI, so the gateway's
   * internals stay free to change.
   */
  @ParameterizedTest(name = "{0} uses only the gateway's spi")
  @ValueSource(strings = {"monitoring", "statistics", "alerts"})
  void observersUseOnlyTheGatewaysSpi(String module) {
    noClasses()
        .that()
        .resideInAPackage("org.openlgsp." + module + "..")
        .should()
        .dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "are gateway classes outside org.openlgsp.gateway.spi",
                (JavaClass c) ->
                    c.getPackageName().startsWith("org.openlgsp.gateway")
                        && !c.getPackageName().equals("org.openlgsp.gateway.spi")))
        .check(classes);
  }

  @Test
  void noModuleCycles() {
    slices().matching("org.openlgsp.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void everyPublicTypeOfARuntimeModuleIsUsedByAnotherModule() {
    classes()
        .that()
        .resideInAnyPackage(runtimePackages())
        .and()
        .areTopLevelClasses()
        .and()
        .arePublic()
        .and()
        .haveNameNotMatching(
            String.join("|", PUBLIC_WITHOUT_USE_ELSEWHERE.keySet()).replace(".", "\\."))
        // the console's and the case page's templates, which JTE generates as public classes
        .and()
        .resideOutsideOfPackages(
            "org.openlgsp.console.templates", "org.openlgsp.procedures.templates")
        .should(beUsedByMainCodeOfAnotherModule())
        .because("a type only its own module uses is package-private")
        .check(classes);
  }

  /** The allow-list holds no stale entry: each names a public type no other module uses. */
  @Test
  void theAllowListNamesOnlyPublicTypesOtherModulesDoNotUse() {
    for (Map.Entry<String, String> allowed : PUBLIC_WITHOUT_USE_ELSEWHERE.entrySet()) {
      JavaClass type = classes.get(allowed.getKey());
      org.assertj.core.api.Assertions.assertThat(type.getModifiers())
          .as(allowed.getKey())
          .contains(JavaModifier.PUBLIC);
      org.assertj.core.api.Assertions.assertThat(otherModulesUsing(type))
          .as("%s is used elsewhere; drop it from the list", allowed.getKey())
          .isEmpty();
    }
  }

  private static ArchCondition<JavaClass> beUsedByMainCodeOfAnotherModule() {
    return new ArchCondition<>("be used by the main code of another module") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        if (otherModulesUsing(type).isEmpty()) {
          events.add(
              SimpleConditionEvent.violated(
                  type,
                  type.getName()
                      + " is public but no other module uses it: make it package-private, or"
                      + " list it with a reason in PUBLIC_WITHOUT_USE_ELSEWHERE"));
        }
      }
    };
  }

  /** Modules other than {@code type}'s own whose main code depends on it or on a nested type. */
  private static Set<String> otherModulesUsing(JavaClass type) {
    String own = module(type);
    Set<String> users = new TreeSet<>();
    classes.stream()
        .filter(c -> topLevel(c).equals(type))
        .flatMap(c -> c.getDirectDependenciesToSelf().stream())
        .map(d -> module(topLevel(d.getOriginClass())))
        .filter(m -> !m.equals(own))
        .forEach(users::add);
    return users;
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return top;
  }

  /** {@code org.openlgsp.<module>} or {@code org.openlgsp.<module>.spi}. */
  private static String module(JavaClass c) {
    return c.getPackageName().split("\\.")[2];
  }

  private static String[] runtimePackages() {
    return java.util.Arrays.stream(RUNTIME)
        .map(m -> "org.openlgsp." + m + "..")
        .toArray(String[]::new);
  }

  @Test
  void theClassesWereActuallyImported() {
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.openlgsp.gateway"))
        .isTrue();
    for (String module :
        java.util.List.of(
            "edge",
            "registry",
            "console",
            "node",
            "cli",
            "testkit",
            "demo",
            "benchmarks",
            "testpeers")) {
      org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.openlgsp." + module))
          .as(module)
          .isTrue();
    }
  }
}
