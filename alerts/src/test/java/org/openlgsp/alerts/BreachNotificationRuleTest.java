package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code breachNotification} over the breach deadlines a registry node exposes: raised near the
 * deadline and, critical, once it has passed; quiet far from it and for breaches no longer due
 * (notified or closed ones are not among the signals). The node wiring: node BreachAlertsTest.
 */
class BreachNotificationRuleTest {
  static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  static List<Raised> poll(AlertRules.BreachNotification cfg, NodeSignals.BreachDeadline... due) {
    return new StateRule.BreachNotification(cfg)
        .poll(NodeSignals.none().withBreachDeadlines(() -> List.of(due)), NOW);
  }

  static NodeSignals.BreachDeadline due(String id, Duration left) {
    Instant deadline = NOW.plus(left);
    return new NodeSignals.BreachDeadline(id, deadline.minus(Duration.ofHours(72)), deadline);
  }

  @Test
  void aBreachNearItsDeadlineIsRaisedAndAnOverdueOneIsCritical() {
    List<Raised> found =
        poll(
            AlertRules.defaults().breachNotification(),
            due("near", Duration.ofHours(23)),
            due("far", Duration.ofHours(25)),
            due("late", Duration.ofMinutes(-1)));

    assertThat(found).extracting(Raised::key).containsExactly("near due", "late overdue");
    assertThat(found)
        .extracting(Raised::severity)
        .containsExactly(Severity.HIGH, Severity.CRITICAL);
    assertThat(found).allSatisfy(r -> assertThat(r.rule()).isEqualTo("breachNotification"));
    assertThat(found.getFirst().summary()).contains("within").contains("near");
    assertThat(found.getLast().summary()).contains("was due");
    assertThat(found.getFirst().evidence().facts())
        .containsEntry("breach", "near")
        .containsEntry("secondsLeft", "" + Duration.ofHours(23).toSeconds());
  }

  @Test
  void warnBeforeAndSeverityAreConfigurableAndNothingDueIsQuiet() {
    AlertRules.BreachNotification sixHours =
        new AlertRules.BreachNotification(true, Severity.MEDIUM, Duration.ofHours(6));
    assertThat(poll(sixHours, due("b", Duration.ofHours(7)))).isEmpty();
    assertThat(poll(sixHours, due("b", Duration.ofHours(5))))
        .singleElement()
        .satisfies(r -> assertThat(r.severity()).isEqualTo(Severity.MEDIUM));
    assertThat(poll(AlertRules.defaults().breachNotification())).isEmpty();
    assertThat(StateRule.of(AlertRulesTest.parse("breachNotification: {enabled: false}\n")))
        .noneMatch(r -> r instanceof StateRule.BreachNotification);
    assertThat(StateRule.of(AlertRules.defaults()))
        .anyMatch(r -> r instanceof StateRule.BreachNotification);
  }
}
