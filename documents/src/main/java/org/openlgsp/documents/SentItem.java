package org.openlgsp.documents;

import java.util.List;

/**
 * A package an agency sent (a document, a revoke, update or replace, or a status), with each
 * recipient's delivery state ({@code inbox}, {@code acknowledged}, {@code forwarded}, {@code
 * failed}...) as this axis knows it; the statuses recipients reported are in the document's {@code
 * GET /history}.
 */
public record SentItem(
    String packageId,
    String kind,
    String documentId,
    String businessType,
    String subject,
    String statusCode,
    long size,
    long receivedAt,
    List<Recipient> recipients) {
  public SentItem {
    recipients = List.copyOf(recipients);
  }

  /** A recipient organ's code and where its delivery stands. */
  public record Recipient(String code, String state) {}
}
