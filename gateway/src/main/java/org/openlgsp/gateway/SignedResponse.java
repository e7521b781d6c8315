package org.openlgsp.gateway;

import io.helidon.webclient.api.HttpClientResponse;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.Problem;

/** A provider response the consumer gateway has verified end to end (docs/protocol.md). */
record SignedResponse(
    String signature,
    String xroadError,
    String errorCode,
    String errorDetail,
    X509Certificate signer) {

  static SignedResponse verify(
      HttpClientResponse in,
      BodySpool body,
      SigningInput.Request request,
      DirectoryView dir,
      Directory.Service service,
      Directory.Node node,
      ExchangeRecorder.Facts facts) {
    var h = in.headers();
    String hash = header(h, Headers.XROAD_REQUEST_HASH);
    if (!hash.equals(request.hash())) {
      throw invalid("X-Road-Request-Hash does not match the request sent");
    }
    if (!header(h, Headers.XROAD_ID).equals(facts.messageId)
        || !header(h, Headers.XROAD_REQUEST_ID).equals(facts.requestId)) {
      throw invalid("response names another message");
    }
    DirectoryView.SigningKey key =
        dir.signingKey(header(h, Headers.LGSP_SIGNER))
            .orElseThrow(() -> invalid("response signed with a certificate not in the directory"));
    ClientId providerMember = service.id().provider().memberId();
    if (!key.member().equals(providerMember) && !key.member().equals(node.id().owner())) {
      throw invalid("response signed by " + key.member() + ", not by the provider");
    }
    long time;
    try {
      time = Long.parseLong(header(h, Headers.LGSP_TIME));
      key.certificate().checkValidity(new Date(time));
    } catch (NumberFormatException e) {
      throw invalid("X-Lgsp-Time is not a number");
    } catch (CertificateException e) {
      throw invalid("provider signing certificate not valid at the response time");
    }
    String xroadError = optional(h, Headers.XROAD_ERROR);
    String contentType =
        in.headers().contentType().map(io.helidon.http.HttpMediaType::text).orElse("");
    String digest = header(h, Headers.LGSP_BODY_DIGEST);
    String signature = header(h, Headers.LGSP_SIGNATURE);
    SigningInput.Response input =
        new SigningInput.Response(
            in.status().code(),
            hash,
            facts.messageId,
            facts.requestId,
            contentType,
            time,
            digest,
            xroadError);
    if (!key.verifier().verify(input.bytes(), Digests.fromBase64("signature", signature))) {
      throw invalid("response signature does not verify");
    }
    if (!digest.equals(body.digest())) {
      throw invalid("response body does not match its signed digest");
    }
    return new SignedResponse(signature, "", "", "", key.certificate()).refusal(xroadError, body);
  }

  /**
   * This verified response read as the refusal {@code xroadError} names (none when empty), with the
   * code and detail of its problem body: the body as signed, or, in hub mode, as opened from the
   * sealed answer (whose {@code X-Road-Error} travels inside it, covered by the signed digest).
   */
  SignedResponse refusal(String error, BodySpool problemBody) {
    // Only an error answer carries a problem body worth reading.
    Optional<Problem> problem = error.isEmpty() ? Optional.empty() : problem(problemBody);
    String code =
        problem.flatMap(p -> ErrorCode.fromCode(p.code())).map(ErrorCode::code).orElse("");
    return new SignedResponse(
        signature, error, code, code.isEmpty() ? "" : problem.orElseThrow().detail(), signer);
  }

  private static Optional<Problem> problem(BodySpool body) {
    if (body.length() > 64 * 1024) {
      return Optional.empty();
    }
    try {
      ProblemFields p = Json.mapper().readValue(body.bytes(), ProblemFields.class);
      return p.code() == null
          ? Optional.empty()
          : Optional.of(Problem.of(ErrorCode.fromCode(p.code()).orElseThrow(), safe(p.detail())));
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String safe(String detail) {
    return detail == null ? "" : detail;
  }

  /** The two fields of a signed problem the consumer reads; the rest may vary. */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  record ProblemFields(String code, String detail) {}

  private static String header(io.helidon.http.Headers h, io.helidon.http.HeaderName name) {
    String v = optional(h, name);
    if (v.isEmpty()) {
      throw invalid("response lacks " + name.defaultCase());
    }
    return v;
  }

  private static String optional(io.helidon.http.Headers h, io.helidon.http.HeaderName name) {
    return h.first(name).orElse("");
  }

  private static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.RESPONSE_INVALID, detail);
  }
}
