package org.openlgsp.demo;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Module dependencies point one way, towards core. */
class ArchitectureTest {
  static JavaClasses classes;

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
    "storage, core",
    "edge, core storage",
    "pki, core storage",
    "ledger, core storage edge",
    "registry, core storage edge pki",
    "gateway, core storage edge pki ledger",
    "documents, core storage edge pki",
    "node, core storage edge pki ledger registry gateway documents",
    "cli, core storage edge pki ledger registry gateway documents node",
    "testkit, core storage edge pki ledger registry gateway documents node",
    "demo, core storage edge pki ledger registry gateway documents node cli testkit",
  })
  void modulesDependOnlyOnModulesBelowThem(String module, String allowed) {
    java.util.List<String> all =
        java.util.List.of(
            "core",
            "storage",
            "edge",
            "pki",
            "ledger",
            "registry",
            "gateway",
            "documents",
            "node",
            "cli",
            "testkit",
            "demo",
            "benchmarks");
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

  /** The production runtime (core to cli) carries no fixture or demo code. */
  @Test
  void runtimeModulesDoNotUseTheTestKitOrTheDemo() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.openlgsp.core..",
            "org.openlgsp.storage..",
            "org.openlgsp.edge..",
            "org.openlgsp.pki..",
            "org.openlgsp.ledger..",
            "org.openlgsp.registry..",
            "org.openlgsp.gateway..",
            "org.openlgsp.documents..",
            "org.openlgsp.node..",
            "org.openlgsp.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.openlgsp.testkit..", "org.openlgsp.demo..")
        .check(classes);
  }

  @Test
  void noModuleCycles() {
    slices().matching("org.openlgsp.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theClassesWereActuallyImported() {
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.openlgsp.gateway"))
        .isTrue();
    for (String module : java.util.List.of("edge", "registry", "node", "cli", "testkit", "demo")) {
      org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.openlgsp." + module))
          .as(module)
          .isTrue();
    }
  }
}
