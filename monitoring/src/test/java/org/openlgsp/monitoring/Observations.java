package org.openlgsp.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.SecurityServerType;
import org.openlgsp.gateway.spi.Observed;

/** Observations as a gateway makes them, with the figures a test chooses. */
final class Observations {
  static final ClientId PORTAL = Observed.PORTAL;
  static final ClientId OTHER = Observed.OTHER;
  static final ServiceId CITIZENS = Observed.CITIZENS;
  static final ServiceId LAND = Observed.PARCELS;

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
    return Observed.from(success(at, PORTAL, CITIZENS, 5, 1, 1))
        .messageUserId(userId)
        .messageIssue(issue)
        .purpose(issue)
        .officer(userId)
        .build();
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
    Observed o =
        Observed.at(at, client, service)
            .securityServerType(side)
            .took(millis)
            .requestOutTs(ok ? Optional.of(start.plusMillis(1)) : Optional.empty())
            .responseInTs(ok ? Optional.of(at.minusMillis(1)) : Optional.empty())
            .messageId("msg-" + at.toEpochMilli() + "-" + millis)
            .messageUserId("officer-17")
            .messageIssue("HS-2026-000123")
            .requestSize(in)
            .responseSize(out)
            .statusCode(status)
            .purpose("HS-2026-000123")
            .officer("officer-17")
            .subjectHash("c2hhMjU2")
            .gatewayTime(Duration.ofMillis(Math.min(millis, 2)))
            .peerTime(ok ? Duration.ofMillis(Math.max(0, millis - 2)) : Duration.ZERO);
    if (!ok) {
      o.failed(code, status, "Server.ServerProxy.AccessDenied", "Access denied");
    }
    return o.build();
  }
}
