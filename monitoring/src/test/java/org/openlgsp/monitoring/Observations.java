package org.openlgsp.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.SecurityServerType;

/** Observations as a gateway makes them, with the figures a test chooses. */
final class Observations {
  static final ClientId PORTAL = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "DVC");
  static final ClientId OTHER = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "HTTT");
  static final ServiceId CITIZENS =
      new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC"), "citizens");
  static final ServiceId LAND =
      new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G02", "DATDAI"), "parcels");

  private Observations() {}

  /** A successful consumer-side exchange at {@code at} taking {@code millis}. */
  static ExchangeObservation success(
      Instant at, ClientId client, ServiceId service, long millis, long in, long out) {
    return of(at, client, service, millis, in, out, "", 200, SecurityServerType.CLIENT);
  }

  /** A refusal with {@code code} (status {@code status}). */
  static ExchangeObservation refusal(
      Instant at, ClientId client, ServiceId service, String code, int status) {
    return of(at, client, service, 1, 0, 120, code, status, SecurityServerType.CLIENT);
  }

  /** A successful exchange whose caller sent {@code userId} and {@code issue}. */
  static ExchangeObservation sentBy(Instant at, String userId, String issue) {
    ExchangeObservation o = success(at, PORTAL, CITIZENS, 5, 1, 1);
    return new ExchangeObservation(
        o.monitoringDataTs(),
        o.securityServerInternalIp(),
        o.securityServerType(),
        o.requestInTs(),
        o.requestOutTs(),
        o.responseInTs(),
        o.responseOutTs(),
        o.client(),
        o.service(),
        o.serviceVersion(),
        o.restMethod(),
        o.restPath(),
        o.representedParty(),
        o.messageId(),
        userId,
        issue,
        o.messageProtocolVersion(),
        o.clientSecurityServerAddress(),
        o.serviceSecurityServerAddress(),
        o.requestSize(),
        o.responseSize(),
        o.succeeded(),
        o.serviceType(),
        o.faultCode(),
        o.faultString(),
        o.statusCode(),
        o.xRoadVersion(),
        o.errorCode(),
        issue,
        userId,
        o.subjectHash(),
        o.ledgerIndex(),
        o.gatewayTime(),
        o.peerTime(),
        o.backendTime(),
        "");
  }

  static ExchangeObservation of(
      Instant at,
      ClientId client,
      ServiceId service,
      long millis,
      long in,
      long out,
      String code,
      int status,
      SecurityServerType side) {
    Instant start = at.minusMillis(millis);
    boolean ok = code.isEmpty();
    return new ExchangeObservation(
        at,
        "10.0.0.5",
        side,
        start,
        ok ? Optional.of(start.plusMillis(1)) : Optional.empty(),
        ok ? Optional.of(at.minusMillis(1)) : Optional.empty(),
        at,
        client,
        service,
        "",
        "GET",
        "/citizens/{subject}",
        "",
        "msg-" + at.toEpochMilli() + "-" + millis,
        "officer-17",
        "HS-2026-000123",
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
        "HS-2026-000123",
        "officer-17",
        "c2hhMjU2",
        42,
        Duration.ofMillis(Math.min(millis, 2)),
        ok ? Duration.ofMillis(Math.max(0, millis - 2)) : Duration.ZERO,
        Duration.ZERO,
        "");
  }
}
