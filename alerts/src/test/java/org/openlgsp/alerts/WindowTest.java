package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static Window.Event at(int seconds, String value) {
    return new Window.Event(T0.plusSeconds(seconds), seconds, value);
  }

  @Test
  void distinctValuesFollowEventsLeavingByTimeAndByCap() {
    Window w = new Window(Duration.ofSeconds(60), 4, true);
    w.add("k", at(0, "a"));
    w.add("k", at(1, "b"));
    w.add("k", at(2, "a"));
    assertThat(w.distinct("k")).isEqualTo(2);
    w.add("other", at(3, "c"));
    assertThat(w.distinct("k")).isEqualTo(2); // keys do not mix

    w.add("k", at(61, "c")); // the event at 0 s ("a") leaves; "a" at 2 s stays
    assertThat(w.distinct("k")).isEqualTo(3);
    w.add("k", at(63, "c")); // 1 s and 2 s leave by time: only "c" twice
    assertThat(w.distinct("k")).isEqualTo(1);

    w.add("k", at(64, "d"));
    w.add("k", at(65, "e"));
    w.add("k", at(66, "f")); // the cap of 4 pushes the first "c" out; the second stays
    assertThat(w.distinct("k")).isEqualTo(4);
    w.add("k", at(67, "g")); // and now the second: c is gone
    assertThat(w.distinct("k")).isEqualTo(4);
  }

  @Test
  void aFindingForgetsTheKeysValues() {
    Window w = new Window(Duration.ofSeconds(60), 10, true);
    w.add("k", at(0, "a"));
    w.add("k", at(1, "b"));
    w.clear("k");
    assertThat(w.distinct("k")).isZero();
    w.add("k", at(2, "b"));
    assertThat(w.distinct("k")).isEqualTo(1);
  }

  @Test
  void evidenceOfEventsHandedOverOutOfOrderSpansTheirEarliestToLatestTime() {
    Window w = new Window(Duration.ofSeconds(60), 10);
    w.add("k", at(5, "a"));
    w.add("k", at(7, "b"));
    var d = w.add("k", at(3, "c")); // started first, finished last

    Evidence e = Window.evidence(d, d.size(), java.util.Map.of());

    assertThat(e.from()).isEqualTo(T0.plusSeconds(3));
    assertThat(e.to()).isEqualTo(T0.plusSeconds(7));
    assertThat(e.ledgerIndexes()).containsExactly(5L, 7L, 3L);
  }
}
