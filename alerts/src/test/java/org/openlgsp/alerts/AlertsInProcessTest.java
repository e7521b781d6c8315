package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * The in-process API (docs/alerts.md "In process") on a node without an alerts API: a page of
 * alerts by the HTTP API's filters, acknowledged and resolved as the acting account, each change
 * and each refusal audited as the HTTP API's routes are.
 */
class AlertsInProcessTest {
  @TempDir Path dir;
  Database db;
  Alerts alerts;

  @BeforeEach
  void start() {
    db = TestDatabases.open("sqlite", dir);
    Instant now = Instant.now();
    NodeSignals signals =
        NodeSignals.none()
            .withCertificates(
                () ->
                    List.of(
                        new NodeSignals.CertificateValidity("tls", now.plus(Duration.ofDays(20))),
                        new NodeSignals.CertificateValidity(
                            "signing", now.plus(Duration.ofDays(2)))));
    alerts =
        Alerts.start(
            db,
            AlertsOptions.defaults(),
            AlertRules.defaults(),
            signals,
            "127.0.0.1",
            Clock.systemUTC());
    alerts.poll();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> AlertsProbe.alerts(alerts).size() == 2);
  }

  @AfterEach
  void stop() {
    alerts.close();
    db.close();
  }

  @Test
  void aPageIsReadByStateAndLimitThenAcknowledgedAndResolvedAsTheAccountAndAudited() {
    assertThat(alerts.apiPort()).isEmpty();
    Alerts.Page open = alerts.list(Alerts.Filter.inState("open", 1));
    assertThat(open.alerts()).hasSize(1);
    assertThat(open.next()).isPresent();
    Alerts.Page rest =
        alerts.list(
            new Alerts.Filter(
                Optional.of("open"), Optional.empty(), Optional.empty(), open.next(), 10));
    assertThat(rest.alerts()).hasSize(1);
    assertThat(rest.next()).isEmpty();
    Alerts.Entry signing =
        alerts
            .list(
                new Alerts.Filter(
                    Optional.empty(),
                    Optional.of("critical"),
                    Optional.of("certificateExpiry"),
                    Optional.empty(),
                    10))
            .alerts()
            .getFirst();
    assertThat(signing.key()).isEqualTo("signing");
    assertThat(signing.state()).isEqualTo("OPEN");

    Alerts.Entry acked = alerts.acknowledge(signing.id(), "console:officer", "10.0.0.7");
    assertThat(acked.state()).isEqualTo("ACKNOWLEDGED");
    assertThat(acked.acknowledged().orElseThrow().by()).isEqualTo("console:officer");
    assertThat(alerts.list(Alerts.Filter.inState("acknowledged", 10)).alerts())
        .extracting(Alerts.Entry::id)
        .containsExactly(signing.id());

    Alerts.Entry resolved = alerts.resolve(signing.id(), "console:admin", "10.0.0.8");
    assertThat(resolved.state()).isEqualTo("RESOLVED");
    assertThat(resolved.resolved().orElseThrow().by()).isEqualTo("console:admin");
    assertThat(alerts.alert(signing.id()).orElseThrow().state()).isEqualTo("RESOLVED");

    List<AuditEvent> audit = DatabaseAuditLog.open(db).recent(10);
    assertThat(audit)
        .extracting(AuditEvent::actor, AuditEvent::action, AuditEvent::target, AuditEvent::outcome)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "console:officer",
                "alerts.acknowledge",
                "/alerts/v1/alerts/" + signing.id() + "/acknowledge",
                "ok"),
            org.assertj.core.groups.Tuple.tuple(
                "console:admin",
                "alerts.resolve",
                "/alerts/v1/alerts/" + signing.id() + "/resolve",
                "ok"));
    assertThat(audit).extracting(AuditEvent::source).contains("10.0.0.7", "10.0.0.8");
  }

  @Test
  void aResolvedOrMissingAlertIsRefusedAndTheRefusalAudited() {
    long id = alerts.list(Alerts.Filter.inState("open", 10)).alerts().getFirst().id();
    alerts.resolve(id, "console:admin", "10.0.0.8");
    assertThatThrownBy(() -> alerts.acknowledge(id, "console:admin", "10.0.0.8"))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.RESOURCE_CONFLICT);
    assertThatThrownBy(() -> alerts.resolve(999_999, "console:admin", "10.0.0.8"))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
    assertThat(DatabaseAuditLog.open(db).recent(10))
        .extracting(AuditEvent::action, AuditEvent::outcome)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "alerts.acknowledge", ErrorCode.RESOURCE_CONFLICT.code()),
            org.assertj.core.groups.Tuple.tuple(
                "alerts.resolve", ErrorCode.RESOURCE_NOT_FOUND.code()));
  }

  @Test
  void aFilterTheHttpApiRefusesIsRefused() {
    assertThatThrownBy(() -> alerts.list(Alerts.Filter.inState("closed", 10)))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.QUERY_FILTER_INVALID);
    assertThatThrownBy(() -> alerts.list(Alerts.Filter.inState("open", 1001)))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.QUERY_PAGE_INVALID);
  }
}
