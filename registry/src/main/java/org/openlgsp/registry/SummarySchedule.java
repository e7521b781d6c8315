package org.openlgsp.registry;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * When and from what this registry sends its own daily statistics summary to a federated peer (the
 * national instance; docs/statistics.md, "Reported upward"): the summary of day D is made and sent
 * at {@code at} on day D + 1 in {@code zone}; days missed since the last one sent (the node was
 * down, the peer refused) are sent too, at most {@code catchUp} days back; a failed send is tried
 * again {@code retry} later.
 *
 * @param at the time of day the previous day's summary is sent
 * @param zone where the day begins (as the gateways' {@code statistics.zone})
 * @param token the bearer token the peer's registry gave this instance (its {@code
 *     registry.federation.reporters} entry, role {@code federation.statistics})
 * @param statistics the statistics APIs of the gateways whose counts are this instance's
 * @param catchUp the most days one round sends, the latest due day included (1 to 31)
 * @param retry how long after a failure the next attempt is made
 */
public record SummarySchedule(
    LocalTime at, ZoneId zone, String token, List<Source> statistics, int catchUp, Duration retry) {
  public static final LocalTime DEFAULT_AT = LocalTime.of(0, 10);
  public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  public static final int DEFAULT_CATCH_UP = 7;
  public static final Duration DEFAULT_RETRY = Duration.ofMinutes(5);

  /** A gateway's statistics API and the token it admits (role {@code statistics.reader}). */
  public record Source(String url, String token) {
    public Source {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(token, "token");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("statistics url must be http(s)://");
      }
      if (token.isBlank()) {
        throw new IllegalArgumentException("statistics token must not be empty");
      }
    }

    @Override
    public String toString() {
      return "Source[" + url + "]"; // never the token
    }
  }

  public SummarySchedule {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(retry, "retry");
    statistics = List.copyOf(statistics);
    if (token.isBlank()) {
      throw new IllegalArgumentException("summaries: the reporter token must not be empty");
    }
    if (statistics.isEmpty()) {
      throw new IllegalArgumentException("summaries.statistics: name at least one gateway");
    }
    if (catchUp < 1 || catchUp > 31) {
      throw new IllegalArgumentException("summaries.catchUp must be 1 to 31 days");
    }
    if (retry.compareTo(Duration.ofSeconds(1)) < 0 || retry.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("summaries.retry must be between PT1S and P1D");
    }
  }

  @Override
  public String toString() {
    return "SummarySchedule[at=" + at + ", zone=" + zone + ", statistics=" + statistics + "]";
  }
}
