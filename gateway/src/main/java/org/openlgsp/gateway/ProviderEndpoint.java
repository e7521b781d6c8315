package org.openlgsp.gateway;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Failures;
import org.openlgsp.ledger.Side;

/**
 * The endpoint other gateways call: verifies the peer, the signature, freshness and the grant,
 * calls the backend, then signs the response (bound to the request hash) and records the exchange.
 * Errors are signed too, so the consumer can tell a genuine refusal from a forgery: every refusal
 * is answered here, signed and (once the exchange is identified) recorded in the ledger. Only when
 * even the signed refusal cannot be produced does a failure go to the edge, which writes it
 * unsigned.
 */
final class ProviderEndpoint {
  private final GatewayContext ctx;
  private final Admission admission;

  ProviderEndpoint(GatewayContext ctx) {
    this.ctx = ctx;
    this.admission = new Admission(ctx.options().limits());
  }

  /** For the admission meters (Gateway#bindTo). */
  Admission admission() {
    return admission;
  }

  void exchange(Call call) {
    ServerRequest req = call.request();
    ServerResponse res = call.response();
    ExchangeRecorder.Facts facts = ExchangeRecorder.Facts.arriving(req, ctx.clock().instant());
    String requestHash = "";
    boolean sealedRequest = false;
    Admission.Slot slot = Admission.Slot.NONE;
    try {
      DirectoryView dir = ctx.directory().require();
      NodeId peer = peerNode(req, dir);
      facts.peer = peer;
      R1Target target = R1Target.parse(req.path().rawPath(), req.query().rawValue());
      facts.path = target.pathAndQuery();
      PersonalData.fromTarget(dir, target, facts);
      facts.service = target.service();
      var h = req.headers();
      ClientId client = ClientId.parse(HeaderValues.required(h, Headers.XROAD_CLIENT));
      Directory.SystemEntry clientSystem =
          dir.system(client)
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.CLIENT_UNKNOWN,
                          "client " + client + " is not in the directory"));
      // A hub this gateway takes the client's instance's relayed calls from (hub mode)
      boolean relayed = dir.hubFor(ctx.hub(), client.instance()).filter(peer::equals).isPresent();
      if (!clientSystem.node().equals(peer) && !relayed) {
        throw new LgspException(
            ErrorCode.PEER_UNTRUSTED, "node " + peer + " does not host client " + client);
      }
      facts.client = client;
      facts.messageId = HeaderValues.required(h, Headers.XROAD_ID);
      org.openlgsp.edge.RequestLog.messageId(facts.messageId);
      facts.requestId = nonce(HeaderValues.required(h, Headers.XROAD_REQUEST_ID));
      facts.userId = HeaderValues.optional(h, Headers.XROAD_USER_ID);
      facts.issue = HeaderValues.optional(h, Headers.XROAD_ISSUE);
      facts.representedParty = HeaderValues.optional(h, Headers.XROAD_REPRESENTED_PARTY);
      long time = HeaderValues.requiredLong(h, Headers.LGSP_TIME);
      String digest = HeaderValues.required(h, Headers.LGSP_BODY_DIGEST);
      boolean sealed =
          SealedRoute.isSealedType(
              h.contentType().map(io.helidon.http.HttpMediaType::text).orElse(""));
      if ((relayed || sealed) && !(sealed && target.path().isEmpty() && target.query().isEmpty())) {
        // what comes through a hub must be sealed end to end: a stripped envelope is refused
        throw new LgspException(
            ErrorCode.FEDERATION_SEAL_INVALID,
            "a relayed request must be sealed (CMS AuthEnvelopedData, no path in clear)");
      }
      // from here on, a refusal is sealed to the consumer like any answer (the hub reads none)
      sealedRequest = sealed;
      SigningInput.Request input =
          sealed
              ? SealedRoute.envelope(facts, target, time, digest)
              : SigningInput.Request.of(facts, target, h, time, digest);
      requestHash = input.hash();
      facts.requestDigest = digest;
      facts.requestSignature = HeaderValues.required(h, Headers.LGSP_SIGNATURE);
      long now = ctx.clock().millis();
      if (Math.abs(now - time) > ctx.options().replayWindow().toMillis()) {
        throw new LgspException(
            ErrorCode.MESSAGE_EXPIRED,
            "request time differs from this gateway's clock by more than "
                + ctx.options().replayWindow().toSeconds()
                + " s");
      }
      X509Certificate signerCert =
          verifySignature(dir, client, HeaderValues.required(h, Headers.LGSP_SIGNER), input, facts);
      // Only after the signature holds, so strangers cannot make us call the OCSP responder.
      ctx.revocation().requireGood(peerCertificate(req), h, Headers.LGSP_OCSP_TLS);
      ctx.revocation().requireGood(signerCert, h, Headers.LGSP_OCSP_SIGNER);
      try (BodySpool body =
          BodySpool.read(call.body(), ctx.options().maxBodyBytes(), ErrorCode.REQUEST_TOO_LARGE)) {
        facts.requestSize = body.length();
        // Before any refusal, so a refused call is recorded for the subject its body names.
        PersonalData.fromBody(dir, target, body, facts);
        if (!body.digest().equals(digest)) {
          throw new LgspException(
              ErrorCode.SIGNATURE_INVALID, "request body does not match its signed digest");
        }
        // Only a wholly genuine message consumes its id, so a tampered copy cannot burn it.
        // Keyed on the consumer gateway's signed nonce, not the client's reusable X-Road-Id.
        if (!ctx.replay().firstUse(client.toString(), facts.requestId)) {
          throw new LgspException(
              ErrorCode.MESSAGE_REPLAYED,
              "request id " + facts.requestId + " was already used by " + client);
        }
        BodySpool plain = body;
        Optional<Sealing.Content> content = Optional.empty();
        if (sealed) {
          var key = ctx.encryptionKey(target.service().provider());
          content = Optional.of(Sealing.open(SealedRoute.all(body), key.certificate(), key.key()));
          target = SealedRoute.inner(target, content.get(), facts);
          PersonalData.fromTarget(dir, target, facts);
          plain = BodySpool.of(content.get().body());
          PersonalData.fromBody(dir, target, plain, facts);
        }
        Directory.Service service = localService(dir, target);
        List<Directory.Grant> matching =
            GrantMatcher.matching(
                dir.grants(client, service.id()),
                facts.method,
                target.path(),
                ctx.options().rawPathServices().contains(service.id()));
        if (matching.isEmpty()) {
          throw new LgspException(
              ErrorCode.ACCESS_DENIED,
              client + " has no grant for " + facts.method + " on " + service.id());
        }
        PersonalData.requirePurpose(service, facts);
        Directory.Grant grant = GrantMatcher.choose(matching, facts.issue, facts.userId, "");
        if (grant.policy().requiresConsent()) {
          Consents.require(dir, ctx.consentKey(), grant.policy(), facts, ctx.clock().instant());
        }
        checkRequestSchema(dir, service, grant.policy(), target, req, plain, facts);
        // A slot only for the backend call: reading a (slow) body and the checks hold none, so
        // slow clients cannot take every slot (the edge closes them). The request hash is known,
        // so even this refusal is a signed answer the consumer can verify.
        ctx.rateLimiter().admitService(service.id(), client); // a signed 429 with Retry-After
        slot = admission.enter();
        forward(req, res, service, grant.policy(), dir, target, plain, requestHash, facts, content);
      }
    } catch (Throwable t) {
      if (ResponseAbandoned.is(t)) {
        return;
      }
      LgspException e = Failures.map(t);
      facts.errorCode = e.code().code();
      BodySpool.discardUnread(call);
      sendSignedProblem(res, e, requestHash, facts, sealedRequest);
    } finally {
      slot.close();
    }
  }

  /**
   * The replay nonce: the consumer gateway's {@code X-Road-Request-Id}, a random UUID it signs. Its
   * canonical form is required, so one nonce has one spelling in the replay memory.
   */
  private static String nonce(String requestId) {
    if (!UUID_FORM.matcher(requestId).matches()) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "X-Road-Request-Id must be a lower-case UUID");
    }
    return requestId;
  }

  private static final java.util.regex.Pattern UUID_FORM =
      java.util.regex.Pattern.compile(
          "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  static X509Certificate peerCertificate(ServerRequest req) {
    Certificate[] certs = req.remotePeer().tlsCertificates().orElse(new Certificate[0]);
    if (certs.length == 0) {
      throw new LgspException(ErrorCode.PEER_UNTRUSTED, "peer presented no TLS certificate");
    }
    return (X509Certificate) certs[0];
  }

  static NodeId peerNode(ServerRequest req, DirectoryView dir) {
    String fp = Certificates.fingerprint(peerCertificate(req));
    return dir.nodeByTlsFingerprint(fp)
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.PEER_UNTRUSTED, "peer TLS certificate is not in the directory"));
  }

  static X509Certificate verifySignature(
      DirectoryView dir,
      ClientId client,
      String signerFingerprint,
      SigningInput.Request input,
      ExchangeRecorder.Facts facts) {
    DirectoryView.SigningKey key =
        dir.signingKey(signerFingerprint)
            .filter(k -> k.member().equals(client.memberId()))
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.SIGNATURE_INVALID,
                        "signer is not a directory signing certificate of " + client.memberId()));
    try {
      key.certificate().checkValidity(new Date(input.timeMillis()));
    } catch (CertificateException e) {
      throw new LgspException(
          ErrorCode.SIGNATURE_INVALID, "signing certificate not valid at the request time");
    }
    byte[] signature = Digests.fromBase64("X-Lgsp-Signature", facts.requestSignature);
    if (!key.verifier().verify(input.bytes(), signature)) {
      throw new LgspException(ErrorCode.SIGNATURE_INVALID, "request signature does not verify");
    }
    return key.certificate();
  }

  private Directory.Service localService(DirectoryView dir, R1Target target) {
    Directory.Service service =
        dir.service(target.service())
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.SERVICE_UNKNOWN, "service " + target.service() + " is unknown"));
    boolean hostedHere =
        dir.system(service.id().provider())
            .map(s -> s.node().equals(ctx.options().node()))
            .orElse(false);
    if (!hostedHere) {
      throw new LgspException(
          ErrorCode.SERVICE_UNKNOWN, "service " + service.id() + " is not hosted by this gateway");
    }
    return service;
  }

  private void forward(
      ServerRequest req,
      ServerResponse res,
      Directory.Service service,
      org.openlgsp.core.PrivacyPolicy policy,
      DirectoryView dir,
      R1Target target,
      BodySpool body,
      String requestHash,
      ExchangeRecorder.Facts facts,
      Optional<Sealing.Content> sealed)
      throws Exception {
    HttpClientRequest out =
        ctx.backends()
            .method(Method.create(facts.method))
            .uri(ExactUri.of(service.backendUrl(), target.pathAndQuery()))
            .followRedirects(false)
            .readTimeout(ctx.options().backendTimeout());
    if (sealed.isPresent()) {
      sealed.get().headers().forEach((n, v) -> out.header(HeaderNames.create(n), v));
    } else {
      for (Header h : req.headers()) {
        if (Headers.forwarded(h.name())) {
          out.header(h);
        }
      }
    }
    out.header(Headers.XROAD_CLIENT, facts.client.toString());
    out.header(Headers.XROAD_ID, facts.messageId);
    out.header(Headers.XROAD_REQUEST_ID, facts.requestId);
    if (!facts.userId.isEmpty()) {
      out.header(Headers.XROAD_USER_ID, facts.userId);
    }
    if (!facts.issue.isEmpty()) {
      out.header(Headers.XROAD_ISSUE, facts.issue);
    }
    String representedParty =
        sealed.isPresent()
            ? facts.representedParty
            : HeaderValues.optional(req.headers(), Headers.XROAD_REPRESENTED_PARTY);
    if (!representedParty.isEmpty()) {
      out.header(Headers.XROAD_REPRESENTED_PARTY, representedParty);
    }
    // the consumer gateway passes a caller's own credentials only, never its own tokens
    if (sealed.isEmpty()) {
      req.headers()
          .first(HeaderNames.AUTHORIZATION)
          .ifPresent(a -> out.header(HeaderNames.AUTHORIZATION, a));
    }
    out.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
    facts.requestOutTime = ctx.clock().instant();
    try (HttpClientResponse in = callBackend(out, body);
        // A HEAD answer has no body, even when a backend sends one anyway: what follows its
        // header section on the connection is not passed on (RFC 9110, 9.3.2).
        BodySpool answer =
            facts.method.equals("HEAD") ? BodySpool.of(new byte[0]) : readAnswer(in, policy)) {
      facts.responseInTime = ctx.clock().instant();
      List<Header> headers = new java.util.ArrayList<>();
      for (Header h : in.headers()) {
        if (Headers.forwarded(h.name())) {
          headers.add(h);
        }
      }
      String contentType =
          in.headers().contentType().map(io.helidon.http.HttpMediaType::text).orElse("");
      checkResponseSchema(
          dir, service, policy, target, in.status().code(), contentType, answer, facts);
      if (!policy.filtersResponses() || answer.isEmpty()) {
        answer(res, in.status().code(), headers, contentType, answer, requestHash, facts, sealed);
        return;
      }
      // Minimised and masked before it is signed: the consumer never holds more than granted.
      Minimisation.Outcome outcome =
          Minimisation.apply(policy, dir.responseFilter(policy), contentType, answer);
      facts.leaks = outcome.findings(); // recorded (and alerted on) even when blocked
      facts.found("response", outcome.findings());
      outcome.requireNotBlocked();
      java.util.Optional<byte[]> minimised = outcome.body();
      if (minimised.isEmpty()) {
        answer(res, in.status().code(), headers, contentType, answer, requestHash, facts, sealed);
        return;
      }
      facts.minimised = true;
      try (BodySpool filtered = BodySpool.of(minimised.get())) {
        answer(res, in.status().code(), headers, contentType, filtered, requestHash, facts, sealed);
      }
    }
  }

  /**
   * Checks the request body against the service's OpenAPI schema when its schema check is on
   * (docs/privacy.md, "Data quality"): a violation is recorded, and refused with {@code
   * quality.request_invalid} when the check is {@code block}, before the backend is called. A body
   * larger than the grant's filter limit is not checked (recorded as such).
   */
  private static void checkRequestSchema(
      DirectoryView dir,
      Directory.Service service,
      org.openlgsp.core.PrivacyPolicy policy,
      R1Target target,
      ServerRequest req,
      BodySpool body,
      ExchangeRecorder.Facts facts) {
    facts.qualityMode = service.schemaCheck();
    if (service.schemaCheck() == org.openlgsp.core.SchemaCheck.OFF) {
      return;
    }
    java.util.Optional<SchemaValidation> schemas = dir.schemaValidation(service.id());
    if (schemas.isEmpty()) {
      facts.unchecked.add("request:no_schema");
      return;
    }
    // query, path and header parameters, then the body: one outcome, refused together under block
    java.util.Map<String, List<String>> query = new java.util.LinkedHashMap<>();
    for (String name : req.query().names()) {
      query.put(name, req.query().all(name));
    }
    SchemaValidation.Outcome params =
        schemas
            .get()
            .parameters(
                facts.method,
                target.path(),
                query,
                h -> req.headers().first(io.helidon.http.HeaderNames.create(h)));
    SchemaValidation.Outcome outcome = params;
    if (!body.isEmpty()) {
      if (body.length() > policy.maxFilteredBytes()) {
        facts.unchecked.add("request:too_large");
      } else {
        String contentType =
            req.headers().contentType().map(io.helidon.http.HttpMediaType::text).orElse("");
        SchemaValidation.Outcome bodyOutcome =
            schemas.get().request(facts.method, target.path(), contentType, body.bytes());
        List<org.openlgsp.gateway.spi.ExchangeObservation.DataQuality.Violation> all =
            new java.util.ArrayList<>(params.violations());
        all.addAll(bodyOutcome.violations());
        outcome =
            new SchemaValidation.Outcome(
                params.checked() || bodyOutcome.checked(), all, java.util.Optional.empty());
      }
    }
    if (!outcome.checked()) {
      return;
    }
    refuseWhenBlocked(service, outcome, ErrorCode.QUALITY_REQUEST_INVALID, facts);
  }

  /**
   * Checks the backend's answer against the service's OpenAPI schema (before it is minimised and
   * signed); refused with {@code quality.response_invalid} when the check is {@code block}.
   */
  private static void checkResponseSchema(
      DirectoryView dir,
      Directory.Service service,
      org.openlgsp.core.PrivacyPolicy policy,
      R1Target target,
      int status,
      String contentType,
      BodySpool answer,
      ExchangeRecorder.Facts facts) {
    if (service.schemaCheck() == org.openlgsp.core.SchemaCheck.OFF || answer.isEmpty()) {
      return;
    }
    java.util.Optional<SchemaValidation> schemas = dir.schemaValidation(service.id());
    if (schemas.isEmpty()) {
      facts.unchecked.add("response:no_schema");
      return;
    }
    if (answer.length() > policy.maxFilteredBytes()) {
      facts.unchecked.add("response:too_large");
      return;
    }
    SchemaValidation.Outcome outcome =
        schemas.get().response(facts.method, target.path(), status, contentType, answer.bytes());
    outcome.dataTime().ifPresent(t -> facts.dataTime = t);
    refuseWhenBlocked(service, outcome, ErrorCode.QUALITY_RESPONSE_INVALID, facts);
  }

  private static void refuseWhenBlocked(
      Directory.Service service,
      SchemaValidation.Outcome outcome,
      ErrorCode code,
      ExchangeRecorder.Facts facts) {
    facts.violations.addAll(outcome.violations());
    if (service.schemaCheck() == org.openlgsp.core.SchemaCheck.BLOCK
        && !outcome.violations().isEmpty()) {
      // where and why only: the pointer and keyword never carry a value of the body
      throw new LgspException(
          code,
          "does not match the schema of "
              + service.id()
              + ": "
              + String.join(
                  ", ",
                  outcome.violations().stream()
                      .map(v -> v.pointer() + ": " + v.keyword())
                      .toList()));
    }
  }

  /**
   * The backend's answer, read whole up to the gateway's body limit, or up to the grant's filter
   * limit when its policy filters responses (a larger one is refused, never passed on unfiltered).
   */
  private BodySpool readAnswer(HttpClientResponse in, org.openlgsp.core.PrivacyPolicy policy)
      throws java.io.IOException {
    if (policy.filtersResponses() && policy.maxFilteredBytes() < ctx.options().maxBodyBytes()) {
      return BodySpool.read(
          in.inputStream(), policy.maxFilteredBytes(), ErrorCode.RESPONSE_TOO_LARGE_TO_FILTER);
    }
    return BodySpool.read(
        in.inputStream(), ctx.options().maxBodyBytes(), ErrorCode.BACKEND_UNREACHABLE);
  }

  private static HttpClientResponse callBackend(HttpClientRequest out, BodySpool body) {
    try {
      return body.sendAs(out);
    } catch (RuntimeException e) {
      throw PeerFailures.backend(e);
    }
  }

  private void sendSignedProblem(
      ServerResponse res,
      LgspException e,
      String requestHash,
      ExchangeRecorder.Facts facts,
      boolean sealedRequest) {
    List<Header> headers =
        e instanceof org.openlgsp.core.RetryLater later
            ? List.of(
                io.helidon.http.HeaderValues.create(
                    HeaderNames.RETRY_AFTER, Long.toString(later.retryAfterSeconds())))
            : List.of();
    try {
      if (sealedRequest) {
        sendSealedRefusal(res, e, headers, requestHash, facts);
        return;
      }
      sendProblem(res, e, headers, requestHash, facts);
    } catch (Exception again) {
      // The signed problem could not be written either: if the body had started (the peer hung
      // up), there is nothing left to send; otherwise the edge writes an unsigned problem.
      if (!ResponseAbandoned.is(again)) {
        throw Failures.map(again);
      }
    }
  }

  /** The refusal {@code e} as signed problem details, in clear. */
  private void sendProblem(
      ServerResponse res,
      LgspException e,
      List<Header> headers,
      String requestHash,
      ExchangeRecorder.Facts facts)
      throws Exception {
    try (BodySpool body = BodySpool.of(e.toProblem().toJsonBytes())) {
      sendSigned(
          res,
          e.code().httpStatus(),
          headers,
          org.openlgsp.core.Problem.MEDIA_TYPE,
          body,
          e.code().xroadType(),
          requestHash,
          facts);
    }
  }

  /**
   * Hub mode: the refusal of a sealed request is sealed to the consumer member's keys like any
   * answer — the problem, its {@code X-Road-Error} and {@code Retry-After} inside — so the hub
   * relays a status and a ciphertext only. Should the consumer publish no valid key, the refusal
   * goes out signed but unsealed with its code and a fixed detail, never the original one.
   */
  private void sendSealedRefusal(
      ServerResponse res,
      LgspException e,
      List<Header> headers,
      String requestHash,
      ExchangeRecorder.Facts facts)
      throws Exception {
    int status = e.code().httpStatus();
    byte[] ciphertext;
    try {
      List<Header> inner = new java.util.ArrayList<>(headers);
      inner.add(io.helidon.http.HeaderValues.create(Headers.XROAD_ERROR, e.code().xroadType()));
      ciphertext =
          sealedAnswer(
              status,
              inner,
              org.openlgsp.core.Problem.MEDIA_TYPE,
              e.toProblem().toJsonBytes(),
              facts);
    } catch (LgspException cannotSeal) {
      sendProblem(
          res,
          new LgspException(e.code(), "refused; the refusal could not be sealed to the consumer"),
          headers,
          requestHash,
          facts);
      return;
    }
    try (BodySpool sealedBody = BodySpool.of(ciphertext)) {
      sendSigned(res, status, List.of(), Sealing.MEDIA_TYPE, sealedBody, "", requestHash, facts);
    }
  }

  /** An answer's status, headers and body sealed to the consumer member's encryption keys. */
  private byte[] sealedAnswer(
      int status,
      List<Header> headers,
      String contentType,
      byte[] body,
      ExchangeRecorder.Facts facts) {
    if (facts.client == null) {
      throw new LgspException(ErrorCode.FEDERATION_SEAL_INVALID, "no consumer to seal to");
    }
    java.util.Map<String, String> inner = new java.util.LinkedHashMap<>();
    headers.forEach(h -> inner.put(h.name(), h.get()));
    if (!contentType.isEmpty()) {
      inner.put(HeaderNames.CONTENT_TYPE.defaultCase(), contentType);
    }
    return Sealing.seal(
        new Sealing.Content("", "", status, inner, body),
        Sealing.encryptionKeys(
            ctx.directory().require().directory(), facts.client, ctx.clock().instant()));
  }

  /**
   * Signs and sends the backend's answer; for a sealed request, sealed first to the consumer
   * member's encryption keys, so the signature covers the ciphertext the hub relays.
   */
  private void answer(
      ServerResponse res,
      int status,
      List<Header> headers,
      String contentType,
      BodySpool body,
      String requestHash,
      ExchangeRecorder.Facts facts,
      Optional<Sealing.Content> sealed)
      throws Exception {
    if (sealed.isEmpty()) {
      sendSigned(res, status, headers, contentType, body, "", requestHash, facts);
      return;
    }
    byte[] ciphertext = sealedAnswer(status, headers, contentType, SealedRoute.all(body), facts);
    try (BodySpool sealedBody = BodySpool.of(ciphertext)) {
      sendSigned(res, status, List.of(), Sealing.MEDIA_TYPE, sealedBody, "", requestHash, facts);
    }
  }

  private void sendSigned(
      ServerResponse res,
      int status,
      List<Header> headers,
      String contentType,
      BodySpool body,
      String xroadError,
      String requestHash,
      ExchangeRecorder.Facts facts)
      throws Exception {
    long time = ctx.clock().millis();
    MessageSigner signer = responseSigner(facts);
    SigningInput.Response input =
        new SigningInput.Response(
            status,
            requestHash,
            facts.messageId,
            facts.requestId,
            contentType,
            time,
            body.digest(),
            xroadError);
    String signature = Digests.base64(signer.sign(input.bytes()));
    facts.status = status;
    facts.responseSize = body.length();
    facts.responseDigest = body.digest();
    facts.responseSignature = signature;
    if (facts.identified()) {
      ctx.recorder().write(Side.PROVIDER, facts, ctx.clock().instant());
    }
    res.status(Status.create(status));
    headers.forEach(res::header);
    if (!contentType.isEmpty()) {
      res.header(HeaderNames.CONTENT_TYPE, contentType);
    }
    if (facts.client != null) {
      res.header(Headers.XROAD_CLIENT, facts.client.toString());
    }
    if (facts.service != null) {
      res.header(Headers.XROAD_SERVICE, facts.service.toString());
    }
    setIfPresent(res, Headers.XROAD_ID, facts.messageId);
    setIfPresent(res, Headers.XROAD_REQUEST_ID, facts.requestId);
    setIfPresent(res, Headers.XROAD_REQUEST_HASH, requestHash);
    if (!xroadError.isEmpty()) {
      res.header(Headers.XROAD_ERROR, xroadError);
    }
    res.header(Headers.LGSP_TIME, Long.toString(time));
    res.header(Headers.LGSP_BODY_DIGEST, body.digest());
    res.header(Headers.LGSP_SIGNER, Certificates.fingerprint(signer.certificate()));
    res.header(Headers.LGSP_SIGNATURE, signature);
    ctx.revocation()
        .staple(signer.certificate())
        .ifPresent(s -> res.header(Headers.LGSP_OCSP_SIGNER, s));
    ctx.revocation()
        .staple(ctx.peers().nodeTls().certificate())
        .ifPresent(s -> res.header(Headers.LGSP_OCSP_TLS, s));
    res.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
    ResponseAbandoned.writeBody(res, body);
  }

  private static void setIfPresent(ServerResponse res, io.helidon.http.HeaderName n, String v) {
    if (!v.isEmpty()) {
      res.header(n, v);
    }
  }

  private MessageSigner responseSigner(ExchangeRecorder.Facts facts) {
    if (facts.service != null) {
      var own = ctx.signer(facts.service.provider().memberId());
      if (own.isPresent()) {
        return own.get();
      }
    }
    return ctx.signer(ctx.options().node().owner())
        .orElseThrow(() -> new IllegalStateException("no signing key for the node owner"));
  }
}
