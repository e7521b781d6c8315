package org.openlgsp.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * The fields of an {@link ExchangeRecord} as the auditor API shows them: identifiers as text, and
 * no signatures (the canonical bytes beside it carry them).
 */
public record RecordView(
    String messageId,
    String requestId,
    Side side,
    String node,
    String client,
    String service,
    String method,
    String path,
    int status,
    Instant requestTime,
    Instant responseTime,
    String requestBodyDigest,
    String responseBodyDigest,
    String userId,
    String issue,
    String errorCode,
    String subjectHash,
    // left out when empty (records before version 3): the JSON is what it always was
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        String consentId,
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        String consentDigest,
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        String findings) {
  public RecordView {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(requestTime, "requestTime");
    Objects.requireNonNull(responseTime, "responseTime");
    Objects.requireNonNull(requestBodyDigest, "requestBodyDigest");
    Objects.requireNonNull(responseBodyDigest, "responseBodyDigest");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(issue, "issue");
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(subjectHash, "subjectHash");
    consentId = consentId == null ? "" : consentId;
    consentDigest = consentDigest == null ? "" : consentDigest;
    findings = findings == null ? "" : findings;
  }

  static RecordView of(ExchangeRecord r) {
    return new RecordView(
        r.messageId(),
        r.requestId(),
        r.side(),
        r.node().toString(),
        r.client().toString(),
        r.service().toString(),
        r.method(),
        r.path(),
        r.status(),
        r.requestTime(),
        r.responseTime(),
        r.requestBodyDigest(),
        r.responseBodyDigest(),
        r.userId(),
        r.issue(),
        r.errorCode(),
        r.subjectHash(),
        r.consentId(),
        r.consentDigest(),
        r.findings());
  }
}
