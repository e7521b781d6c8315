package org.openlgsp.gateway;

import java.time.Instant;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.KeyedHash;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PrivacyPolicy;

/**
 * The provider gateway's consent check, before the backend is called (docs/privacy.md): a grant
 * that requires consent admits a call only when the directory carries a consent of the call's data
 * subject (found by keyed hash) for the grant's data category, given to the calling agency, for the
 * purpose the call states, valid now. A withdrawn consent is no longer published, so it stops
 * admitting calls when the gateway installs the next directory.
 */
final class Consents {
  private Consents() {}

  /**
   * Returns the consent that admits the call and records its id and digest in {@code facts}, so the
   * exchange's ledger record names the consent it was made under.
   *
   * @throws LgspException {@code consent.missing}
   */
  static Directory.Consent require(
      DirectoryView dir,
      Optional<KeyedHash> key,
      PrivacyPolicy policy,
      ExchangeRecorder.Facts facts,
      Instant now) {
    if (key.isEmpty()) {
      throw new LgspException(
          ErrorCode.CONSENT_MISSING,
          "the grant requires consent and this gateway has no consent key to check it");
    }
    if (facts.subject.isEmpty()) {
      throw new LgspException(
          ErrorCode.CONSENT_MISSING,
          "the grant requires consent and the request names no data subject");
    }
    String purpose = PrivacyPolicy.purposeCode(facts.issue);
    String hash = key.get().hash(facts.subject);
    for (Directory.Consent c : dir.consents(hash)) {
      if (c.covers(policy.consentCategory(), facts.client.memberId(), purpose, now)) {
        facts.consentId = c.id().isEmpty() ? "(unnamed)" : c.id();
        facts.consentDigest = c.digest();
        return c;
      }
    }
    throw new LgspException(
        ErrorCode.CONSENT_MISSING,
        "no consent of the data subject to "
            + facts.client.memberId()
            + " for "
            + policy.consentCategory()
            + " data and purpose '"
            + purpose
            + "'");
  }
}
