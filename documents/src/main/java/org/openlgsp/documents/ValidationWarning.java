package org.openlgsp.documents;

import java.util.Objects;

/**
 * A deviation from QCVN 102:2016 that the axis accepts because real packages carry it (see the
 * "Tolerated deviations" section of docs/documents.md). {@code element} names where it was found;
 * {@code detail} says what, without echoing more than a short printable prefix of any value.
 */
public record ValidationWarning(Kind kind, String element, String detail) {
  /** What kind of deviation. */
  public enum Kind {
    /** An agency code written by an axis the package crossed is not in Decision 20/2020 form. */
    TRACE_ORGAN_ID_FORM,
    /** The processing deadline lies before the promulgation date. */
    DUE_DATE_BEFORE_PROMULGATION,
    /** A revoke names the revoked document only in MessageHeader/DocumentId. */
    REVOKE_TARGET_IN_MESSAGE_HEADER,
    /** A document package without TraceHeaderList (read as a new document). */
    TRACE_HEADER_LIST_MISSING,
    /**
     * An attachment's ContentId written without the {@code cid:} its manifest Reference carries
     * (matched as RFC 2392 resolves a cid: URL).
     */
    CONTENT_ID_FORM,
    /** An accepted but weak signature form (legacy RSA-SHA1, Signature outside its namespace). */
    SIGNATURE_FORM
  }

  public ValidationWarning {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(element, "element");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return element + ": " + detail;
  }
}
