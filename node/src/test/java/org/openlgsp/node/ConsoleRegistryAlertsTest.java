package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.alerts.Alerts;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.core.ClientId;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * The registry node hands its own alerts to its web console (docs/console.md, "Alerts"): a breach
 * past its warning time shows on the alerts page labelled as the registry's and in the dashboard's
 * open alerts count, with no gateway configured; a security officer acknowledges and resolves it
 * through the alerts module's in-process API, as themself and audited; an agency administrator and
 * a post without the anti-forgery token are refused and change nothing.
 */
class ConsoleRegistryAlertsTest {
  @TempDir Path dir;

  @Test
  void aBreachPastItsWarningShowsOnTheConsoleAndIsAcknowledgedAndResolvedThere() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    Path file =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  alerts: {pollInterval: PT0.2S}\n" + "  console: {enabled: true, port: 0}\n");
    try (RegistryNode node =
        RegistryNode.start(
            "VN",
            NodeConfig.read(file).registry().orElseThrow(),
            dir,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      RegistryClient admin = new RegistryClient("http://127.0.0.1:" + node.port(), "admin");
      String breach =
          admin
              .recordBreach(
                  new AdminRequests.BreachRecord(
                      Instant.now().minus(Duration.ofHours(60)), // 12 h left of 72: warned
                      "DPO",
                      "Lộ dữ liệu",
                      List.of("họ tên"),
                      3L,
                      List.of(),
                      "",
                      ""))
              .id();
      Alerts.Entry alert =
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () -> node.alerts().list(Alerts.Filter.inState("open", 10)).alerts(),
                  a -> !a.isEmpty())
              .getFirst();
      assertThat(alert.rule()).isEqualTo("breachNotification");
      assertThat(alert.summary()).contains(breach);

      var accounts = node.console().orElseThrow().accounts();
      String url = node.console().orElseThrow().url();
      String base = url.substring(0, url.length() - 1);
      String officerPassword =
          accounts.create("officer", ConsoleRole.SECURITY_OFFICER, Optional.empty());
      ConsoleClient officer = new ConsoleClient(base);
      officer.signIn("officer", officerPassword, accounts);
      ClientId agency = ClientId.parse("VN/GOV/000.00.00.H53");
      node.registry().addMember(agency, "UBND tỉnh Tây Ninh");
      String agencyPassword =
          accounts.create("agency", ConsoleRole.AGENCY_ADMIN, Optional.of(agency));
      ConsoleClient agencyAdmin = new ConsoleClient(base);
      agencyAdmin.signIn("agency", agencyPassword, accounts);

      // the dashboard's open alerts count holds the registry's own, with no gateway configured;
      // an agency administrator is not shown the count
      assertThat(officer.get("/").body())
          .contains("id=\"count-open-alerts\"><a href=\"/alerts\">1</a>");
      assertThat(agencyAdmin.get("/").body()).doesNotContain("count-open-alerts");

      String row = "id=\"registry-alert-" + alert.id() + "\"";
      String page = officer.get("/alerts").body();
      assertThat(page)
          .contains(row)
          .contains("Máy chủ đăng ký (nút này)")
          .contains(breach)
          .contains("name=\"registry\" value=\"yes\"");
      String action = "/alerts/" + alert.id() + "/acknowledge";

      // an agency administrator neither sees nor handles the registry's alerts
      assertThat(agencyAdmin.get("/alerts").statusCode()).isEqualTo(403);
      assertThat(agencyAdmin.postWithToken(action, Map.of("registry", "yes")).statusCode())
          .isEqualTo(403);
      // without the anti-forgery token
      assertThat(officer.post(action, Map.of("registry", "yes")).statusCode()).isEqualTo(403);
      assertThat(node.alerts().alert(alert.id()).orElseThrow().state()).isEqualTo("OPEN");

      HttpResponse<String> acked = officer.postWithToken(action, Map.of("registry", "yes"));
      assertThat(acked.statusCode()).as(acked.body()).isEqualTo(303);
      Alerts.Entry after = node.alerts().alert(alert.id()).orElseThrow();
      assertThat(after.state()).isEqualTo("ACKNOWLEDGED");
      assertThat(after.acknowledged().orElseThrow().by()).isEqualTo("officer");
      assertThat(officer.get("/alerts").body())
          .contains(row + " data-rule=\"breachNotification\" data-state=\"ACKNOWLEDGED\"")
          .contains("(officer)");
      // acknowledged once: a second acknowledgement is a conflict
      assertThat(officer.postWithToken(action, Map.of("registry", "yes")).statusCode())
          .isEqualTo(409);

      HttpResponse<String> resolved =
          officer.postWithToken("/alerts/" + alert.id() + "/resolve", Map.of("registry", "yes"));
      assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(303);
      assertThat(node.alerts().alert(alert.id()).orElseThrow().resolved().orElseThrow().by())
          .isEqualTo("officer");
      assertThat(officer.get("/alerts").body()).doesNotContain(row);
      assertThat(officer.get("/").body())
          .contains("id=\"count-open-alerts\"><a href=\"/alerts\">0</a>");

      // the console's own rows in the registry's audit trail, before and after
      assertThat(node.registry().auditLog("console.alert.acknowledge", 0, 10))
          .extracting(e -> e.actor() + " " + e.outcome())
          .contains("officer ok", "agency admin.forbidden", "officer console.csrf_invalid");
      assertThat(node.registry().auditLog("console.alert.resolve", 0, 10))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.actor()).isEqualTo("officer");
                assertThat(e.detail()).contains("breachNotification").contains("RESOLVED");
              });
    }
  }
}
