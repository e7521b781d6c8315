package org.openlgsp.statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.SecurityServerType;

/** Observations as a consumer gateway makes them, with the figures a test chooses. */
final class Observations {
  static final ClientId PORTAL = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "DVC");
  static final ClientId OTHER = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "HTTT");
  static final ClientId LAND_OFFICE = ClientId.subsystem("VN", "GOV", "000.00.00.H29", "DATDAI");
  static final ServiceId CITIZENS =
      new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC"), "citizens");
  static final ServiceId PARCELS =
      new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G02", "DATDAI"), "parcels");

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
    Instant start = at.minusMillis(millis);
    boolean ok = code.isEmpty();
    return new ExchangeObservation(
        at,
        "10.0.0.5",
        SecurityServerType.CLIENT,
        start,
        Optional.empty(),
        Optional.empty(),
        at,
        client,
        service,
        "",
        "GET",
        "/citizens/{subject}",
        "",
        "msg-" + at.toEpochMilli() + "-" + millis,
        "",
        "",
        "1",
        "https://tn.example:8443",
        "https://mps.example:8443",
        in,
        out,
        ok,
        "REST",
        ok ? "" : "Server.ServerProxy.AccessDenied",
        ok ? "" : "Access denied",
        status,
        "0.1.0",
        code,
        "",
        "",
        "",
        42,
        Duration.ofMillis(millis),
        Duration.ZERO,
        Duration.ZERO,
        "");
  }
}
