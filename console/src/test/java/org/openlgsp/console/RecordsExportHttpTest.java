package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.ApiLink;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.registry.Registry;
import org.openlgsp.storage.Database;

/**
 * The operational records search exported as CSV from a real gateway monitoring API: every page of
 * the API's cursor streamed into one file, a cell a spreadsheet would run written as text, the
 * export audited, and refused to an agency administrator.
 */
class RecordsExportHttpTest {
  static final String NODE = "VN/GOV/000.00.00.H53/gw1";
  static final ServiceId CITIZENS = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");

  @TempDir Path dir;
  Database gatewayDb;
  Monitoring monitoring;
  AuditFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
    if (monitoring != null) {
      monitoring.close();
    }
    if (gatewayDb != null) {
      gatewayDb.close();
    }
  }

  @Test
  void theSearchIsExportedAcrossTheApisPagesAsCsvAndARecordHasItsOwnPageBothAudited()
      throws Exception {
    gatewayDb = Database.sqlite(dir.resolve("gateway.db"));
    monitoring =
        Monitoring.start(
            gatewayDb,
            MonitoringOptions.defaults().withApi(0, BearerTokens.hash("monitoring-token")),
            new SimpleMeterRegistry(),
            Optional::empty,
            "127.0.0.1",
            Clock.systemUTC());
    Instant t0 = Instant.now().minusSeconds(600);
    int n = 2_345;
    for (ExchangeObserver o : monitoring.observers()) {
      for (int i = 0; i < n; i++) {
        Observed x = Observed.at(t0.plusMillis(i), Observed.PORTAL, CITIZENS).took(3);
        o.observed(
            (i == 7 ? x.restPath("=HYPERLINK(\"http://evil.example\")") : x)
                .restMethod("GET")
                .build());
      }
      o.observed(
          Observed.at(t0.plusMillis(n), Observed.PORTAL, CITIZENS)
              .failed("access.denied", 403, "Client", "refused")
              .build());
    }
    Path token = Files.writeString(dir.resolve("monitoring.token"), "monitoring-token");
    ConsoleOptions options =
        ConsoleOptions.defaults()
            .listening("127.0.0.1", 0)
            .withGateways(
                List.of(
                    new ConsoleOptions.Gateway(
                        NODE,
                        Optional.of(
                            new ApiLink(
                                "http://127.0.0.1:" + monitoring.apiPort().orElseThrow(),
                                token.toString())),
                        Optional.empty(),
                        Optional.empty())));
    f = new AuditFixture(dir, options);
    ConsoleClient auditor = f.signedIn(ConsoleRole.AUDITOR);
    String search =
        "/records.csv?node="
            + NODE
            + "&from="
            + t0.minusSeconds(1)
            + "&to="
            + Instant.now().plusSeconds(60);
    // the monitoring writer stores in the background: wait until every record is there
    HttpResponse<String> csv =
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> auditor.get(search), r -> r.body().lines().count() == n + 2);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("id,at,side,client,service,method,path,outcome,errorCode,status,durationMs");
    assertThat(lines).filteredOn(l -> l.contains("access.denied")).hasSize(1);
    assertThat(csv.body()).contains("'=HYPERLINK").doesNotContain(",=HYPERLINK");
    // the search's filter reaches the API: only the refusal
    assertThat(auditor.get(search + "&outcome=refused").body().lines().count()).isEqualTo(2);
    assertThat(f.registry.auditLog("console.records.export", 0, 10))
        .extracting(Registry.AuditEntry::detail)
        .anySatisfy(d -> assertThat(d).contains("gateway " + NODE).contains(n + 1 + " records"));
    // the records page links its search's export
    assertThat(auditor.get(search.replace("/records.csv", "/records")).body())
        .contains("id=\"export-records\"");
    // the refusal's own page, linked from the search's row by its id and time, every field shown
    String[] refusal =
        lines.stream()
            .filter(l -> l.contains("access.denied"))
            .findFirst()
            .orElseThrow()
            .split(",");
    String detail =
        "/records/"
            + refusal[0]
            + "?node="
            + NODE
            + "&at="
            + Instant.parse(refusal[1]).toEpochMilli();
    assertThat(auditor.get(search.replace("/records.csv", "/records") + "&outcome=refused").body())
        .contains("href=\"" + detail + "\"");
    HttpResponse<String> page = auditor.get(detail);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body())
        .contains("<code>faultString</code></th><td>refused</td>")
        .contains("<code>errorCode</code></th><td>access.denied</td>")
        .contains("<code>messageId</code>");
    assertThat(f.registry.auditLog("console.records.read", 0, 10))
        .extracting(Registry.AuditEntry::target)
        .contains("record " + refusal[0] + " of " + NODE);
    // another time, an unknown id, a malformed one
    assertThat(auditor.get(detail.replace("&at=", "&at=1")).statusCode()).isEqualTo(404);
    assertThat(
            auditor.get("/records/999999?node=" + NODE + "&at=" + t0.toEpochMilli()).statusCode())
        .isEqualTo(404);
    assertThat(auditor.get("/records/x?node=" + NODE + "&at=1").statusCode()).isEqualTo(400);
    // an unknown gateway 404; an agency administrator is refused
    assertThat(auditor.get("/records.csv?node=VN/GOV/000.00.00.G99/gw1").statusCode())
        .isEqualTo(404);
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);
    assertThat(tn.get(search).statusCode()).isEqualTo(403);
    assertThat(tn.get(detail).statusCode()).isEqualTo(403);
  }
}
