package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The ID token checks the OIDC sign-in makes ({@link IdTokens}), on tokens made here with the
 * Nimbus library and keys of this test: what the test provider ({@link OidcSignInTest}) would never
 * issue (unsigned, expired, for another audience or issuer, with another nonce) is refused.
 */
class IdTokensTest {
  static final String ISSUER = "https://id.example.gov.vn";
  static final String CLIENT = "lgsp-console";
  static final Nonce NONCE = new Nonce("the-nonce-of-this-sign-in");
  static RSAKey rsa;
  static ECKey ec;
  static OctetKeyPair ed;
  static IdTokens tokens;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed").generate();
    JWKSet published =
        new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK(), ed.toPublicJWK()));
    tokens = new IdTokens(ISSUER, CLIENT, new ImmutableJWKSet<>(published));
  }

  static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("8f3a-user")
        .audience(CLIENT)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("nonce", NONCE.getValue());
  }

  static JWT signed(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return SignedJWT.parse(jwt.serialize());
  }

  static JWT rs256(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    return signed(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa", change.apply(claims()).build());
  }

  static void assertRefused(JWT token, String why) {
    assertThatThrownBy(() -> tokens.validate(token, NONCE))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONSOLE_UNAUTHENTICATED))
        .hasMessageContaining(why);
  }

  @Test
  void aTokenSignedWithRs256Es256OrEd25519ByAPublishedKeyIsAccepted() throws Exception {
    assertThat(tokens.validate(rs256(b -> b), NONCE).getSubject().getValue())
        .isEqualTo("8f3a-user");
    assertThat(
            tokens.validate(
                signed(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec", claims().build()), NONCE))
        .isNotNull();
    assertThat(
            tokens.validate(
                signed(new Ed25519Signer(ed), JWSAlgorithm.EdDSA, "ed", claims().build()), NONCE))
        .isNotNull();
  }

  @Test
  void anUnsignedTokenAlgNoneIsRefused() throws Exception {
    JWT none = PlainJWT.parse(new PlainJWT(claims().build()).serialize());
    assertThatThrownBy(() -> tokens.validate(none, NONCE)).isInstanceOf(LgspException.class);
  }

  @Test
  void anHmacTokenIsRefusedEvenWithTheClientSecretAsKey() throws Exception {
    byte[] secret = "a client secret of thirty-two bytes or more!".getBytes();
    JWT hs256 = signed(new MACSigner(secret), JWSAlgorithm.HS256, null, claims().build());
    assertThatThrownBy(() -> tokens.validate(hs256, NONCE)).isInstanceOf(LgspException.class);
  }

  @Test
  void aTokenSignedByAKeyThatIsNotTheProvidersIsRefused() throws Exception {
    RSAKey other = new RSAKeyGenerator(2048).keyID("rsa").generate();
    JWT forged = signed(new RSASSASigner(other), JWSAlgorithm.RS256, "rsa", claims().build());
    assertRefused(forged, "Signed JWT rejected");
  }

  @Test
  void anotherIssuerOrAudienceIsRefused() throws Exception {
    assertRefused(rs256(b -> b.issuer("https://evil.example")), "issuer");
    assertRefused(rs256(b -> b.audience("another-client")), "audience");
  }

  @Test
  void anotherOrNoNonceIsRefused() throws Exception {
    assertRefused(rs256(b -> b.claim("nonce", "replayed-from-another-sign-in")), "nonce");
    assertRefused(rs256(b -> b.claim("nonce", null)), "nonce");
  }

  @Test
  void anExpiredTokenIsRefusedBeyondThirtySecondsOfSkew() throws Exception {
    Instant now = Instant.now();
    assertRefused(rs256(b -> b.expirationTime(Date.from(now.minusSeconds(45)))), "Expired");
    assertThat(
            tokens.validate(rs256(b -> b.expirationTime(Date.from(now.minusSeconds(10)))), NONCE))
        .isNotNull();
  }

  @Test
  void aTokenIssuedInTheFutureBeyondTheSkewIsRefused() throws Exception {
    assertRefused(rs256(b -> b.issueTime(Date.from(Instant.now().plusSeconds(120)))), "issue time");
  }
}
