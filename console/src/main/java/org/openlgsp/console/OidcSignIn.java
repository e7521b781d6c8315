package org.openlgsp.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;

/**
 * OpenID Connect sign-in of a console (docs/console.md "OpenID Connect sign-in"), with the Nimbus
 * OAuth 2.0 / OpenID Connect SDK: the authorization code flow with PKCE (S256), a state and a nonce
 * kept here for ten minutes and bound to the browser that started (a cookie whose hash the state
 * holds), the code exchanged with the client secret (HTTP Basic), the ID token checked by {@link
 * IdTokens} against the provider's JWK set found through its discovery document. The identity (the
 * configured claim) must map to an existing, unlocked console account; the account's own TOTP step
 * follows unless the token's {@code amr} or {@code acr} is one the configuration trusts as a second
 * factor.
 */
final class OidcSignIn {
  static final String STATE_COOKIE = "lgsp_console_oidc";

  private final ConsoleOptions.Oidc options;
  private final Secret secret;
  private final Cache<String, Pending> pending =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(10_000).build();
  private final AtomicReference<Provider> provider = new AtomicReference<>();
  private final OidcHttp http = new OidcHttp();

  /** A sign-in started here: the browser's binding (hash), its nonce and PKCE verifier. */
  private record Pending(byte[] browser, Nonce nonce, CodeVerifier verifier) {}

  /** What discovery found: the endpoints, and the ID token checks with the provider's keys. */
  private record Provider(OIDCProviderMetadata metadata, IdTokens tokens) {}

  private OidcSignIn(ConsoleOptions.Oidc options, Secret secret) {
    this.options = options;
    this.secret = secret;
  }

  /**
   * The sign-in of {@code options}, its client secret read from {@code clientSecretFile} relative
   * to {@code base}; a file that cannot be read or is empty stops the start (message {@code
   * oidc.clientSecretFile: ...}, never the content). The provider is asked at the first sign-in,
   * not here: a provider that is down does not keep the console (and its local accounts) from
   * starting.
   */
  static OidcSignIn of(ConsoleOptions.Oidc options, Path base) {
    Path file = base.resolve(options.clientSecretFile());
    String value;
    try {
      value = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("oidc.clientSecretFile: cannot read " + file);
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException("oidc.clientSecretFile: " + file + " is empty");
    }
    return new OidcSignIn(options, new Secret(value));
  }

  List<Route> routes(SignIn signIn) {
    return List.of(
        Route.get("/login/oidc")
            .publicAccess("sends the browser to the OpenID provider")
            .audit(Audit.notAudited("changes nothing; the sign-in is audited at its callback"))
            .handle(this::start),
        Route.get(ConsoleOptions.Oidc.CALLBACK)
            .publicAccess("checks the provider's answer, the ID token and the account itself")
            .audited("console.login.oidc")
            .auditTarget(req -> "/login/oidc")
            .handle(c -> callback(c, signIn)));
  }

