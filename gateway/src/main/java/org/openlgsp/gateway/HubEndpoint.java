package org.openlgsp.gateway;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Failures;
import org.openlgsp.ledger.Side;

/**
 * The peer listener of a hub gateway (docs/federation.md, "Hub mode"): relays sealed exchanges
 * between gateways of federated instances on the routing envelope alone. It authenticates the
 * consumer's node (mutual TLS), verifies the consumer's end-to-end signature over the envelope and
 * the ciphertext's digest, checks its own grant view (the agreement), records digests and
 * signatures only ({@link Side#RELAY}, no path, no personal-data header), forwards the request
 * unchanged to the provider's gateway and relays the signed, sealed answer back unchanged. It holds
 * no key able to open what it relays, and refuses anything that is not sealed.
 */
final class HubEndpoint {
  private final GatewayContext ctx;

  HubEndpoint(GatewayContext ctx) {
    this.ctx = ctx;
  }

  void relay(Call call) {
    ServerRequest req = call.request();
    ServerResponse res = call.response();
    ExchangeRecorder.Facts facts = ExchangeRecorder.Facts.arriving(req, ctx.clock().instant());
    try {
      DirectoryView dir = ctx.directory().require();
      NodeId peer = ProviderEndpoint.peerNode(req, dir);
      facts.peer = peer;
      R1Target target = R1Target.parse(req.path().rawPath(), req.query().rawValue());
      facts.service = target.service();
      var h = req.headers();
      ClientId client = ClientId.parse(HeaderValues.required(h, Headers.XROAD_CLIENT));
      boolean hostedByPeer = dir.system(client).map(s -> s.node().equals(peer)).orElse(false);
      if (!hostedByPeer) {
        throw new LgspException(
            ErrorCode.PEER_UNTRUSTED, "node " + peer + " does not host client " + client);
      }
      facts.client = client;
      facts.messageId = HeaderValues.required(h, Headers.XROAD_ID);
      org.openlgsp.edge.RequestLog.messageId(facts.messageId);
      facts.requestId = HeaderValues.required(h, Headers.XROAD_REQUEST_ID);
      requireEnvelopeOnly(req, target);
      long time = HeaderValues.requiredLong(h, Headers.LGSP_TIME);
      String digest = HeaderValues.required(h, Headers.LGSP_BODY_DIGEST);
      SigningInput.Request input = SealedRoute.envelope(facts, target, time, digest);
      facts.requestDigest = digest;
      facts.requestSignature = HeaderValues.required(h, Headers.LGSP_SIGNATURE);
      if (Math.abs(ctx.clock().millis() - time) > ctx.options().replayWindow().toMillis()) {
        throw new LgspException(
            ErrorCode.MESSAGE_EXPIRED, "request time is outside this hub's replay window");
      }
      ProviderEndpoint.verifySignature(
          dir, client, HeaderValues.required(h, Headers.LGSP_SIGNER), input, facts);
      Directory.Node provider = agreedRoute(dir, client, target);
      facts.peer = provider.id();
      String named = HeaderValues.required(h, SealedRoute.PROVIDER_NODE);
      if (!named.equals(provider.id().toString())) {
        throw new LgspException(
            ErrorCode.SECURITY_SERVER_INVALID,
            "the envelope names provider node " + named + ", the directory " + provider.id());
      }
      try (BodySpool body =
          BodySpool.read(call.body(), ctx.options().maxBodyBytes(), ErrorCode.REQUEST_TOO_LARGE)) {
        facts.requestSize = body.length();
        if (!body.digest().equals(digest)) {
          throw new LgspException(
              ErrorCode.SIGNATURE_INVALID, "request body does not match its signed digest");
        }
        forward(req, res, provider, target, body, facts);
      }
    } catch (Throwable t) {
      if (ResponseAbandoned.is(t)) {
        return;
      }
      LgspException e = Failures.map(t);
      facts.status = e.code().httpStatus();
      facts.errorCode = e.code().code();
      if (facts.identified()) {
        try {
          ctx.recorder().write(Side.RELAY, facts, ctx.clock().instant());
        } catch (LgspException ignored) {
          // the refusal still reaches the consumer; the ledger reports its own outage
        }
      }
      BodySpool.discardUnread(call);
      throw e;
    }
  }

