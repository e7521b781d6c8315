package org.openlgsp.testkit;

import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;

/** What the end-to-end tests of procedure groups 1 and 2 share: the engine, waits and counts. */
final class ProcedureCases {
  private static final Duration CASE_TIME = Duration.ofSeconds(60);

  private ProcedureCases() {}

  /** Tây Ninh's engine on {@code federation}'s consumer gateway: quick retries and polling. */
  static ProceduresOptions options(Federation federation, String database) {
    return ProceduresOptions.of(
            database,
            new ProceduresOptions.GatewayLink(
                federation.consumerHttpUrl(),
                Federation.PROCEDURE_ENGINE,
                "lienthong",
                federation.procedureEngineSecret()),
            AgencyCode.parse("000.00.00.H53"),
            Federation.PROCEDURE_SERVICES)
        .withRetries(
            new ProceduresOptions.Retries(3, Duration.ofMillis(50), Duration.ofMillis(400)))
        .withJobPoll(Duration.ofMillis(100));
  }

  /** Waits (at most a minute) until case {@code code} has {@code status}, and returns it. */
  static CaseView awaitStatus(Procedures procedures, String code, CaseView.Status status) {
    await()
        .atMost(CASE_TIME)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> procedures.find(code).orElseThrow().status() == status);
    return procedures.find(code).orElseThrow();
  }

  /** Process instances ever started in the engine's tables (a refused filing adds none). */
  static long casesInDatabase(String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(database);
        ResultSet r = c.createStatement().executeQuery("select count(*) from act_hi_procinst")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The exchanges {@code node}'s ledger recorded with a purpose starting {@code issuePrefix}. */
  static List<ExchangeRecord> caseRecords(GatewayNode node, String issuePrefix) {
    return node.ledger().range(0, 10_000).stream()
        .map(LedgerEntry::record)
        .filter(
            r ->
                r.issue() != null
                    && URLDecoder.decode(r.issue(), StandardCharsets.UTF_8).startsWith(issuePrefix))
        .toList();
  }
}
