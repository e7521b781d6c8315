package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The alerting rules and Grafana dashboard the archive ships under {@code monitoring/}: promtool
 * accepts the rules and their unit tests pass, every alert has a test that fires it and one where
 * it stays quiet, and the dashboard charts every metric an alert watches.
 */
class AlertRulesTest {
  private static final Pattern METRIC = Pattern.compile("\\b(lgsp_[a-z_]+|up)\\b");

  @TempDir static Path dir;
  static Path rules;
  static Path tests;
  static Path dashboard;

  @BeforeAll
  static void unpack() throws Exception {
    Distribution dist = Distribution.unpack(dir);
    rules = dist.resolve("monitoring/prometheus/lgsp-alerts.yml");
    tests = dist.resolve("monitoring/prometheus/lgsp-alerts.test.yml");
    dashboard = dist.resolve("monitoring/grafana/lgsp-dashboard.json");
  }

  @Test
  @RequiresPeer(Peer.PROMTOOL)
  void promtoolAcceptsTheShippedRules() throws Exception {
    String out = promtool(0, "check", "rules", rules.toString());
    assertThat(out).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  @RequiresPeer(Peer.PROMTOOL)
  void theRulesUnitTestsPass() throws Exception {
    assertThat(promtool(0, "test", "rules", tests.toString())).contains("SUCCESS");
  }

  @Test
  void everyAlertHasATestWhereItFiresAndOneWhereItStaysQuiet() throws Exception {
    JsonNode suite = new ObjectMapper(new YAMLFactory()).readTree(tests.toFile());
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode test : suite.get("tests")) {
      for (JsonNode check : test.get("alert_rule_test")) {
        String alert = check.get("alertname").asText();
        JsonNode expected = check.get("exp_alerts");
        (expected != null && !expected.isEmpty() ? firing : quiet).add(alert);
      }
    }
    assertThat(firing).as("alerts with a firing test").isEqualTo(new TreeSet<>(alerts()));
    assertThat(quiet).as("alerts with a quiet test").isEqualTo(new TreeSet<>(alerts()));
  }

  @Test
  void theDashboardChartsEveryMetricAnAlertWatches() throws Exception {
    JsonNode board = new ObjectMapper().readTree(dashboard.toFile());
    assertThat(board.get("uid").asText()).isEqualTo("openlgsp");
    Set<String> charted = new TreeSet<>();
    for (JsonNode panel : board.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      panel.get("targets").forEach(t -> charted.addAll(metrics(t.get("expr").asText())));
    }
    Set<String> watched = new TreeSet<>();
    for (JsonNode group :
        new ObjectMapper(new YAMLFactory()).readTree(rules.toFile()).get("groups")) {
      group.get("rules").forEach(r -> watched.addAll(metrics(r.get("expr").asText())));
    }
    assertThat(charted).containsAll(watched);
  }

  private static Set<String> metrics(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static List<String> alerts() throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode group :
        new ObjectMapper(new YAMLFactory()).readTree(rules.toFile()).get("groups")) {
      group.get("rules").forEach(r -> names.add(r.get("alert").asText()));
    }
    return names;
  }

  /** Runs promtool in the rules' folder (the test file names its rule file relatively). */
  private static String promtool(int exit, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(rules.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(exit);
    return out;
  }
}
