package org.openlgsp.alerts;

import io.helidon.http.HeaderNames;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;

/**
 * The alert API on its own listener (docs/alerts.md "API"): list and read for {@value #READER};
 * acknowledge and resolve, recording who and when, for {@value #OPERATOR}, audited by the edge.
 */
final class AlertsHttp implements AutoCloseable {
  static final String READER = "alerts.reader";
  static final String OPERATOR = "alerts.operator";
  static final String ALERTS = "/alerts/v1/alerts";
  private final AlertStore store;
  private final int maxPage;
  private final Clock clock;
  private final AdminApi listener;

  /** A page of alerts, newest first; {@code next} is the {@code before} of the next page. */
  record Page(List<Alert> alerts, java.util.Optional<Long> next) {}

  AlertsHttp(AlertStore store, AlertsOptions.Api api, String host, AuditLog audit, Clock clock) {
    this.store = store;
    this.maxPage = api.maxPageSize();
    this.clock = clock;
    this.listener =
        AdminApi.builder()
            .routes(routes())
            .token("alerts-reader", api.readerTokenSha256(), Set.of(READER))
            .token("alerts-operator", api.operatorTokenSha256(), Set.of(READER, OPERATOR))
            .auditLog(audit)
            .start(host, api.port());
  }

  private List<Route> routes() {
    return List.of(
        Route.get(ALERTS)
            .roles(READER)
            .audit(Audit.notAudited("alerts carry no personal data"))
            .handle(this::list),
        Route.get(ALERTS + "/{id}")
            .roles(READER)
            .audit(Audit.notAudited("alerts carry no personal data"))
            .handle(this::one),
        Route.post(ALERTS + "/{id}/acknowledge")
            .roles(OPERATOR)
            .audited("alerts.acknowledge")
            .handle(c -> change(c, Alert.State.ACKNOWLEDGED)),
        Route.post(ALERTS + "/{id}/resolve")
            .roles(OPERATOR)
            .audited("alerts.resolve")
            .handle(c -> change(c, Alert.State.RESOLVED)));
  }

  private void list(Call c) {
    Map<String, String> params = AdminApi.queryParameters(c, name -> true);
    AlertQuery q = AlertQuery.parse(params, maxPage);
    List<Alert> alerts = store.list(q);
    java.util.Optional<Long> next =
        alerts.size() == q.limit()
            ? java.util.Optional.of(alerts.getLast().id())
            : java.util.Optional.empty();
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    c.response().send(Codec.bytes(new Page(alerts, next)));
  }

  /** One alert, written by the alerts' own codec like the list (its optional fields). */
  private void one(Call c) {
    Alert a = find(c);
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    c.response().send(Codec.bytes(a));
  }

  private long id(Call c) {
    String v = c.request().path().pathParameters().get("id");
    try {
      long id = Long.parseLong(v);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new LgspException(ErrorCode.REQUEST_MALFORMED, "alert id must be a positive number");
  }

  private Alert find(Call c) {
    long id = id(c);
    return store
        .get(id)
        .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no alert " + id));
  }

  private void change(Call c, Alert.State to) {
    Alert a = store.handle(id(c), to, new Alert.Action(c.caller().actor(), clock.instant()));
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    c.response().send(Codec.bytes(a));
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }
}
