package org.openlgsp.documents;

/** An edXML package: an official document, or a status message about one. */
public sealed interface EdxmlPackage permits DocumentPackage, StatusPackage {
  /** The Decision 20/2020 code of the sending organisation as written (validated separately). */
  String fromOrganId();
}
