package org.openlgsp.statistics;

import java.time.Duration;
import java.time.Instant;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.Observed;

/** Observations as a consumer gateway makes them, with the figures a test chooses. */
final class Observations {
  static final ClientId PORTAL = Observed.PORTAL;
  static final ClientId OTHER = Observed.OTHER;
  static final ClientId LAND_OFFICE = ClientId.subsystem("VN", "GOV", "000.00.00.H29", "DATDAI");
  static final ServiceId CITIZENS = Observed.CITIZENS;
  static final ServiceId PARCELS = Observed.PARCELS;

  private Observations() {}

  static ExchangeObservation success(
      Instant at, ClientId client, ServiceId service, long millis, long in, long out) {
    return of(at, client, service, millis, in, out, "", 200);
  }

  /** An access.denied refusal (403) that took {@code millis}, answering 120 bytes. */
  static ExchangeObservation refusal(Instant at, ClientId client, ServiceId service, long millis) {
    return of(at, client, service, millis, 0, 120, "access.denied", 403);
  }

  static ExchangeObservation of(
      Instant at,
      ClientId client,
      ServiceId service,
      long millis,
      long in,
      long out,
      String code,
      int status) {
    Observed o =
        Observed.at(at, client, service)
            .took(millis)
            .messageId("msg-" + at.toEpochMilli() + "-" + millis)
            .requestSize(in)
            .responseSize(out)
            .statusCode(status)
            .gatewayTime(Duration.ofMillis(millis));
    if (!code.isEmpty()) {
      o.failed(code, status, "Server.ServerProxy.AccessDenied", "Access denied");
    }
    return o.build();
  }
}
