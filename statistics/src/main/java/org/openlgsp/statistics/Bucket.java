package org.openlgsp.statistics;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What is counted in one bucket (an hour, or hours merged): calls by outcome, refusals and failures
 * by error code, bytes, and the total times in an HdrHistogram. Merging two buckets gives exactly
 * the bucket of their union: counts add, histograms add (docs/statistics.md, "Percentiles").
 */
final class Bucket {
  /** Times above an hour are counted as an hour; 2 significant digits: a value is within 1 %. */
  static final long HIGHEST_MS = 3_600_000L;

  static final int DIGITS = 2;

  long calls;
  long successes;
  long refused;
  long failed;
  long bytesIn;
  long bytesOut;
  final Map<String, Long> errors = new TreeMap<>();
  final Histogram latency;

  Bucket() {
    this(new Histogram(HIGHEST_MS, DIGITS));
  }

  /** A bucket whose latencies are {@code latency} (a stored histogram, decoded). */
  Bucket(Histogram latency) {
    this.latency = latency;
  }

  void add(Bucket other) {
    calls += other.calls;
    successes += other.successes;
    refused += other.refused;
    failed += other.failed;
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    other.errors.forEach((code, n) -> errors.merge(code, n, Long::sum));
    latency.add(other.latency);
  }

  void recordLatency(long millis) {
    latency.recordValue(Math.max(0, Math.min(millis, HIGHEST_MS)));
  }

  byte[] latencyBytes() {
    ByteBuffer b = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    int n = latency.encodeIntoByteBuffer(b);
    byte[] out = new byte[n];
    b.flip();
    b.get(out);
    return out;
  }

  void addLatency(byte[] encoded) {
    latency.add(decode(encoded));
  }

  static Histogram decode(byte[] encoded) {
    try {
      return Histogram.decodeFromByteBuffer(ByteBuffer.wrap(encoded), HIGHEST_MS);
    } catch (RuntimeException e) {
      throw new IllegalStateException("a stored latency histogram is unreadable", e);
    }
  }

  /** Latency at {@code percentile} (0–100), in ms; 0 for a bucket without calls. */
  long percentile(double percentile) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
  }

  long errorCalls() {
    return refused + failed;
  }
}
