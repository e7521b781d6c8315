package org.openlgsp.pki;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * An RFC 3161 client over HTTP (RFC 3161 §3.4, {@code application/timestamp-query}) for the
 * built-in TSA or an external one; tokens are verified against the configured trust anchors.
 */
public final class TimeStampClient implements Timestamper {
  private final String url;
  private final TrustHttp http;
  private final TimeStampVerifier verifier;

  public TimeStampClient(String url, Collection<X509Certificate> trustAnchors, Duration timeout) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("TSA URL must be http(s)://, got " + url);
    }
    this.url = url;
    this.http = new TrustHttp(timeout);
    this.verifier = new TimeStampVerifier(trustAnchors);
  }

  @Override
  public Timestamp stamp(byte[] sha256) {
    TimeStampRequest request = TimeStampAuthority.request(sha256, true);
    byte[] answer;
    try {
      answer =
          http.post(
              url,
              "application/timestamp-query",
              "application/timestamp-reply",
              request.getEncoded(),
              ErrorCode.TIMESTAMP_UNAVAILABLE);
    } catch (IOException e) {
      throw new PkiException("cannot encode time-stamp request", e);
    }
    TimeStampResponse response;
    try {
      response = new TimeStampResponse(answer);
    } catch (TSPException | IOException e) {
      throw new LgspException(
          ErrorCode.TIMESTAMP_INVALID, url + " did not answer with an RFC 3161 TimeStampResp");
    }
    if (response.getStatus() != PKIStatus.GRANTED
        && response.getStatus() != PKIStatus.GRANTED_WITH_MODS) {
      throw new LgspException(
          ErrorCode.TIMESTAMP_UNAVAILABLE,
          url
              + " refused the request (status "
              + response.getStatus()
              + ": "
              + response.getStatusString()
              + "); check the TSA's accepted digest algorithms and policy");
    }
    try {
      response.validate(request);
    } catch (TSPException e) {
      throw new LgspException(
          ErrorCode.TIMESTAMP_INVALID,
          "the token from " + url + " does not match the request: " + e.getMessage());
    }
    try {
      return verifier.verify(response.getTimeStampToken().getEncoded(), sha256);
    } catch (IOException e) {
      throw new LgspException(ErrorCode.TIMESTAMP_INVALID, "the token cannot be encoded");
    }
  }
}
