package org.openlgsp.alerts;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What tests in other packages may see of the alerts an {@link Alerts} stored. */
public final class AlertsProbe {
  private AlertsProbe() {}

  /** An alert as tests compare it. */
  public record Seen(
      long id,
      String rule,
      String severity,
      String key,
      String summary,
      long count,
      List<Long> ledgerIndexes,
      Map<String, String> facts,
      int occurrences) {}

  /** The stored alerts, newest first. */
  public static List<Seen> alerts(Alerts a) {
    return a
        .store()
        .list(
            new AlertQuery(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Long.MAX_VALUE,
                1000))
        .stream()
        .map(
            x ->
                new Seen(
                    x.id(),
                    x.rule(),
                    x.severity().name(),
                    x.key(),
                    x.summary(),
                    x.evidence().count(),
                    x.evidence().ledgerIndexes(),
                    x.evidence().facts(),
                    x.occurrences()))
        .toList();
  }

  /** Observations the rules have taken from their queue. */
  public static long processed(Alerts a) {
    return a.engine().processed();
  }
}
