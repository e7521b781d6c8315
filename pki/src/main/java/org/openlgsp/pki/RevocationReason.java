package org.openlgsp.pki;

import java.util.Optional;

/** Why a certificate was revoked: the CRLReason codes of RFC 5280 §5.3.1 that this CA uses. */
public enum RevocationReason {
  UNSPECIFIED(0),
  KEY_COMPROMISE(1),
  CA_COMPROMISE(2),
  AFFILIATION_CHANGED(3),
  SUPERSEDED(4),
  CESSATION_OF_OPERATION(5);

  private final int code;

  RevocationReason(int code) {
    this.code = code;
  }

  /** The CRLReason value. */
  public int code() {
    return code;
  }

  /** The name used by the admin API and the CLI, e.g. {@code key-compromise}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static Optional<RevocationReason> fromLabel(String label) {
    for (RevocationReason r : values()) {
      if (r.label().equals(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  static RevocationReason fromCode(int code) {
    for (RevocationReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return UNSPECIFIED;
  }
}
