package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The rules file: defaults, overrides, and a malformed file refused naming the rule and key. */
class AlertRulesTest {
  @TempDir Path dir;

  static AlertRules parse(String yaml) {
    return AlertRules.parse(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml");
  }

  static void refused(String yaml, String... parts) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .startsWith("rules file rules.yaml: ")
        .contains(parts)
        .doesNotContain("org.openlgsp", "java.", "`");
  }

  @Test
  void anEmptyFileOrAMissingRuleTakesTheDefaults() {
    assertThat(parse("")).isEqualTo(AlertRules.defaults());
    AlertRules r = parse("refusalBurst: {threshold: 4}\n");
    assertThat(r.refusalBurst().threshold()).isEqualTo(4);
    assertThat(r.refusalBurst().codes())
        .containsExactly(
            "access.denied", "signature.invalid", "message.replayed", "client.mismatch");
    assertThat(r.refusalBurst().window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(r.subjectEnumeration()).isEqualTo(AlertRules.defaults().subjectEnumeration());
    assertThat(r.offHoursPersonalData().workStart()).isEqualTo(LocalTime.of(7, 0));
  }

  @Test
  void aRuleCanBeTurnedOffAndItsSeverityChanged() {
    AlertRules r = parse("requestSpike: {enabled: false}\nslowExchange: {severity: CRITICAL}\n");
    assertThat(r.requestSpike().enabled()).isFalse();
    assertThat(r.slowExchange().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(StreamRule.of(r, java.time.Instant.now()))
        .noneMatch(x -> x instanceof StreamRule.RequestSpike);
  }

  @Test
  void malformedRulesAreRefusedNamingTheRuleAndTheKey() {
    refused("requestSpike: {factr: 3}\n", "rule 'requestSpike'", "unknown key 'factr'");
    refused("spikes: {factor: 3}\n", "unknown rule 'spikes'");
    refused(
        "requestSpike: {factor: 0.5}\n", "rule 'requestSpike'", "'factor' must be greater than 1");
    refused(
        "refusalBurst: {threshold: 0}\n", "rule 'refusalBurst'", "'threshold' must be at least 1");
    refused("refusalBurst: {codes: [access.denied, no.such]}\n", "rule 'refusalBurst'", "no.such");
    refused("slowExchange: {window: soon}\n", "rule 'slowExchange'", "key 'window'");
    refused(
        "offHoursPersonalData: {workStart: '19:00', workEnd: '07:00'}\n",
        "rule 'offHoursPersonalData'",
        "'workStart' must be before 'workEnd'");
    refused(
        "offHoursPersonalData: {zone: Mars/Olympus}\n",
        "rule 'offHoursPersonalData'",
        "key 'zone'");
    refused(
        "certificateExpiry: {warnBefore: P7D, criticalBefore: P30D}\n",
        "rule 'certificateExpiry'",
        "'criticalBefore' must not exceed 'warnBefore'");
    refused(
        "subjectEnumeration: {severity: URGENT}\n", "rule 'subjectEnumeration'", "key 'severity'");
    refused("requestSpike: [1, 2]\n", "rule 'requestSpike'", "must be a section of keys");
    refused("requestSpike:\n\tfactor: 3\n", "not YAML");
  }

  @Test
  void aNodeWithAMalformedRulesFileDoesNotStart() throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "subjectEnumeration: {distinctSubject: 5}\n");
    try (Database db = TestDatabases.sqlite(dir)) {
      assertThatThrownBy(
              () ->
                  Alerts.start(
                      db,
                      AlertsOptions.defaults().withRulesFile("rules.yaml"),
                      dir,
                      NodeSignals.none(),
                      "127.0.0.1",
                      Clock.systemUTC()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("rule 'subjectEnumeration': unknown key 'distinctSubject'");
      assertThatThrownBy(
              () ->
                  Alerts.start(
                      db,
                      AlertsOptions.defaults().withRulesFile("missing.yaml"),
                      dir,
                      NodeSignals.none(),
                      "127.0.0.1",
                      Clock.systemUTC()))
          .hasMessageContaining("cannot be read");
    }
  }

  @Test
  void everyRuleIsInOpsMdAndAlertsMd() throws Exception {
    String ops = Files.readString(Path.of("../docs/ops.md"));
    String alerts = Files.readString(Path.of("../docs/alerts.md"));
    assertThat(AlertRules.names()).hasSize(14);
    for (String rule : AlertRules.names()) {
      assertThat(ops).as("docs/ops.md").contains("| `" + rule + "` |");
      assertThat(alerts).as("docs/alerts.md").contains("| `" + rule + "` |");
    }
  }
}
