package org.openlgsp.registry;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.statistics.Figures;
import org.openlgsp.statistics.FiguresAnswer;

/**
 * One LGSP's statistics of one day as it reports them upward to the national instance
 * (docs/statistics.md, "Reported upward"): counts per client agency and service ({@link Figures}
 * rows grouped by {@code agency} and {@code service}, no system, no period), no personal data.
 * Signed by the reporting instance's registry with its directory-signing key, the one the agreement
 * between the two instances pins ({@link #SIGNED}).
 *
 * @param instance the reporting instance
 * @param agreement the agreement under which it reports
 * @param day the day, in {@code zone}
 * @param zone where the day begins (the gateways' {@code statistics.zone})
 * @param issuedAt when it was signed; a later one for the same day replaces an earlier one
 * @param rows one per agency and service with calls that day
 */
public record DailySummary(
    String instance,
    String agreement,
    LocalDate day,
    String zone,
    Instant issuedAt,
    List<Figures> rows) {
  /** A summary as the reporting registry signs it. */
  public static final SignedDocument.Kind<DailySummary> SIGNED =
      new SignedDocument.Kind<>(
          DailySummary.class, ErrorCode.FEDERATION_SUMMARY_INVALID, "daily summary");

  /** The most rows a summary may hold. */
  public static final int MAX_ROWS = 100_000;

  public DailySummary {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(agreement, "agreement");
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(issuedAt, "issuedAt");
    ZoneId.of(Objects.requireNonNull(zone, "zone"));
    rows = List.copyOf(rows);
    if (rows.size() > MAX_ROWS) {
      throw new IllegalArgumentException("a summary holds at most " + MAX_ROWS + " rows");
    }
    for (Figures f : rows) {
      ClientId agency =
          ClientId.parse(
              f.agency().orElseThrow(() -> new IllegalArgumentException("a row names no agency")));
      ServiceId service =
          ServiceId.parse(
              f.service()
                  .orElseThrow(() -> new IllegalArgumentException("a row names no service")));
      if (agency.isSubsystem()) {
        throw new IllegalArgumentException("a row's agency must be a member, not " + agency);
      }
      if (f.system().isPresent() || f.period().isPresent()) {
        throw new IllegalArgumentException("rows are per agency and service only");
      }
      if (f.successes() + f.refused() + f.failed() != f.calls()) {
        throw new IllegalArgumentException(
            "row " + agency + " " + service + ": outcomes do not add up to the calls");
      }
      if (!agency.instance().equals(instance) && !service.provider().instance().equals(instance)) {
        throw new IllegalArgumentException(
            "row " + agency + " " + service + " concerns no agency or service of " + instance);
      }
    }
  }

  /**
   * The summary of {@code day} made of the figures the instance's gateways answered for that day
   * grouped by {@code agency,service} ({@code /statistics/v1/figures}), added up per agency and
   * service.
   */
  public static DailySummary of(
      String instance,
      String agreement,
      LocalDate day,
      ZoneId zone,
      Instant issuedAt,
      List<FiguresAnswer> gateways) {
    return new DailySummary(
        instance,
        agreement,
        day,
        zone.getId(),
        issuedAt,
        combine(gateways.stream().flatMap(a -> a.rows().stream()).toList(), true, true));
  }

  /**
   * {@code rows} added up per agency (when {@code byAgency}) and service (when {@code byService}),
   * in their order: counts, errors and bytes add; latency percentiles do not add up across
   * gateways, days or instances and are 0, {@code latencyMax} is the largest.
   */
  static List<Figures> combine(List<Figures> rows, boolean byAgency, boolean byService) {
    Map<List<Optional<String>>, Figures> sums =
        new TreeMap<>(Comparator.comparing(Object::toString));
    for (Figures f : rows) {
      Optional<String> agency = byAgency ? f.agency() : Optional.empty();
      Optional<String> service = byService ? f.service() : Optional.empty();
      sums.merge(
          List.of(agency, service),
          new Figures(
              agency,
              Optional.empty(),
              service,
              Optional.empty(),
              f.calls(),
              f.successes(),
              f.refused(),
              f.failed(),
              f.errors(),
              f.bytesIn(),
              f.bytesOut(),
              0,
              0,
              0,
              0,
              f.latencyMax()),
          (a, b) -> {
            Map<String, Long> errors = new TreeMap<>(a.errors());
            b.errors().forEach((code, n) -> errors.merge(code, n, Long::sum));
            return new Figures(
                a.agency(),
                Optional.empty(),
                a.service(),
                Optional.empty(),
                a.calls() + b.calls(),
                a.successes() + b.successes(),
                a.refused() + b.refused(),
                a.failed() + b.failed(),
                errors,
                a.bytesIn() + b.bytesIn(),
                a.bytesOut() + b.bytesOut(),
                0,
                0,
                0,
                0,
                Math.max(a.latencyMax(), b.latencyMax()));
          });
    }
    return List.copyOf(sums.values());
  }
}
