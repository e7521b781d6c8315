package org.openlgsp.ledger;

import java.time.Instant;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;

/** Sample records for tests (shared with other modules' tests through the test jar). */
public final class Records {
  private Records() {}

  public static ExchangeRecord sample(String messageId) {
    Instant t = Instant.parse("2026-11-22T10:15:30.123456789Z");
    return new ExchangeRecord(
        messageId,
        "req-" + messageId,
        Side.CONSUMER,
        NodeId.parse("VN/GOV/000.00.00.H53/gw1"),
        ClientId.parse("VN/GOV/000.00.00.H53/DVC"),
        ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens"),
        "GET",
        "/citizens/079090001234?full=1",
        200,
        t,
        t.plusMillis(12),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
        "c2lnbmF0dXJl",
        "cmVzcG9uc2U=",
        "VN079090001111",
        "Hồ sơ HS-2026-000123",
        "");
  }

  /** {@code r} about the data subject whose keyed hash is {@code subjectHash}. */
  public static ExchangeRecord withSubject(ExchangeRecord r, String subjectHash) {
    return copy(r, subjectHash, r.consentId(), r.consentDigest(), r.findings());
  }

  /** {@code r} with the consent checked and the leak findings of a provider gateway. */
  public static ExchangeRecord withPrivacy(
      ExchangeRecord r, String consentId, String consentDigest, String findings) {
    return copy(r, r.subjectHash(), consentId, consentDigest, findings);
  }

  private static ExchangeRecord copy(
      ExchangeRecord r,
      String subjectHash,
      String consentId,
      String consentDigest,
      String findings) {
    return new ExchangeRecord(
        r.messageId(),
        r.requestId(),
        r.side(),
        r.node(),
        r.client(),
        r.service(),
        r.method(),
        r.path(),
        r.status(),
        r.requestTime(),
        r.responseTime(),
        r.requestBodyDigest(),
        r.responseBodyDigest(),
        r.requestSignature(),
        r.responseSignature(),
        r.userId(),
        r.issue(),
        r.errorCode(),
        subjectHash,
        consentId,
        consentDigest,
        findings);
  }
}
