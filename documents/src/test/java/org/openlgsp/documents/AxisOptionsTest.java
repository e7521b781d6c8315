package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AxisOptionsTest {
  @Test
  void backoffDoublesUpToTheCap() {
    AxisOptions o =
        AxisOptions.defaults(Path.of("x"))
            .withRetry(Duration.ofSeconds(1), Duration.ofSeconds(5), 9);

    assertThat(o.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.backoff(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(o.backoff(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.backoff(400)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void nonsenseLimitsAreRefused() {
    AxisOptions o = AxisOptions.defaults(Path.of("x"));
    assertThatThrownBy(() -> o.withMaxPackageBytes(10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withRetry(Duration.ofSeconds(5), Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withRetry(Duration.ZERO, Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(o.signatureRequired()).isTrue();
    assertThat(o.maxPackageBytes()).isEqualTo(AxisOptions.DEFAULT_MAX_PACKAGE_BYTES);
    assertThat(o.streamingThresholdBytes()).isEqualTo(AxisOptions.DEFAULT_STREAMING_THRESHOLD);
    assertThat(o.withStreamingThreshold(0).streamingThresholdBytes()).isZero();
    assertThatThrownBy(() -> o.withStreamingThreshold(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(o.writeBatch()).isEqualTo(AxisOptions.DEFAULT_WRITE_BATCH);
    assertThat(o.withWriteBatch(1).writeBatch()).isEqualTo(1);
    assertThatThrownBy(() -> o.withWriteBatch(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
