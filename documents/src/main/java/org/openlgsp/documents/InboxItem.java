package org.openlgsp.documents;

/** A package waiting in an agency's inbox (fetch it by {@code deliveryId}, then acknowledge). */
public record InboxItem(
    String deliveryId,
    String packageId,
    String kind,
    String documentId,
    String businessType,
    String sender,
    String subject,
    String statusCode,
    long size,
    long receivedAt,
    String state) {}
