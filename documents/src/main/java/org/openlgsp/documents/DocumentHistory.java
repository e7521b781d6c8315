package org.openlgsp.documents;

import java.util.List;
import java.util.Map;

/**
 * A document as its sender sees it: the recipients with their delivery state and latest status,
 * every status in arrival order, and the revoke/update/replace packages that acted on it.
 */
public record DocumentHistory(
    String documentId,
    String sender,
    String subject,
    Map<String, RecipientState> recipients,
    List<StatusEntry> statuses,
    List<BusinessAction> actions) {
  public DocumentHistory {
    recipients = Map.copyOf(recipients);
    statuses = List.copyOf(statuses);
    actions = List.copyOf(actions);
  }

  /** Delivery state and the latest status code ("" if none yet) of one recipient. */
  public record RecipientState(String delivery, String latestStatus) {}

  /** A revoke, update or replace package about this document. */
  public record BusinessAction(String businessType, String packageDocumentId, long receivedAt) {}
}
