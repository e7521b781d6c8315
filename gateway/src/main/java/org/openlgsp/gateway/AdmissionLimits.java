package org.openlgsp.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * How much work a gateway takes on at once, so that overload ends in quick, explicit refusals
 * instead of a pile-up of connections, handshakes and timeouts that takes the node down.
 *
 * @param concurrentExchanges exchanges each endpoint (client-facing, peer-facing) works on at once
 * @param queueTimeout how long a further exchange may wait for one of those slots before it is
 *     refused with {@code server.overloaded}
 * @param connectionsPerListener open connections each listener accepts; further ones are closed at
 *     once, which keeps the process below its file-descriptor limit
 */
public record AdmissionLimits(
    int concurrentExchanges, Duration queueTimeout, int connectionsPerListener) {

  public AdmissionLimits {
    if (concurrentExchanges < 1) {
      throw new IllegalArgumentException(
          "concurrentExchanges must be positive: " + concurrentExchanges);
    }
    Objects.requireNonNull(queueTimeout, "queueTimeout");
    if (queueTimeout.isNegative()) {
      throw new IllegalArgumentException("queueTimeout must not be negative");
    }
    if (connectionsPerListener < concurrentExchanges) {
      throw new IllegalArgumentException(
          "connectionsPerListener ("
              + connectionsPerListener
              + ") must be at least concurrentExchanges ("
              + concurrentExchanges
              + ")");
    }
  }

  /**
   * File descriptors a gateway with {@code listeners} listeners may hold at these limits: every
   * listener full, plus an outgoing connection (peer gateway or backend) per admitted exchange on
   * each of the two endpoints, plus a margin for databases, spool files and the JVM itself.
   */
  public long fileDescriptorsNeeded(int listeners) {
    return (long) listeners * connectionsPerListener + 2L * concurrentExchanges + 512;
  }

  /**
   * The limits a configuration file's {@code limits} section names; what it leaves out keeps its
   * {@link #defaults() default}.
   */
  @JsonCreator
  static AdmissionLimits configured(
      @JsonProperty("concurrentExchanges") Integer concurrentExchanges,
      @JsonProperty("queueTimeout") Duration queueTimeout,
      @JsonProperty("connectionsPerListener") Integer connectionsPerListener) {
    AdmissionLimits d = defaults();
    return new AdmissionLimits(
        concurrentExchanges == null ? d.concurrentExchanges() : concurrentExchanges,
        queueTimeout == null ? d.queueTimeout() : queueTimeout,
        connectionsPerListener == null ? d.connectionsPerListener() : connectionsPerListener);
  }

  /** 256 exchanges per endpoint, 2 s queueing, 4,096 connections per listener. */
  public static AdmissionLimits defaults() {
    return new AdmissionLimits(256, Duration.ofSeconds(2), 4096);
  }
}
