package org.openlgsp.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The built-in RFC 3161 time-stamp authority, for installations without their own. It signs with a
 * certificate of profile {@link CertificateProfile#TIME_STAMPING} (critical id-kp-timeStamping) and
 * puts that certificate in every token when asked, so any RFC 3161 verifier can check it.
 */
public final class TimeStampAuthority implements Timestamper {
  /** The default TSA policy: a UUID-based OID (X.667 arc 2.25), unique without registration. */
  public static final String DEFAULT_POLICY = "2.25.141059378659852537608068848923913715009";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<ASN1ObjectIdentifier> DIGESTS =
      Set.of(TSPAlgorithms.SHA256, TSPAlgorithms.SHA384, TSPAlgorithms.SHA512);
  private final Credentials credentials;
  private final TimeStampResponseGenerator responses;
  private final Clock clock;

  public TimeStampAuthority(Credentials credentials, String policyOid, Clock clock) {
    if (!CertificateProfile.TIME_STAMPING.permits(credentials.certificate())) {
      throw new PkiException(
          "a TSA needs a time-stamping certificate (critical extended key usage timeStamping)");
    }
    this.credentials = credentials;
    this.clock = clock;
    try {
      var signerInfo =
          new JcaSimpleSignerInfoGeneratorBuilder()
              .build(algorithm(credentials), credentials.key(), credentials.certificate());
      TimeStampTokenGenerator tokens =
          new TimeStampTokenGenerator(
              signerInfo,
              new JcaDigestCalculatorProviderBuilder()
                  .build()
                  .get(
                      new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                          NISTObjectIdentifiers.id_sha256)),
              new ASN1ObjectIdentifier(policyOid));
      tokens.addCertificates(new JcaCertStore(credentials.chain()));
      tokens.setResolution(TimeStampTokenGenerator.R_MILLISECONDS);
      this.responses = new TimeStampResponseGenerator(tokens, DIGESTS);
    } catch (Exception e) {
      throw new PkiException("cannot set up the time-stamp authority", e);
    }
  }

  /** A TSA whose certificate {@code ca} issues now, for a fresh EC key. */
  public static TimeStampAuthority create(CertificateAuthority ca, Clock clock) {
    Credentials creds =
        ca.issueCredentials(
            CertificateProfile.TIME_STAMPING,
            "OpenLGSP time-stamp authority",
            "OpenLGSP",
            List.of(),
            CertificateProfile.TIME_STAMPING.maxValidity());
    return new TimeStampAuthority(creds, DEFAULT_POLICY, clock);
  }

  X509Certificate certificate() {
    return credentials.certificate();
  }

  /** The signing key and chain, to keep in a key store. */
  public Credentials credentials() {
    return credentials;
  }

  List<X509Certificate> chain() {
    return credentials.chain();
  }

  /** Answers a DER TimeStampReq with a DER TimeStampResp (granted or rejected); never throws. */
  byte[] respond(byte[] requestDer) {
    try {
      TimeStampRequest request;
      try {
        request = new TimeStampRequest(requestDer);
      } catch (IOException | RuntimeException e) {
        return responses
            .generateFailResponse(
                PKIStatus.REJECTION, PKIFailureInfo.badDataFormat, "not a TimeStampReq")
            .getEncoded();
      }
      return responses.generate(request, serial(), Date.from(clock.instant())).getEncoded();
    } catch (TSPException | IOException e) {
      throw new PkiException("cannot encode time-stamp response", e);
    }
  }

  @Override
  public Timestamp stamp(byte[] sha256) {
    TimeStampRequest request = request(sha256, true);
    try {
      TimeStampResponse response =
          responses.generateGrantedResponse(request, serial(), Date.from(clock.instant()));
      TimeStampToken token = response.getTimeStampToken();
      return new Timestamp(
          token.getEncoded(),
          token.getTimeStampInfo().getGenTime().toInstant(),
          token.getTimeStampInfo().getSerialNumber(),
          sha256);
    } catch (TSPException | IOException e) {
      throw new LgspException(
          ErrorCode.TIMESTAMP_UNAVAILABLE, "the built-in TSA failed to sign", e);
    }
  }

  static TimeStampRequest request(byte[] sha256, boolean withNonce) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + sha256.length);
    }
    TimeStampRequestGenerator g = new TimeStampRequestGenerator();
    g.setCertReq(true);
    return withNonce
        ? g.generate(TSPAlgorithms.SHA256, sha256, new BigInteger(64, RANDOM))
        : g.generate(TSPAlgorithms.SHA256, sha256);
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static String algorithm(Credentials c) {
    return switch (c.key().getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new PkiException("unsupported TSA key type " + c.key().getAlgorithm());
    };
  }
}
