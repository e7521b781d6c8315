package org.openlgsp.documents;

import java.util.List;

/**
 * What a sender gets once its package is stored durably: the axis id of the package, the document
 * it concerns and where it goes. {@code duplicate} is true when the same package had already been
 * accepted (the original receipt is returned).
 */
public record Receipt(
    String packageId,
    String kind,
    String documentId,
    String businessType,
    String sha256,
    long receivedAt,
    List<String> recipients,
    boolean duplicate) {
  public Receipt {
    recipients = List.copyOf(recipients);
  }
}
