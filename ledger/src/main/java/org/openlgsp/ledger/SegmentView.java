package org.openlgsp.ledger;

import java.util.Objects;

/**
 * A retention segment as the auditor API lists it: records {@code first} to {@code end - 1} and the
 * SHA-256 of its file.
 */
public record SegmentView(long first, long end, String sha256) {
  public SegmentView {
    if (first < 0 || end < first) {
      throw new IllegalArgumentException("a segment covers first..end-1, first >= 0");
    }
    Objects.requireNonNull(sha256, "sha256");
  }

  static SegmentView of(LedgerArchive.Segment s) {
    return new SegmentView(s.first(), s.end(), s.sha256());
  }
}
