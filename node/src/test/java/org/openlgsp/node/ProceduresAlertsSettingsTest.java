package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * {@code procedures.alerts}: a procedures-only node (no gateway) raising the SLA alerts of its
 * cases itself, {@code procedureAtRisk} and {@code procedureOverdue} (alerts StateRule), read
 * through its alerts API.
 */
@RequiresPeer(Peer.POSTGRES)
class ProceduresAlertsSettingsTest extends ProceduresNodeFixture {
  static final String ALERTS_READER = "alerts-reader-token-0123456789";

  static String alertsKey() {
    return "  alerts: {pollInterval: PT0.2S, api: {port: 0, readerTokenSha256: "
        + BearerTokens.hash(ALERTS_READER)
        + ", operatorTokenSha256: "
        + BearerTokens.hash("alerts-operator-token-0123")
        + "}}\n";
  }

  String alerts(ProceduresNode node, String rule) throws Exception {
    int port = node.alerts().orElseThrow().apiPort().orElseThrow();
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/alerts/v1/alerts?rule=" + rule))
                .header("Authorization", "Bearer " + ALERTS_READER)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * With the key, a fresh case (3 working days left, slaWarningWorkingDays 3) is raised as {@code
   * procedureAtRisk} by the procedures-only node; once its due time is past (moved to yesterday in
   * the engine's tables, as if the node had run for days) it is raised as {@code procedureOverdue}.
   * Without the key the node runs no alerts.
   */
  @Test
  void aProceduresOnlyNodeWithAlertsRaisesAtRiskThenOverdue() throws Exception {
    List<AutoCloseable> without = start(config("  slaWarningWorkingDays: 3\n"));
    try {
      assertThat(((ProceduresNode) without.get(0)).alerts()).isEmpty();
    } finally {
      NodeRoles.closeAll(without);
    }
    List<AutoCloseable> running = start(config("  slaWarningWorkingDays: 3\n" + alertsKey()));
    try {
      ProceduresNode node = (ProceduresNode) running.get(0);
      String code = file(apiPort(running), "{}");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> alerts(node, "procedureAtRisk").contains(code));
      assertThat(alerts(node, "procedureOverdue")).doesNotContain(code);
      // its due time passes
      String base = TestDatabases.postgresUrl();
      long yesterday = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
      try (Connection c = DriverManager.getConnection(base)) {
        for (String table : List.of("act_hi_varinst", "act_ru_variable")) {
          c.createStatement()
              .executeUpdate(
                  "UPDATE "
                      + schema
                      + "."
                      + table
                      + " SET long_ = "
                      + yesterday
                      + " WHERE name_ = 'hanXuLy'");
        }
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> alerts(node, "procedureOverdue").contains(code));
    } finally {
      NodeRoles.closeAll(running);
    }
  }
}