  /**
   * The hub routes on the envelope alone: a relayed request carries its path, query and
   * personal-data headers inside the sealed body, never in clear.
   */
  private static void requireEnvelopeOnly(ServerRequest req, R1Target target) {
    var h = req.headers();
    String contentType = h.contentType().map(io.helidon.http.HttpMediaType::text).orElse("");
    boolean sealed =
        SealedRoute.isSealedType(contentType)
            && target.path().isEmpty()
            && target.query().isEmpty()
            && HeaderValues.optional(h, Headers.XROAD_USER_ID).isEmpty()
            && HeaderValues.optional(h, Headers.XROAD_ISSUE).isEmpty()
            && HeaderValues.optional(h, Headers.XROAD_REPRESENTED_PARTY).isEmpty();
    if (!sealed) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID,
          "a hub relays sealed messages only: the path and personal-data headers travel inside"
              + " the CMS body");
    }
  }

  /**
   * The hub's own grant view: the service and its provider's node are in its directory and a grant
   * (made under the agreement) lets the client call the service; otherwise {@code
   * federation.not_agreed}.
   */
  private static Directory.Node agreedRoute(DirectoryView dir, ClientId client, R1Target target) {
    Directory.Service service =
        dir.service(target.service())
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.FEDERATION_NOT_AGREED,
                        "no agreement routes service " + target.service() + " through this hub"));
    if (dir.grants(client, service.id()).isEmpty()) {
      throw new LgspException(
          ErrorCode.FEDERATION_NOT_AGREED,
          "no agreement lets " + client + " call " + service.id() + " through this hub");
    }
    return dir.system(service.id().provider())
        .flatMap(s -> dir.node(s.node()))
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.SERVICE_UNKNOWN,
                    "service " + service.id() + " has no provider node in the directory"));
  }

  private void forward(
      ServerRequest req,
      ServerResponse res,
      Directory.Node provider,
      R1Target target,
      BodySpool body,
      ExchangeRecorder.Facts facts)
      throws Exception {
    HttpClientRequest out =
        ctx.peers()
            .client(provider)
            .method(Method.create(facts.method))
            .uri(ExactUri.of(provider.address(), "/r1/" + target.serviceEncoded()));
    for (Header h : req.headers()) {
      if (relayed(h.name()) && !h.name().equalsIgnoreCase(Headers.LGSP_OCSP_TLS.defaultCase())) {
        out.header(h);
      }
    }
    // the provider sees this hub's TLS certificate: the hub staples its own status
    ctx.revocation()
        .staple(ctx.peers().nodeTls().certificate())
        .ifPresent(s -> out.header(Headers.LGSP_OCSP_TLS, s));
    out.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length()));
    facts.requestOutTime = ctx.clock().instant();
    HttpClientResponse in;
    try {
      in = body.sendAs(out);
    } catch (RuntimeException e) {
      throw PeerFailures.classify(e);
    }
    try (in;
        BodySpool answer =
            BodySpool.read(
                in.inputStream(), ctx.options().maxBodyBytes(), ErrorCode.RESPONSE_INVALID)) {
      facts.responseInTime = ctx.clock().instant();
      facts.status = in.status().code();
      facts.responseSize = answer.length();
      facts.responseDigest = answer.digest();
      facts.responseSignature = HeaderValues.optional(in.headers(), Headers.LGSP_SIGNATURE);
      facts.errorCode = HeaderValues.optional(in.headers(), Headers.XROAD_ERROR);
      ctx.recorder().write(Side.RELAY, facts, ctx.clock().instant());
      res.status(Status.create(facts.status));
      for (Header h : in.headers()) {
        if (relayed(h.name())) {
          res.header(h);
        }
      }
      res.header(HeaderNames.CONTENT_LENGTH, Long.toString(answer.length()));
      ResponseAbandoned.writeBody(res, answer);
    }
  }

  /** What a hub passes on unchanged: the envelope and signature headers and the content type. */
  private static boolean relayed(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.startsWith("x-road-") || n.startsWith("x-lgsp-") || n.equals("content-type");
  }
}
