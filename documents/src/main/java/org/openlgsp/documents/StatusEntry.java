package org.openlgsp.documents;

/** One status reported on a document by one organisation (a recipient, or the sender for 13). */
public record StatusEntry(
    String reporter,
    String statusCode,
    String meaning,
    String description,
    String reportedAt,
    long receivedAt) {}
