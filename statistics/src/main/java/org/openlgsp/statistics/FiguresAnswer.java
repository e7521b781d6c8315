package org.openlgsp.statistics;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The JSON answer of {@code /statistics/v1/figures} and {@code /rankings}: the range asked and its
 * rows. The wire form of the statistics API, read by the registry's console as well.
 */
public record FiguresAnswer(Instant from, Instant to, List<Figures> rows) {
  public FiguresAnswer {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    rows = rows == null ? List.of() : List.copyOf(rows);
  }
}
