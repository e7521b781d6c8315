package org.openlgsp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
import org.openlgsp.edge.spi.ErrorResponse;
import org.openlgsp.ledger.Side;

/**
 * The X-Road r1 endpoint local systems call: checks the target and that the system the edge
 * authenticated is the one {@code X-Road-Client} names, checks the directory and the grant, signs
 * the request, sends it to the provider's gateway over mTLS, verifies the signed response, records
 * the exchange, then answers.
 *
 * <p>A refusal is recorded in the ledger once the exchange is identified (client, service, message
 * id) and then thrown for the edge to write; an overload refusal is not recorded, so that shedding
 * load adds no ledger writes.
 */
final class ConsumerEndpoint {
  private static final String JSON_UTF8 = "application/json; charset=utf-8";
  private static final String EMPTY_BODY =
      org.openlgsp.core.Digests.base64(org.openlgsp.core.Digests.sha256(new byte[0]));
  private final GatewayContext ctx;
  private final LocalSystems systems;
  private final Admission admission;

  ConsumerEndpoint(GatewayContext ctx, LocalSystems systems) {
    this.ctx = ctx;
    this.systems = systems;
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
    try {
      BodySpool.requireDeclaredWithin(req.headers().contentLength(), ctx.options().maxBodyBytes());
      R1Target target = R1Target.parse(req.path().rawPath(), req.query().rawValue());
      facts.path = target.pathAndQuery();
      ctx.directory().view().ifPresent(d -> PersonalData.fromTarget(d, target, facts));
      ClientId claimed = ClientId.parse(HeaderValues.required(req.headers(), Headers.XROAD_CLIENT));
      ClientId system = systems.system(call.caller());
      if (!system.equals(claimed)) {
        throw new LgspException(
            ErrorCode.CLIENT_MISMATCH,
            "X-Road-Client " + claimed + " is not the authenticated system " + system);
      }
      facts.client = claimed;
      facts.service = target.service();
      facts.messageId = HeaderValues.optional(req.headers(), Headers.XROAD_ID);
      if (facts.messageId.isEmpty()) {
        facts.messageId = UUID.randomUUID().toString();
      }
      org.openlgsp.edge.RequestLog.messageId(facts.messageId);
      facts.requestId = UUID.randomUUID().toString();
      facts.userId = HeaderValues.optional(req.headers(), Headers.XROAD_USER_ID);
      facts.issue = HeaderValues.optional(req.headers(), Headers.XROAD_ISSUE);
      facts.representedParty =
          HeaderValues.optional(req.headers(), Headers.XROAD_REPRESENTED_PARTY);
      if (MetaServices.isMetaService(facts.method, target)) {
        answerMetaService(req, res, target, facts);
        return;
      }
      call(call, target, facts);
    } catch (Throwable t) {
      if (ResponseAbandoned.is(t)) {
        return;
      }
      LgspException e = Failures.map(t);
      facts.status = e.code().httpStatus();
      facts.errorCode = e.code().code();
      if (e.code() != ErrorCode.SERVER_OVERLOADED) { // shedding load must not add ledger writes
        recordRefusal(facts);
      }
      throw e; // the edge drains what is left of the body and writes the problem
    }
  }

