package org.openlgsp.registry;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.statistics.Figures;
import org.openlgsp.statistics.FiguresAnswer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * The daily summaries federated instances report upward, and the national ranking made of them
 * (docs/statistics.md, "Reported upward"). A summary is taken only from an instance with an
 * agreement in force, signed by the registry certificate that agreement pins for it, naming that
 * agreement; per instance and day the one issued last is kept, so sending again is harmless.
 */
final class FederationSummaries {
  /** The most days one ranking may cover. */
  static final int MAX_DAYS = 400;

  /** The most rows a ranking answers. */
  static final int MAX_LIMIT = 1000;

  /** What {@link #accept} did: stored anew, or already held (the same or a later one). */
  record Outcome(String instance, LocalDate day, boolean stored) {}

  private final Database db;
  private final Function<String, Optional<FederationLinks.Link>> links;
  private final Clock clock;

  FederationSummaries(
      Database db, Function<String, Optional<FederationLinks.Link>> links, Clock clock) {
    this.db = db;
    this.links = links;
    this.clock = clock;
  }

  /**
   * Verifies {@code raw}, the signed summary {@code instance} sent, and keeps it unless one issued
   * at the same time or later is held for that day.
   *
   * @throws LgspException {@code federation.not_agreed} for an instance without an agreement in
   *     force; {@code federation.summary_invalid} for anything not signed by its pinned registry
   *     certificate, tampered with, or not naming that instance and agreement
   */
  Outcome accept(String instance, byte[] raw) {
    Instant now = clock.instant();
    FederationLinks.Link link =
        links
            .apply(instance)
            .filter(l -> l.agreement().validAt(now))
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.FEDERATION_NOT_AGREED,
                        "no agreement in force with instance " + instance));
    X509Certificate pinned = link.peerCertificate();
    DailySummary summary =
        SignedDocument.parse(raw, DailySummary.SIGNED)
            .verify(List.of(pinned), now, DailySummary.SIGNED);
    if (!summary.instance().equals(instance)
        || !summary.agreement().equals(link.agreement().id())) {
      throw DailySummary.SIGNED.refusal(
          "summary of "
              + summary.instance()
              + " under "
              + summary.agreement()
              + ", expected "
              + instance
              + " under "
              + link.agreement().id());
    }
    if (summary.issuedAt().isAfter(now.plusSeconds(300))) {
      throw DailySummary.SIGNED.refusal("summary issued in the future: " + summary.issuedAt());
    }
    String digest = Digests.base64(Digests.sha256(raw));
    // One statement (SQLite and PostgreSQL): two sends of the same day at once cannot both insert,
    // and an earlier or equal one never replaces the one held.
    int changed =
        Sql.inTransaction(
            db,
            h ->
                h.execute(
                    "INSERT INTO registry_federation_summary"
                        + " (instance, day, issued_at, digest, signed, received_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (instance, day) DO UPDATE SET issued_at = excluded.issued_at,"
                        + " digest = excluded.digest, signed = excluded.signed,"
                        + " received_at = excluded.received_at"
                        + " WHERE registry_federation_summary.issued_at < excluded.issued_at",
                    instance,
                    summary.day().toString(),
                    summary.issuedAt().toEpochMilli(),
                    digest,
                    raw,
                    now.toEpochMilli()));
    boolean stored = changed > 0;
    return new Outcome(instance, summary.day(), stored);
  }

  /**
   * The national ranking over the days {@code from} (inclusive) to {@code to} (exclusive): the held
   * summaries' rows added up per agency ({@code by} {@code agency}) or service, largest first by
   * calls ({@code order} {@code volume}) or by refused and failed calls ({@code errors}, those
   * without any left out), ties by name; at most {@code limit} rows. Latency percentiles do not add
   * up across days and instances: they are 0, {@code latencyMax} is the largest reported.
   */
  FiguresAnswer ranking(LocalDate from, LocalDate to, String by, String order, int limit) {
    if (!from.isBefore(to) || from.plusDays(MAX_DAYS).isBefore(to)) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID,
          "from must be before to, at most " + MAX_DAYS + " days apart");
    }
    if (!by.equals("agency") && !by.equals("service")) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "by must be agency or service");
    }
    if (!order.equals("volume") && !order.equals("errors")) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "order must be volume or errors");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new LgspException(ErrorCode.QUERY_PAGE_INVALID, "limit must be 1 to " + MAX_LIMIT);
    }
    List<byte[]> held =
        Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT signed FROM registry_federation_summary"
                            + " WHERE day >= ? AND day < ? ORDER BY instance, day")
                    .bind(0, from.toString())
                    .bind(1, to.toString())
                    .mapTo(byte[].class)
                    .list());
    List<Figures> all = new ArrayList<>();
    for (byte[] raw : held) {
      // verified when taken; read back without the check (the pinned key may have rotated since)
      all.addAll(payload(raw).rows());
    }
    List<Figures> rows = DailySummary.combine(all, by.equals("agency"), by.equals("service"));
    Function<Figures, Long> measure =
        order.equals("volume") ? Figures::calls : f -> f.refused() + f.failed();
    List<Figures> ranked =
        rows.stream()
            .filter(f -> order.equals("volume") || measure.apply(f) > 0)
            .sorted(Comparator.comparing(measure).reversed())
            .limit(limit)
            .toList();
    return new FiguresAnswer(
        from.atStartOfDay(ZoneOffset.UTC).toInstant(),
        to.atStartOfDay(ZoneOffset.UTC).toInstant(),
        ranked);
  }

  private static DailySummary payload(byte[] raw) {
    SignedDocument d = SignedDocument.parse(raw, DailySummary.SIGNED);
    return org.openlgsp.core.Json.read(
        Digests.fromBase64("summary payload", d.payload()), DailySummary.class);
  }
}
