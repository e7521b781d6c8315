package org.openlgsp.gateway;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.UUID;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Failures;
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
  private final GatewayContext ctx;
  private final LocalSystems systems;
  private final Admission admission;

  ConsumerEndpoint(GatewayContext ctx, LocalSystems systems) {
    this.ctx = ctx;
    this.systems = systems;
    this.admission = new Admission(ctx.options().limits());
  }

  void exchange(Call call) {
    ServerRequest req = call.request();
    ServerResponse res = call.response();
    ExchangeRecorder.Facts facts = new ExchangeRecorder.Facts();
    facts.requestTime = ctx.clock().instant();
    facts.method = req.prologue().method().text();
    facts.sourceAddress = ExchangeRecorder.sourceAddress(req);
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
      if (MetaServices.isMetaService(target)) {
        answerMetaService(res, target, facts);
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
            .orElseThrow(() -> unknownService(target, "is not in the directory"));
    Directory.SystemEntry provider =
        dir.system(target.service().provider())
            .orElseThrow(() -> unknownService(target, "has no provider system in the directory"));
    Directory.Node node =
        dir.node(provider.node())
            .orElseThrow(() -> unknownService(target, "is hosted by an unknown node"));
    facts.peer = node.id();
    if (!GrantMatcher.admits(dir.grants(facts.client, service.id()), facts.method, target.path())) {
      throw new LgspException(
          ErrorCode.ACCESS_DENIED,
          facts.client + " has no grant for " + facts.method + " on " + service.id());
    }
    PersonalData.requirePurpose(service, facts);
    MessageSigner signer =
        ctx.signer(facts.client.memberId())
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.CLIENT_UNKNOWN,
                        "this gateway holds no signing key for member " + facts.client.memberId()));
    try (BodySpool body =
            BodySpool.read(call.body(), ctx.options().maxBodyBytes(), ErrorCode.REQUEST_TOO_LARGE);
        // A slot only once the body is in: a slow client holds none while it sends (the edge
        // closes it when too slow), so slow bodies cannot take every slot.
        Admission.Slot slot = admission.enter()) {
      PersonalData.fromBody(dir, target, body, facts);
      long time = ctx.clock().millis();
      String contentType =
          req.headers().contentType().map(io.helidon.http.HttpMediaType::text).orElse("");
      SigningInput.Request input =
          new SigningInput.Request(
              facts.method,
              target.serviceEncoded(),
              target.path(),
              target.query(),
              facts.client.toString(),
              facts.messageId,
              facts.requestId,
              facts.userId,
              facts.issue,
              HeaderValues.optional(req.headers(), Headers.XROAD_REPRESENTED_PARTY),
              contentType,
              time,
              body.digest());
      facts.requestDigest = body.digest();
      facts.requestSignature = Digests.base64(signer.sign(input.bytes()));
      HttpClientRequest out =
          ctx.peers()
              .client(node)
              .method(Method.create(facts.method))
              .uri(node.address() + "/r1/" + target.serviceEncoded() + target.pathAndQuery())
              .skipUriEncoding(true);
      copyForwarded(req, out);
      out.header(Headers.XROAD_CLIENT, facts.client.toString());
      out.header(Headers.XROAD_ID, facts.messageId);
      out.header(Headers.XROAD_REQUEST_ID, facts.requestId);
      setIfPresent(out, Headers.XROAD_USER_ID, facts.userId);
      setIfPresent(out, Headers.XROAD_ISSUE, facts.issue);
      setIfPresent(out, Headers.XROAD_REPRESENTED_PARTY, input.representedParty());
      out.header(Headers.LGSP_TIME, Long.toString(time));
      out.header(Headers.LGSP_BODY_DIGEST, body.digest());
      out.header(Headers.LGSP_SIGNER, Certificates.fingerprint(signer.certificate()));
      out.header(Headers.LGSP_SIGNATURE, facts.requestSignature);
      ctx.revocation()
          .staple(signer.certificate())
          .ifPresent(s -> out.header(Headers.LGSP_OCSP_SIGNER, s));
      ctx.revocation()
          .staple(ctx.peers().nodeTls().certificate())
          .ifPresent(s -> out.header(Headers.LGSP_OCSP_TLS, s));
      out.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
      facts.requestSize = body.length();
      facts.requestOutTime = ctx.clock().instant();
      try (HttpClientResponse in = send(out, body)) {
        relay(in, res, dir, service, node, input, facts);
      }
    }
  }

  private static HttpClientResponse send(HttpClientRequest out, BodySpool body) {
    try {
      if (body.isEmpty()) {
        return out.request();
      }
      return out.outputStream(
          os -> {
            body.writeTo(os);
            os.close();
          });
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
      ExchangeRecorder.Facts facts)
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
      res.status(Status.create(facts.status));
      for (Header h : in.headers()) {
        if (Headers.forwarded(h.name())) {
          res.header(h);
        }
      }
      res.header(Headers.XROAD_CLIENT, facts.client.toString());
      res.header(Headers.XROAD_SERVICE, service.id().toString());
      res.header(Headers.XROAD_ID, facts.messageId);
      res.header(Headers.XROAD_REQUEST_ID, facts.requestId);
      res.header(Headers.XROAD_REQUEST_HASH, input.hash());
      if (!signed.xroadError().isEmpty()) {
        res.header(Headers.XROAD_ERROR, signed.xroadError());
      }
      res.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
      ResponseAbandoned.writeBody(res, body);
    }
  }

  private void answerMetaService(
      ServerResponse res, R1Target target, ExchangeRecorder.Facts facts) {
    DirectoryView dir = ctx.directory().require();
    boolean allowedOnly = target.service().serviceCode().equals("allowedMethods");
    var body = MetaServices.methods(dir, target.service().provider(), facts.client, allowedOnly);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(Headers.XROAD_CLIENT, facts.client.toString());
    res.header(Headers.XROAD_SERVICE, target.service().toString());
    res.header(Headers.XROAD_ID, facts.messageId);
    res.send(org.openlgsp.core.Json.write(body));
  }

  /** {@code GET /listClients[?xRoadInstance=VN]}: members and subsystems of the directory. */
  void listClients(Call call) {
    ServerRequest req = call.request();
    String instance = req.query().contains("xRoadInstance") ? req.query().get("xRoadInstance") : "";
    var body = MetaServices.listClients(ctx.directory().require().directory(), instance);
    call.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    call.response().send(org.openlgsp.core.Json.write(body));
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
