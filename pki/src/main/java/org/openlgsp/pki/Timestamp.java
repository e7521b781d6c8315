package org.openlgsp.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * An RFC 3161 time-stamp token (DER, a CMS SignedData) over a SHA-256 digest, with the facts read
 * from it. Keep {@link #token()}: it is the evidence; the other fields are for convenience.
 */
public record Timestamp(byte[] token, Instant time, BigInteger serial, byte[] digest) {
  public Timestamp {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(serial, "serial");
    token = token.clone();
    digest = digest.clone();
  }

  @Override
  public byte[] token() {
    return token.clone();
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }
}
