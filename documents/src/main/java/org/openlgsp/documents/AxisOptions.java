package org.openlgsp.documents;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a document axis node runs: where package files live, the largest package accepted, whether
 * unsigned packages are refused, the outbox's retry schedule (exponential backoff from {@code
 * retryBase} up to {@code retryMax}, given up after {@code maxAttempts}), and the size above which
 * packages are read by streaming instead of as a DOM ({@code streamingThresholdBytes}), and how
 * many writes at most share one transaction ({@code writeBatch}; 1 commits each package on its
 * own), and the leak detectors run on document packages per route ({@code leaks}, {@link
 * DocumentLeaks#NONE}: none).
 */
public record AxisOptions(
    Path dataDir,
    long maxPackageBytes,
    boolean signatureRequired,
    Duration retryBase,
    Duration retryMax,
    int maxAttempts,
    long streamingThresholdBytes,
    int writeBatch,
    DocumentLeaks leaks) {
  public static final long DEFAULT_MAX_PACKAGE_BYTES = 160L * 1024 * 1024;
  public static final long DEFAULT_STREAMING_THRESHOLD = 4L * 1024 * 1024;
  public static final int DEFAULT_WRITE_BATCH = 256;

  public AxisOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    if (maxPackageBytes < 1024) {
      throw new IllegalArgumentException("maxPackageBytes must be at least 1024");
    }
    if (retryBase.isNegative() || retryBase.isZero() || retryMax.compareTo(retryBase) < 0) {
      throw new IllegalArgumentException("need 0 < retryBase <= retryMax");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (streamingThresholdBytes < 0) {
      throw new IllegalArgumentException("streamingThresholdBytes must not be negative");
    }
    if (writeBatch < 1 || writeBatch > 10_000) {
      throw new IllegalArgumentException("writeBatch must be 1..10000");
    }
    Objects.requireNonNull(leaks, "leaks");
  }

  public static AxisOptions defaults(Path dataDir) {
    return new AxisOptions(
        dataDir,
        DEFAULT_MAX_PACKAGE_BYTES,
        true,
        Duration.ofSeconds(1),
        Duration.ofMinutes(10),
        50,
        DEFAULT_STREAMING_THRESHOLD,
        DEFAULT_WRITE_BATCH,
        DocumentLeaks.NONE);
  }

  public AxisOptions withSignatureRequired(boolean required) {
    return new AxisOptions(
        dataDir,
        maxPackageBytes,
        required,
        retryBase,
        retryMax,
        maxAttempts,
        streamingThresholdBytes,
        writeBatch,
        leaks);
  }

  public AxisOptions withRetry(Duration base, Duration max, int attempts) {
    return new AxisOptions(
        dataDir,
        maxPackageBytes,
        signatureRequired,
        base,
        max,
        attempts,
        streamingThresholdBytes,
        writeBatch,
        leaks);
  }

  public AxisOptions withMaxPackageBytes(long max) {
    return new AxisOptions(
        dataDir,
        max,
        signatureRequired,
        retryBase,
        retryMax,
        maxAttempts,
        streamingThresholdBytes,
        writeBatch,
        leaks);
  }

  /** Packages larger than {@code bytes} are read by streaming (0: always). */
  public AxisOptions withStreamingThreshold(long bytes) {
    return new AxisOptions(
        dataDir,
        maxPackageBytes,
        signatureRequired,
        retryBase,
        retryMax,
        maxAttempts,
        bytes,
        writeBatch,
        leaks);
  }

  /** At most {@code writes} writes per transaction (1: each package committed on its own). */
  public AxisOptions withWriteBatch(int writes) {
    return new AxisOptions(
        dataDir,
        maxPackageBytes,
        signatureRequired,
        retryBase,
        retryMax,
        maxAttempts,
        streamingThresholdBytes,
        writes,
        leaks);
  }

  /** Leak detectors per document route (docs/privacy.md, "Leak prevention"). */
  public AxisOptions withLeaks(DocumentLeaks rules) {
    return new AxisOptions(
        dataDir,
        maxPackageBytes,
        signatureRequired,
        retryBase,
        retryMax,
        maxAttempts,
        streamingThresholdBytes,
        writeBatch,
        rules);
  }

  /** Delay before attempt {@code attempt + 1} after {@code attempt} failures. */
  public Duration backoff(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    Duration d = retryBase.multipliedBy(1L << shift);
    return d.compareTo(retryMax) > 0 ? retryMax : d;
  }
}
