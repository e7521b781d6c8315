package org.openlgsp.gateway;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * {@code POST /token}: the OAuth2 client-credentials grant (RFC 6749 §4.4), credentials in the form
 * body or as HTTP Basic. The route is public because the request itself is the authentication: the
 * credentials are checked here, and a refusal is {@code token.invalid} (401), which the edge counts
 * as a failed authentication. Neither the secret nor the token is ever audited or logged; the audit
 * row names the system a token was issued to ({@link #auditTarget}).
 */
final class TokenEndpoint {
  static final String PATH = "/token";
  private static final int MAX_FORM_BYTES = 8 * 1024;
  private final TokenService tokens;

  /** The system a token was issued to, kept with the request for its audit row. */
  private record IssuedTo(ClientId system) {}

  TokenEndpoint(TokenService tokens) {
    this.tokens = tokens;
  }

  void issue(org.openlgsp.edge.Call call) throws java.io.IOException {
    ServerRequest req = call.request();
    byte[] raw = call.body().readNBytes(MAX_FORM_BYTES);
    UriQuery form = UriQuery.create(new String(raw, StandardCharsets.UTF_8));
    String grant = form.contains("grant_type") ? form.get("grant_type") : "";
    if (!"client_credentials".equals(grant)) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "grant_type must be client_credentials");
    }
    String[] basic = basicCredentials(req);
    String id =
        basic.length == 2 ? basic[0] : form.contains("client_id") ? form.get("client_id") : "";
    String secret =
        basic.length == 2
            ? basic[1]
            : form.contains("client_secret") ? form.get("client_secret") : "";
    if (id.isEmpty() || secret.isEmpty()) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "client_id and client_secret are required");
    }
    TokenService.Token t = tokens.issue(id, secret);
    req.context().register(new IssuedTo(t.system()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", t.accessToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", t.expiresInSeconds());
    call.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    call.sendJson(200, body);
  }

  /** What the audit row of a token request names: the system that got a token, or the path. */
  static String auditTarget(ServerRequest req) {
    return req.context().get(IssuedTo.class).map(i -> i.system().toString()).orElse(PATH);
  }

  private static String[] basicCredentials(ServerRequest req) {
    String v = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!v.regionMatches(true, 0, "Basic ", 0, 6)) {
      return new String[0];
    }
    try {
      String decoded =
          new String(Base64.getDecoder().decode(v.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0
          ? new String[0]
          : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "malformed Basic credentials");
    }
  }
}
