package org.openlgsp.console;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenClaimsVerifier;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.util.List;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Checks an ID token with the Nimbus OpenID Connect SDK's {@link IDTokenValidator}: signed with one
 * of {@link #ALGORITHMS} by a key of the provider's JWK set (so {@code none} and the HMAC
 * algorithms are refused), issued by the configured issuer for this client ({@code aud}, and {@code
 * azp} when there are several audiences), not expired and not issued in the future beyond {@link
 * #MAX_CLOCK_SKEW_SECONDS}, carrying the nonce of this sign-in.
 */
final class IdTokens {
  /** RSA, ECDSA P-256 and Ed25519 (both its JOSE names); never {@code none}, never HS*. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  static final int MAX_CLOCK_SKEW_SECONDS = 30;

  private static final Set<JWSAlgorithm> EDWARDS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  private final Issuer issuer;
  private final ClientID clientId;
  private final JWKSource<SecurityContext> keys;
  private final IDTokenValidator validator;

  IdTokens(String issuer, String clientId, JWKSource<SecurityContext> keys) {
    this.issuer = new Issuer(issuer);
    this.clientId = new ClientID(clientId);
    this.keys = keys;
    this.validator =
        new IDTokenValidator(
            new Issuer(issuer),
            new ClientID(clientId),
            new JWSVerificationKeySelector<>(ALGORITHMS, keys),
            null);
    validator.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
  }

  /**
   * The claims of {@code jwt} when it passes every check, else {@code console.unauthenticated}
   * saying which failed (the library's reason: no token content beyond claim names and the issuer,
   * audience or algorithm it expected).
   */
  IDTokenClaimsSet validate(JWT jwt, Nonce nonce) {
    try {
      if (jwt instanceof SignedJWT signed && EDWARDS.contains(signed.getHeader().getAlgorithm())) {
        return edwards(signed, nonce);
      }
      return validator.validate(jwt, nonce);
    } catch (BadJOSEException | JOSEException e) {
      throw refused("ID token refused: " + e.getMessage());
    }
  }

  /**
   * An Ed25519 token: the SDK's key selection turns JWKs into Java keys, which it cannot do for OKP
   * keys, so the signature is checked here with the library's {@link Ed25519Verifier} against the
   * provider's Ed25519 keys the header selects, then the same claims checks.
   */
  private IDTokenClaimsSet edwards(SignedJWT jwt, Nonce nonce)
      throws BadJOSEException, JOSEException {
    List<JWK> candidates =
        keys.get(new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader())), null);
    boolean verified = false;
    for (JWK key : candidates) {
      if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        verified |= jwt.verify(new Ed25519Verifier(okp.toPublicJWK()));
      }
    }
    if (!verified) {
      throw new BadJOSEException("Signed JWT rejected: no Ed25519 key of the provider verifies it");
    }
    try {
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      IDTokenClaimsVerifier checks =
          new IDTokenClaimsVerifier(issuer, clientId, nonce, MAX_CLOCK_SKEW_SECONDS);
      checks.verify(claims, null);
      return new IDTokenClaimsSet(claims);
    } catch (java.text.ParseException | com.nimbusds.oauth2.sdk.ParseException e) {
      throw new BadJOSEException("the ID token's claims could not be read", e);
    }
  }

  private static LgspException refused(String why) {
    return new LgspException(ErrorCode.CONSOLE_UNAUTHENTICATED, why);
  }
}
