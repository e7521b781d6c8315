package org.openlgsp.documents;

import java.util.Objects;

/** A status message about a document (messagetype {@code status}). */
public record StatusPackage(Edxml.StatusRoot root) implements EdxmlPackage {
  public StatusPackage {
    Objects.requireNonNull(root, "root");
  }

  public Edxml.StatusHeader header() {
    return root.envelope.header.messageHeader;
  }

  @Override
  public String fromOrganId() {
    return header().from == null ? "" : Objects.toString(header().from.organId, "");
  }

  /** The document this status reports on. */
  public String documentId() {
    return header().responseFor == null
        ? ""
        : Objects.toString(header().responseFor.documentId, "");
  }

  /** The organisation that sent the original document and receives this status. */
  public String originalSenderId() {
    return header().responseFor == null ? "" : Objects.toString(header().responseFor.organId, "");
  }

  public String statusCode() {
    return Objects.toString(header().statusCode, "");
  }
}
