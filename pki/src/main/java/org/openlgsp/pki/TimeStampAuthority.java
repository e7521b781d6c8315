package org.openlgsp.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
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
  private final Settings settings;
  private final Clock clock;

  /**
   * What the TSA grants. {@code policy} goes into tokens for requests naming no policy; a request
   * naming a {@code reqPolicy} outside {@code acceptedPolicies} (which always holds {@code policy})
   * is rejected with failInfo unacceptedPolicy (RFC 3161 §2.4.2). {@code accuracy} is written into
   * every token (ETSI EN 319 422 §5.2); ETSI EN 319 421 asks a TSA to keep within one second of
   * UTC, so it lies between one microsecond and one second.
   */
  public record Settings(String policy, Set<String> acceptedPolicies, Duration accuracy) {
    public static final Duration DEFAULT_ACCURACY = Duration.ofSeconds(1);
    private static final Duration MICROSECOND = Duration.ofNanos(1000);

    public Settings {
      requireOid(policy);
      acceptedPolicies.forEach(Settings::requireOid);
      Set<String> all = new java.util.TreeSet<>(acceptedPolicies);
      all.add(policy);
      acceptedPolicies = Set.copyOf(all);
      if (accuracy.compareTo(MICROSECOND) < 0 || accuracy.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException(
            "TSA accuracy must lie between one microsecond and one second (ETSI EN 319 421), got "
                + accuracy);
      }
      if (accuracy.toNanos() % 1000 != 0) {
        throw new IllegalArgumentException(
            "TSA accuracy is written in whole microseconds, got " + accuracy);
      }
    }

    /** The {@link #DEFAULT_POLICY}, accepted alone, with one second's accuracy. */
    public static Settings defaults() {
      return new Settings(DEFAULT_POLICY, Set.of(), DEFAULT_ACCURACY);
    }

    private static void requireOid(String oid) {
      if (oid == null || ASN1ObjectIdentifier.tryFromID(oid) == null) {
        throw new IllegalArgumentException("not an object identifier: " + oid);
      }
    }
  }

  public TimeStampAuthority(Credentials credentials, Settings settings, Clock clock) {
    if (!CertificateProfile.TIME_STAMPING.permits(credentials.certificate())) {
      throw new PkiException(
          "a TSA needs a time-stamping certificate (critical extended key usage timeStamping)");
    }
    this.credentials = credentials;
    this.settings = settings;
    this.clock = clock;
    responses(); // fails now, not at the first request, when the key cannot sign
  }

  /**
   * A response generator for one request. Bouncy Castle's generator keeps the failInfo bits of a
   * rejected request and writes them into every later reply, and its signer is not thread-safe: so
   * nothing of it is shared between requests.
   */
  private TimeStampResponseGenerator responses() {
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
              new ASN1ObjectIdentifier(settings.policy()));
      tokens.addCertificates(new JcaCertStore(credentials.chain()));
      tokens.setResolution(TimeStampTokenGenerator.R_MILLISECONDS);
      long micros = settings.accuracy().toNanos() / 1000;
      tokens.setAccuracySeconds((int) (micros / 1_000_000));
      tokens.setAccuracyMillis((int) (micros / 1000 % 1000));
      tokens.setAccuracyMicros((int) (micros % 1000));
      Set<ASN1ObjectIdentifier> policies = new java.util.HashSet<>();
      settings.acceptedPolicies().forEach(p -> policies.add(new ASN1ObjectIdentifier(p)));
      return new TimeStampResponseGenerator(tokens, DIGESTS, policies);
    } catch (Exception e) {
      throw new PkiException("cannot set up the time-stamp authority", e);
    }
  }

  /** The policy OIDs, default policy and accuracy this TSA grants with. */
  public Settings settings() {
    return settings;
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
    return new TimeStampAuthority(creds, Settings.defaults(), clock);
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
        return responses()
            .generateFailResponse(
                PKIStatus.REJECTION, PKIFailureInfo.badDataFormat, "not a TimeStampReq")
            .getEncoded();
      }
      return responses().generate(request, serial(), Date.from(clock.instant())).getEncoded();
    } catch (TSPException | IOException e) {
      throw new PkiException("cannot encode time-stamp response", e);
    }
  }

  @Override
  public Timestamp stamp(byte[] sha256) {
    TimeStampRequest request = request(sha256, true);
    try {
      TimeStampResponse response =
          responses().generateGrantedResponse(request, serial(), Date.from(clock.instant()));
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
