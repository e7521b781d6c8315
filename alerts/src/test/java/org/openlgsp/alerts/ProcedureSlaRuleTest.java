package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code procedureAtRisk} and {@code procedureOverdue} over the cases a node running the procedure
 * engine exposes (its at-risk list, judged by the engine's working-day calendar): one alert per
 * case, each rule for its own cases; quiet when no case is near its limit or the rule is off. The
 * engine's side (which cases are at risk on which day): node ProceduresAlertsTest.
 */
class ProcedureSlaRuleTest {
  static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");

  static List<Raised> poll(StateRule rule, NodeSignals.ProcedureDeadline... cases) {
    return rule.poll(NodeSignals.none().withProcedureDeadlines(() -> List.of(cases)), NOW);
  }

  static NodeSignals.ProcedureDeadline atRisk(String code) {
    return new NodeSignals.ProcedureDeadline(
        code, "lienThongKhaiSinh", NOW.plus(Duration.ofHours(20)), false);
  }

  static NodeSignals.ProcedureDeadline overdue(String code) {
    return new NodeSignals.ProcedureDeadline(
        code, "lienThongKhaiSinh", NOW.minus(Duration.ofHours(1)), true);
  }

  static StateRule rule(AlertRules rules, String name) {
    return StateRule.of(rules).stream()
        .filter(r -> r instanceof StateRule.ProcedureSla p && p.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCaseAtRiskAndAnOverdueCaseAreEachRaisedByTheirOwnRule() {
    AlertRules d = AlertRules.defaults();
    NodeSignals.ProcedureDeadline near = atRisk("000.00.00.H53-261207-AAAAAA");
    NodeSignals.ProcedureDeadline late = overdue("000.00.00.H53-261203-BBBBBB");

    List<Raised> risk = poll(rule(d, "procedureAtRisk"), near, late);
    assertThat(risk)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.rule()).isEqualTo("procedureAtRisk");
              assertThat(r.key()).isEqualTo(near.code());
              assertThat(r.severity()).isEqualTo(Severity.MEDIUM);
              assertThat(r.summary()).contains("about to miss").contains(near.due().toString());
              assertThat(r.evidence().facts())
                  .containsEntry("case", near.code())
                  .containsEntry("procedure", "lienThongKhaiSinh");
            });
    List<Raised> past = poll(rule(d, "procedureOverdue"), near, late);
    assertThat(past)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.rule()).isEqualTo("procedureOverdue");
              assertThat(r.key()).isEqualTo(late.code());
              assertThat(r.severity()).isEqualTo(Severity.HIGH);
              assertThat(r.summary()).contains("was due at " + late.due());
            });
  }

  @Test
  void noCaseNearItsLimitOrARuleTurnedOffIsQuietAndSeverityIsConfigurable() {
    assertThat(poll(rule(AlertRules.defaults(), "procedureAtRisk"))).isEmpty();
    assertThat(poll(rule(AlertRules.defaults(), "procedureOverdue"), atRisk("c1"))).isEmpty();
    AlertRules off =
        AlertRulesTest.parse(
            "procedureAtRisk: {enabled: false}\nprocedureOverdue: {severity: CRITICAL}\n");
    assertThat(StateRule.of(off))
        .noneMatch(
            r -> r instanceof StateRule.ProcedureSla p && p.name().equals("procedureAtRisk"));
    assertThat(poll(rule(off, "procedureOverdue"), overdue("c2")))
        .singleElement()
        .satisfies(r -> assertThat(r.severity()).isEqualTo(Severity.CRITICAL));
  }
}