  private void start(Call c) {
    Provider p = provider();
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    String browser = Sessions.randomToken();
    pending.put(state.getValue(), new Pending(sha256(browser), nonce, verifier));
    URI to =
        new AuthenticationRequest.Builder(
                new ResponseType(ResponseType.Value.CODE),
                Scope.parse(options.scopes()),
                new ClientID(options.clientId()),
                URI.create(options.redirectUri()))
            .endpointURI(p.metadata().getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    // Lax, not Strict: the provider sends the browser back with a top-level GET from its site
    c.response()
        .headers()
        .add(
            HeaderNames.SET_COOKIE,
            STATE_COOKIE
                + "="
                + browser
                + "; Path=/login/oidc; Max-Age=600; Secure; HttpOnly; SameSite=Lax");
    SignIn.redirect(c, to.toString());
  }

  private void callback(Call c, SignIn signIn) {
    AuthenticationResponse answer = parse(c);
    Pending started =
        Optional.ofNullable(answer.getState())
            .map(s -> pending.asMap().remove(s.getValue()))
            .filter(
                p ->
                    MessageDigest.isEqual(
                        p.browser(), sha256(SignIn.cookie(c.request(), STATE_COOKIE).orElse(""))))
            .orElseThrow(
                () ->
                    refused(
                        "unknown, used or expired state, or a sign-in another browser started"));
    // spent: only an answer to this browser's own sign-in ends it (a forged one does not)
    c.response()
        .headers()
        .add(
            HeaderNames.SET_COOKIE,
            STATE_COOKIE + "=; Path=/login/oidc; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    if (!answer.indicatesSuccess()) {
      throw refused("the provider answered " + answer.toErrorResponse().getErrorObject().getCode());
    }
    AuthenticationSuccessResponse success = answer.toSuccessResponse();
    // RFC 9207: an answer naming another issuer is a mix-up, whatever its code
    if (success.getIssuer() != null && !success.getIssuer().getValue().equals(options.issuer())) {
      throw refused("the answer names another issuer");
    }
    if (success.getAuthorizationCode() == null) {
      throw refused("the answer has no authorization code");
    }
    Provider p = provider();
    IDTokenClaimsSet claims =
        p.tokens().validate(exchange(p, success.getAuthorizationCode(), started), started.nonce());
    signIn(c, signIn, claims);
  }

  private AuthenticationResponse parse(Call c) {
    String query = c.request().query().rawValue();
    try {
      return AuthenticationResponseParser.parse(URI.create(options.redirectUri() + "?" + query));
    } catch (ParseException | IllegalArgumentException e) {
      throw refused("the provider's answer could not be read");
    }
  }

  private com.nimbusds.jwt.JWT exchange(Provider p, AuthorizationCode code, Pending started) {
    HTTPRequest request =
        new TokenRequest(
                p.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(new ClientID(options.clientId()), secret),
                new AuthorizationCodeGrant(
                    code, URI.create(options.redirectUri()), started.verifier()))
            .toHTTPRequest();
    TokenResponse answer;
    try {
      answer = OIDCTokenResponseParser.parse(http.send(request));
    } catch (IOException e) {
      throw unavailable("the token endpoint did not answer");
    } catch (ParseException e) {
      throw unavailable("the token endpoint's answer could not be read");
    }
    if (!answer.indicatesSuccess()) {
      throw refused(
          "the token endpoint refused the code: "
              + answer.toErrorResponse().getErrorObject().getCode());
    }
    if (!(answer.toSuccessResponse() instanceof OIDCTokenResponse tokens)
        || tokens.getOIDCTokens().getIDToken() == null) {
      throw refused("the token endpoint sent no ID token");
    }
    return tokens.getOIDCTokens().getIDToken();
  }

  /** Maps the checked identity to its account and starts its session at the right stage. */
  private void signIn(Call c, SignIn signIn, IDTokenClaimsSet claims) {
    String identity = identity(claims);
    String who = "oidc " + options.claim() + " " + identity;
    Changes.note(who + " (no account)");
    String username = options.accounts().get(identity);
    if (username == null) {
      throw refused("this identity is not mapped to a console account");
    }
    Changes.note("account " + username + " by " + who);
    Account account =
        signIn
            .accounts
            .find(username)
            .filter(a -> !signIn.accounts.locked(username))
            .orElseThrow(() -> refused("the mapped account does not exist or is locked"));
    boolean providerMfa = providerCheckedSecondFactor(claims);
    Sessions.Stage next =
        providerMfa
            ? Sessions.Stage.ACTIVE
            : account.totpEnrolled() ? Sessions.Stage.TOTP : Sessions.Stage.ENROL;
    Changes.note(
        "account "
            + username
            + " by "
            + who
            + (providerMfa ? " (second factor at the provider)" : " (TOTP next)"));
    Sessions.Session s =
        signIn.sessions.start(
            account,
            next,
            next == Sessions.Stage.ENROL ? Optional.of(Totp.newSecret()) : Optional.empty());
    c.response().headers().add(HeaderNames.SET_COOKIE, Sessions.cookie(s.id()));
    String to =
        switch (next) {
          case ACTIVE -> "/";
          case TOTP -> "/login/totp";
          case ENROL -> "/login/enrol";
        };
    // A page, not a redirect: the browser arrived from the provider's site, and a redirect in that
    // same navigation would not send the SameSite=Strict session cookie; a refresh from this page
    // is a navigation of this site and does.
    SignIn.html(c.response(), Status.OK_200)
        .send(
            ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                    + "<meta http-equiv=\"refresh\" content=\"0;url="
                    + to
                    + "\"><title>OpenLGSP</title></head><body><p><a id=\"continue\" href=\""
                    + to
                    + "\">→</a></p></body></html>")
                .getBytes(StandardCharsets.UTF_8));
  }

  private String identity(IDTokenClaimsSet claims) {
    if (options.claim().equals("email")
        && !Boolean.TRUE.equals(claims.getBooleanClaim("email_verified"))) {
      throw refused("the ID token's email is not verified");
    }
    Object value = claims.getClaim(options.claim());
    if (!(value instanceof String s) || s.isBlank() || s.length() > 255) {
      throw refused("the ID token has no " + options.claim() + " claim");
    }
    return s;
  }

  private boolean providerCheckedSecondFactor(IDTokenClaimsSet claims) {
    List<AMR> amr = Optional.ofNullable(claims.getAMR()).orElse(List.of());
    ACR acr = claims.getACR();
    return amr.stream().anyMatch(a -> options.mfaAmr().contains(a.getValue()))
        || (acr != null && options.mfaAcr().contains(acr.getValue()));
  }

  /** The provider as its discovery document describes it, read once (again after a failure). */
  private Provider provider() {
    Provider known = provider.get();
    if (known != null) {
      return known;
    }
    try {
      String issuer = options.issuer();
      String at =
          (issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration";
      OIDCProviderMetadata metadata =
          OIDCProviderMetadata.parse(http.retrieveResource(URI.create(at).toURL()).getContent());
      // a document naming another issuer is another provider's (OpenID Connect Discovery, 4.3)
      if (!metadata.getIssuer().getValue().equals(issuer)) {
        throw unavailable(
            "the discovery document names the issuer "
                + metadata.getIssuer()
                + ", not the configured one");
      }
      JWKSource<SecurityContext> keys =
          JWKSourceBuilder.create(metadata.getJWKSetURI().toURL(), http).build();
      provider.compareAndSet(
          null, new Provider(metadata, new IdTokens(issuer, options.clientId(), keys)));
      return provider.get();
    } catch (ParseException | IOException | IllegalArgumentException e) {
      throw unavailable("the provider's discovery document could not be used: " + e.getMessage());
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static LgspException refused(String why) {
    return new LgspException(ErrorCode.CONSOLE_UNAUTHENTICATED, why);
  }

  private static LgspException unavailable(String why) {
    return new LgspException(ErrorCode.CONSOLE_OIDC_UNAVAILABLE, why);
  }
}
