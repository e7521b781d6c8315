package org.openlgsp.documents;

import java.time.Duration;

/**
 * The bounds within which the leak detectors extract the text of a PDF, Office or legacy Office
 * attachment (node.yaml {@code documents.attachmentText}; docs/privacy.md, "Leak prevention"); a
 * key left out takes its default here. An attachment beyond any of them is unreadable, never clean.
 *
 * @param maxBytes decoded attachment held in memory for extraction (default 16 MiB)
 * @param maxPages pages of a PDF (default 2,000)
 * @param maxChars characters of extracted text (default 10,000,000)
 * @param timeLimit extraction time per attachment (default 20 s)
 * @param maxEntries zip entries of an Office Open XML file (default 1,000)
 * @param maxEntryBytes inflated size of one zip entry (default 64 MiB)
 * @param minInflateRatio smallest compressed / inflated size of a zip entry (default 0.01: an entry
 *     inflating more than 100 times is a zip bomb)
 */
public record ExtractionLimits(
    Long maxBytes,
    Integer maxPages,
    Long maxChars,
    Duration timeLimit,
    Integer maxEntries,
    Long maxEntryBytes,
    Double minInflateRatio) {
  public static final ExtractionLimits DEFAULTS =
      new ExtractionLimits(null, null, null, null, null, null, null);

  public ExtractionLimits {
    maxBytes = maxBytes == null ? 16L * 1024 * 1024 : maxBytes;
    maxPages = maxPages == null ? 2_000 : maxPages;
    maxChars = maxChars == null ? 10_000_000L : maxChars;
    timeLimit = timeLimit == null ? Duration.ofSeconds(20) : timeLimit;
    maxEntries = maxEntries == null ? 1_000 : maxEntries;
    maxEntryBytes = maxEntryBytes == null ? 64L * 1024 * 1024 : maxEntryBytes;
    minInflateRatio = minInflateRatio == null ? 0.01 : minInflateRatio;
    if (maxBytes < 1024 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("attachmentText.maxBytes must be 1024..2147483639");
    }
    if (maxPages < 1) {
      throw new IllegalArgumentException("attachmentText.maxPages must be at least 1");
    }
    if (maxChars < 1 || maxChars > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("attachmentText.maxChars must be 1..2147483639");
    }
    if (timeLimit.isNegative()
        || timeLimit.isZero()
        || timeLimit.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("attachmentText.timeLimit must be between 0 and PT10M");
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("attachmentText.maxEntries must be at least 1");
    }
    if (maxEntryBytes < 1024) {
      throw new IllegalArgumentException("attachmentText.maxEntryBytes must be at least 1024");
    }
    if (!(minInflateRatio >= 0 && minInflateRatio < 1)) {
      throw new IllegalArgumentException("attachmentText.minInflateRatio must be 0 <= r < 1");
    }
  }
}