  private void call(Call call, R1Target target, ExchangeRecorder.Facts facts) throws Exception {
    ServerRequest req = call.request();
    ServerResponse res = call.response();
    DirectoryView dir = ctx.directory().require();
    Directory.Service service =
        dir.service(target.service())
            .orElseThrow(
                () ->
                    dir.notFederated(target.service())
                        .orElseGet(() -> unknownService(target, "is not in the directory")));
    Directory.SystemEntry provider =
        dir.system(target.service().provider())
            .orElseThrow(() -> unknownService(target, "has no provider system in the directory"));
    Directory.Node node =
        dir.node(provider.node())
            .orElseThrow(() -> unknownService(target, "is hosted by an unknown node"));
    facts.peer = node.id();
    requireSecurityServer(req, dir, node, target);
    requireRepresentedParty(facts.representedParty);
    List<Directory.Grant> matching =
        GrantMatcher.matching(
            dir.grants(facts.client, service.id()), facts.method, target.path(), true);
    if (matching.isEmpty()) {
      throw new LgspException(
          ErrorCode.ACCESS_DENIED,
          facts.client + " has no grant for " + facts.method + " on " + service.id());
    }
    PersonalData.requirePurpose(service, facts);
    // Deny early what the provider would refuse: the grants' purposes and officer requirement.
    Directory.Grant grant = GrantMatcher.choose(matching, facts.issue, facts.userId, "");
    MessageSigner signer =
        ctx.signer(facts.client.memberId())
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.CLIENT_UNKNOWN,
                        "this gateway holds no signing key for member " + facts.client.memberId()));
    ctx.rateLimiter().admitClient(facts.client); // 429 before the body is read: the edge drains it
    try (BodySpool body =
            BodySpool.read(call.body(), ctx.options().maxBodyBytes(), ErrorCode.REQUEST_TOO_LARGE);
        // A slot only once the body is in: a slow client holds none while it sends (the edge
        // closes it when too slow), so slow bodies cannot take every slot.
        Admission.Slot slot = admission.enter()) {
      PersonalData.fromBody(dir, target, body, facts);
      // the grant's leak detectors (alert, block) before the request leaves the agency
      RequestLeaks.check(
          grant.policy(),
          req.headers().contentType().map(io.helidon.http.HttpMediaType::text).orElse(""),
          body,
          facts);
      java.util.Optional<NodeId> hub = dir.hubFor(ctx.hub(), service.id().provider().instance());
      if (hub.isPresent()) {
        sealedCall(req, res, dir, service, node, hub.get(), target, body, signer, facts);
        return;
      }
      long time = ctx.clock().millis();
      SigningInput.Request input =
          SigningInput.Request.of(facts, target, req.headers(), time, body.digest());
      facts.requestDigest = body.digest();
      facts.requestSignature = Digests.base64(signer.sign(input.bytes()));
      HttpClientRequest out =
          ctx.peers()
              .client(node)
              .method(Method.create(facts.method))
              .uri(
                  ExactUri.of(
                      node.address(), "/r1/" + target.serviceEncoded() + target.pathAndQuery()));
      copyForwarded(req, out);
      callersOwnAuthorization(req).ifPresent(a -> out.header(HeaderNames.AUTHORIZATION, a));
      out.header(Headers.XROAD_CLIENT, facts.client.toString());
      out.header(Headers.XROAD_ID, facts.messageId);
      out.header(Headers.XROAD_REQUEST_ID, facts.requestId);
      setIfPresent(out, Headers.XROAD_USER_ID, facts.userId);
      setIfPresent(out, Headers.XROAD_ISSUE, facts.issue);
      setIfPresent(out, Headers.XROAD_REPRESENTED_PARTY, input.representedParty());
      signed(out, time, body.digest(), signer, facts);
      out.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
      facts.requestSize = body.length();
      facts.requestOutTime = ctx.clock().instant();
      try (HttpClientResponse in = send(out, body)) {
        relay(in, res, dir, service, node, input, facts, accept(req));
      }
    }
  }

  /**
   * Hub mode (docs/federation.md): seals the request (method, path and query, personal-data and
   * end-to-end headers, body) to the provider member's encryption keys, signs the routing envelope
   * over the ciphertext's digest and sends it to the hub; verifies the provider's signature on the
   * answer and opens it with this member's encryption key. A hub's own refusal (unsigned, over the
   * hub's authenticated TLS connection) is passed on with its code.
   */
  private void sealedCall(
      ServerRequest req,
      ServerResponse res,
      DirectoryView dir,
      Directory.Service service,
      Directory.Node provider,
      NodeId hubId,
      R1Target target,
      BodySpool body,
      MessageSigner signer,
      ExchangeRecorder.Facts facts)
      throws Exception {
    Directory.Node hub =
        dir.node(hubId)
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.PEER_UNREACHABLE,
                        "hub node " + hubId + " is not in the directory"));
    java.util.Map<String, String> inner = SealedRoute.sealedHeaders(req.headers());
    putIfPresent(inner, Headers.XROAD_USER_ID, facts.userId);
    putIfPresent(inner, Headers.XROAD_ISSUE, facts.issue);
    putIfPresent(inner, Headers.XROAD_REPRESENTED_PARTY, facts.representedParty);
    byte[] ciphertext =
        Sealing.seal(
            new Sealing.Content(
                facts.method, target.pathAndQuery(), 0, inner, SealedRoute.all(body)),
            Sealing.encryptionKeys(
                dir.directory(), service.id().provider(), ctx.clock().instant()));
    try (BodySpool sealed = BodySpool.of(ciphertext)) {
      long time = ctx.clock().millis();
      R1Target envelope = R1Target.parse("/r1/" + target.serviceEncoded(), "");
      SigningInput.Request input = SealedRoute.envelope(facts, envelope, time, sealed.digest());
      facts.requestDigest = sealed.digest();
      facts.requestSignature = Digests.base64(signer.sign(input.bytes()));
      HttpClientRequest out =
          ctx.peers()
              .client(hub)
              .method(Method.create(SealedRoute.METHOD))
              .uri(ExactUri.of(hub.address(), "/r1/" + target.serviceEncoded()));
      out.header(Headers.XROAD_CLIENT, facts.client.toString());
      out.header(Headers.XROAD_ID, facts.messageId);
      out.header(Headers.XROAD_REQUEST_ID, facts.requestId);
      signed(out, time, sealed.digest(), signer, facts);
      out.header(SealedRoute.PROVIDER_NODE, provider.id().toString());
      out.header(HeaderNames.CONTENT_TYPE, Sealing.MEDIA_TYPE);
      out.header(HeaderNames.CONTENT_LENGTH, Long.toString(sealed.length()));
      facts.requestSize = body.length();
      facts.requestOutTime = ctx.clock().instant();
      try (HttpClientResponse in = send(out, sealed);
          BodySpool answer =
              BodySpool.read(
                  in.inputStream(), ctx.options().maxBodyBytes(), ErrorCode.RESPONSE_INVALID)) {
        facts.responseInTime = ctx.clock().instant();
        facts.responseSize = answer.length();
        if (HeaderValues.optional(in.headers(), Headers.LGSP_SIGNATURE).isEmpty()
            && in.status().code() >= 400) {
          throw hubRefusal(hubId, answer);
        }
        SignedResponse signed =
            SignedResponse.verify(in, answer, input, dir, service, provider, facts);
        ctx.revocation().requireGood(signed.signer(), in.headers(), Headers.LGSP_OCSP_SIGNER);
        facts.status = in.status().code();
        facts.responseDigest = answer.digest();
        facts.responseSignature = signed.signature();
        String type =
            in.headers().contentType().map(io.helidon.http.HttpMediaType::text).orElse("");
        Sealing.Content opened;
        if (SealedRoute.isSealedType(type)) {
          var key = ctx.encryptionKey(facts.client);
          opened = Sealing.open(SealedRoute.all(answer), key.certificate(), key.key());
          String error = SealedRoute.header(opened, Headers.XROAD_ERROR);
          if (!error.isEmpty() && signed.xroadError().isEmpty()) {
            // the provider's refusal, sealed like any answer: read it as the consumer would see it
            try (BodySpool problem = BodySpool.of(opened.body())) {
              signed = signed.refusal(error, problem);
            }
          }
        } else if (!signed.xroadError().isEmpty()) {
          // a signed refusal made before the provider knew the request was sealed, or one it could
          // not seal to this member (then with a fixed detail)
          opened =
              new Sealing.Content(
                  "",
                  "",
                  facts.status,
                  java.util.Map.of(HeaderNames.CONTENT_TYPE.defaultCase(), type),
                  SealedRoute.all(answer));
        } else {
          throw new LgspException(
              ErrorCode.FEDERATION_SEAL_INVALID,
              "the provider's answer through the hub is not sealed");
        }
        facts.errorCode = signed.xroadError().isEmpty() ? "" : signed.errorCode();
        ctx.recorder().write(Side.CONSUMER, facts, ctx.clock().instant());
        Optional<ErrorResponse> translated = translatedError(signed, accept(req));
        res.status(Status.create(translated.map(ErrorResponse::status).orElse(opened.status())));
        if (translated.isPresent()) {
          translated.get().headers().forEach((n, v) -> res.header(HeaderNames.create(n), v));
          String retryAfter = SealedRoute.header(opened, HeaderNames.RETRY_AFTER);
          if (!retryAfter.isEmpty()) {
            res.header(HeaderNames.RETRY_AFTER, retryAfter);
          }
        } else {
          opened.headers().entrySet().stream()
              .filter(e -> !e.getKey().equalsIgnoreCase(Headers.XROAD_ERROR.defaultCase()))
              .forEach(e -> res.header(HeaderNames.create(e.getKey()), e.getValue()));
        }
        correlation(res, facts, service, input, signed);
        byte[] plain = translated.map(ErrorResponse::body).orElseGet(opened::body);
        res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(plain.length));
        res.send(plain);
      }
    }
  }

  private static String accept(ServerRequest req) {
    return String.join(",", req.headers().all(HeaderNames.ACCEPT, java.util.List::of));
  }

  /** The correlation headers of an exchange's answer to the client (PR-REST). */
  private static void correlation(
      ServerResponse res,
      ExchangeRecorder.Facts facts,
      Directory.Service service,
      SigningInput.Request input,
      SignedResponse signed) {
    res.header(Headers.XROAD_CLIENT, facts.client.toString());
    res.header(Headers.XROAD_SERVICE, service.id().toString());
    res.header(Headers.XROAD_ID, facts.messageId);
    res.header(Headers.XROAD_REQUEST_ID, facts.requestId);
    res.header(Headers.XROAD_REQUEST_HASH, input.hash());
    if (!signed.xroadError().isEmpty()) {
      res.header(Headers.XROAD_ERROR, signed.xroadError());
    }
  }

  /** The signature headers of an outgoing request, with this gateway's OCSP staples. */
  private void signed(
      HttpClientRequest out,
      long time,
      String digest,
      MessageSigner signer,
      ExchangeRecorder.Facts facts) {
    out.header(Headers.LGSP_TIME, Long.toString(time));
    out.header(Headers.LGSP_BODY_DIGEST, digest);
    out.header(Headers.LGSP_SIGNER, Certificates.fingerprint(signer.certificate()));
    out.header(Headers.LGSP_SIGNATURE, facts.requestSignature);
    ctx.revocation()
        .staple(signer.certificate())
        .ifPresent(s -> out.header(Headers.LGSP_OCSP_SIGNER, s));
    ctx.revocation()
        .staple(ctx.peers().nodeTls().certificate())
        .ifPresent(s -> out.header(Headers.LGSP_OCSP_TLS, s));
  }

  private static LgspException hubRefusal(NodeId hub, BodySpool answer) {
    try {
      org.openlgsp.core.Problem p =
          org.openlgsp.core.Json.read(SealedRoute.all(answer), org.openlgsp.core.Problem.class);
      ErrorCode code = ErrorCode.fromCode(p.code()).orElse(ErrorCode.RESPONSE_INVALID);
      return new LgspException(code, "refused by hub " + hub + ": " + p.detail());
    } catch (RuntimeException e) {
      return new LgspException(ErrorCode.RESPONSE_INVALID, "hub " + hub + " answered an error");
    }
  }

  private static void putIfPresent(
      java.util.Map<String, String> headers, io.helidon.http.HeaderName name, String value) {
    if (!value.isEmpty()) {
      headers.put(name.defaultCase(), value);
    }
  }

  private static HttpClientResponse send(HttpClientRequest out, BodySpool body) {
    try {
      return body.sendAs(out);
    } catch (RuntimeException e) {
      throw PeerFailures.classify(e);
    }
  }

  private void relay(
      HttpClientResponse in,
      ServerResponse res,
      DirectoryView dir,
      Directory.Service service,
      Directory.Node node,
      SigningInput.Request input,
      ExchangeRecorder.Facts facts,
      String accept)
      throws Exception {
    try (BodySpool body =
        BodySpool.read(
            in.inputStream(), ctx.options().maxBodyBytes(), ErrorCode.RESPONSE_INVALID)) {
      facts.responseInTime = ctx.clock().instant();
      facts.responseSize = body.length();
      SignedResponse signed = SignedResponse.verify(in, body, input, dir, service, node, facts);
      ctx.revocation().requireGood(signed.signer(), in.headers(), Headers.LGSP_OCSP_SIGNER);
      // Keep-alive connections outlive the handshake check: re-check the provider's TLS
      // certificate on every response.
      Optional<X509Certificate> providerTls = ctx.peers().presented(node.id());
      if (providerTls.isPresent()) {
        ctx.revocation().requireGood(providerTls.get(), in.headers(), Headers.LGSP_OCSP_TLS);
      }
      facts.status = in.status().code();
      facts.responseDigest = body.digest();
      facts.responseSignature = signed.signature();
      facts.errorCode = signed.xroadError().isEmpty() ? "" : signed.errorCode();
      ctx.recorder().write(Side.CONSUMER, facts, ctx.clock().instant());
      Optional<ErrorResponse> translated = translatedError(signed, accept);
      res.status(Status.create(translated.map(ErrorResponse::status).orElse(facts.status)));
      if (translated.isPresent()) {
        translated.get().headers().forEach((n, v) -> res.header(HeaderNames.create(n), v));
        in.headers()
            .first(HeaderNames.RETRY_AFTER)
            .ifPresent(v -> res.header(HeaderNames.RETRY_AFTER, v));
      } else {
        for (Header h : in.headers()) {
          if (Headers.forwarded(h.name())) {
            res.header(h);
          }
        }
      }
      correlation(res, facts, service, input, signed);
      if (translated.isPresent()) {
        byte[] answer = translated.get().body();
        res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(answer.length));
        res.send(answer);
        return;
      }
      res.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
      ResponseAbandoned.writeBody(res, body);
    }
  }

  /**
   * A refusal the provider gateway signed travels as problem details (what the ledger's digest
   * covers); the client gets it in the format it asked for, like the consumer's own refusals.
   */
  private static Optional<ErrorResponse> translatedError(SignedResponse signed, String accept) {
    if (signed.xroadError().isEmpty() || signed.errorCode().isEmpty()) {
      return Optional.empty();
    }
    XRoadErrors.Format format = XRoadErrors.format(accept);
    if (format == XRoadErrors.Format.PROBLEM) {
      return Optional.empty(); // the provider's problem as signed, with its status
    }
    ErrorCode code = ErrorCode.fromCode(signed.errorCode()).orElseThrow();
    return Optional.of(XRoadErrors.render(new LgspException(code, signed.errorDetail()), format));
  }

  /**
   * Answers a metaservice from the signed directory, with the correlation headers an exchange's
   * answer carries. No provider is involved, so nothing is signed: {@code X-Road-Request-Hash} is
   * the hash of the request fields as they would have been signed.
   */
  private void answerMetaService(
      ServerRequest req, ServerResponse res, R1Target target, ExchangeRecorder.Facts facts) {
    DirectoryView dir = ctx.directory().require();
    ClientId provider = target.service().provider();
    if (dir.system(provider).isEmpty()) {
      throw unknownService(target, "names a provider that is not in the directory");
    }
    String code = target.service().serviceCode();
    byte[] body;
    String contentType;
    if (code.equals(MetaServices.GET_OPENAPI)) {
      var doc = MetaServices.openApi(dir, provider, target.query());
      body = doc.anonymised().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      contentType = doc.isJson() ? JSON_UTF8 : "text/yaml; charset=utf-8";
    } else {
      boolean allowedOnly = code.equals(MetaServices.ALLOWED_METHODS);
      body =
          org.openlgsp.core.Json.write(
              MetaServices.methods(dir, provider, facts.client, allowedOnly));
      contentType = JSON_UTF8;
    }
    SigningInput.Request input =
        SigningInput.Request.of(facts, target, req.headers(), ctx.clock().millis(), EMPTY_BODY);
    res.header(HeaderNames.CONTENT_TYPE, contentType);
    res.header(Headers.XROAD_CLIENT, facts.client.toString());
    res.header(Headers.XROAD_SERVICE, target.service().toString());
    res.header(Headers.XROAD_ID, facts.messageId);
    res.header(Headers.XROAD_REQUEST_ID, facts.requestId);
    res.header(Headers.XROAD_REQUEST_HASH, input.hash());
    res.send(body);
  }

  /**
   * {@code GET /listClients[?xRoadInstance=VN]}: members and subsystems of the instance (this
   * directory's when none is named), as PR-META's XML {@code clientList}, or JSON when the client
   * accepts {@code application/json} (as X-Road, quality values are not weighed).
   */
  void listClients(Call call) {
    ServerRequest req = call.request();
    org.openlgsp.core.Directory d = ctx.directory().require().directory();
    String instance =
        req.query().contains("xRoadInstance") ? req.query().get("xRoadInstance").trim() : "";
    var list = MetaServices.listClients(d, instance.isEmpty() ? d.instance() : instance);
    boolean json =
        req.headers().acceptedTypes().stream()
            .anyMatch(
                t ->
                    t.test(io.helidon.common.media.type.MediaTypes.APPLICATION_JSON)
                        && !t.isWildcardType()
                        && !t.isWildcardSubtype());
    if (json) {
      call.response().header(HeaderNames.CONTENT_TYPE, JSON_UTF8);
      call.response().send(org.openlgsp.core.Json.write(list));
    } else {
      call.response().header(HeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8");
      call.response().send(MetaServices.clientListXml(list));
    }
  }

  private void recordRefusal(ExchangeRecorder.Facts facts) {
    if (!facts.identified()) {
      return;
    }
    try {
      ctx.recorder().write(Side.CONSUMER, facts, ctx.clock().instant());
    } catch (LgspException ignored) {
      // the refusal still reaches the client; the ledger outage is reported by its own health
    }
  }

  /**
   * {@code X-Road-Security-Server} (PR-REST 4.3): X-Road sends the request to the named server and
   * refuses a name it cannot find or that does not serve the service. Here each provider system is
   * served by one node, so the header can only confirm that node; any other is refused.
   */
  private static void requireSecurityServer(
      ServerRequest req, DirectoryView dir, Directory.Node node, R1Target target) {
    String named = HeaderValues.optional(req.headers(), Headers.XROAD_SECURITY_SERVER);
    if (named.isEmpty()) {
      return;
    }
    String[] parts = named.split("/", -1);
    NodeId server;
    try {
      if (parts.length != 4) {
        throw new IllegalArgumentException("not 4 parts");
      }
      server = NodeId.parse(named);
    } catch (RuntimeException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "X-Road-Security-Server must be INSTANCE/MEMBERCLASS/MEMBERCODE/SERVERCODE");
    }
    if (dir.node(server).isEmpty()) {
      throw new LgspException(
          ErrorCode.SECURITY_SERVER_INVALID,
          "security server " + server + " is not in the directory");
    }
    if (!server.equals(node.id())) {
      throw new LgspException(
          ErrorCode.SECURITY_SERVER_INVALID,
          "security server " + server + " does not serve service " + target.service());
    }
  }

  /**
   * {@code X-Road-Represented-Party} (PR-REST 4.3): {@code [MEMBERCLASS/]MEMBERCODE}, each part
   * percent-encoded UTF-8; signed and passed to the provider and its backend as sent, so only
   * checked here.
   */
  static void requireRepresentedParty(String value) {
    if (value.isEmpty()) {
      return;
    }
    String[] parts = value.split("/", -1);
    boolean wellFormed = parts.length <= 2;
    for (String part : parts) {
      wellFormed &= !part.isBlank() && decodes(part);
    }
    if (!wellFormed) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "X-Road-Represented-Party must be [MEMBERCLASS/]MEMBERCODE, each part percent-encoded");
    }
  }

  private static boolean decodes(String part) {
    try {
      String decoded = java.net.URLDecoder.decode(part.replace("+", "%2B"), UTF_8);
      return !decoded.isBlank() && decoded.chars().noneMatch(Character::isISOControl);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The caller's own {@code Authorization} (e.g. a JWT for the provider's backend, which X-Road
   * passes unmodified: PR-REST 4.7), unless it is a bearer token of this gateway, which
   * authenticated the caller and must not leave it.
   */
  private Optional<String> callersOwnAuthorization(ServerRequest req) {
    if (!req.headers().contains(HeaderNames.AUTHORIZATION)) {
      return Optional.empty();
    }
    String auth = req.headers().get(HeaderNames.AUTHORIZATION).get();
    if (auth.regionMatches(true, 0, "Bearer ", 0, 7)
        && ctx.tokens().verify(auth.substring(7).trim()).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(auth);
  }

  private static void copyForwarded(ServerRequest req, HttpClientRequest out) {
    for (Header h : req.headers()) {
      if (Headers.forwarded(h.name())) {
        out.header(h);
      }
    }
  }

  private static void setIfPresent(HttpClientRequest out, io.helidon.http.HeaderName n, String v) {
    if (!v.isEmpty()) {
      out.header(n, v);
    }
  }

  private static LgspException unknownService(R1Target target, String why) {
    return new LgspException(ErrorCode.SERVICE_UNKNOWN, "service " + target.service() + " " + why);
  }
}
