package org.openlgsp.gateway.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;

/**
 * What one gateway saw of one recorded exchange: the fields of X-Road's operational monitoring
 * record (PR-OPMON, named as there) plus OpenLGSP's own. No data subject's ID is ever in it: the
 * path has the ID replaced by {@code {subject}}, the query string is left out, and only the
 * ledger's keyed subject hash is carried.
 *
 * @param monitoringDataTs when the gateway made this observation
 * @param securityServerInternalIp the address of the gateway's host
 * @param securityServerType {@code CLIENT} on the consumer gateway, {@code PRODUCER} on the
 *     provider's
 * @param requestInTs when the request reached this gateway
 * @param requestOutTs when this gateway sent the request on (to the peer, or to the backend); empty
 *     when refused before
 * @param responseInTs when the answer of the peer or backend was in; empty when none came
 * @param responseOutTs when the answer was ready to send back, after the ledger write
 * @param restPath the request path without query, the subject's ID replaced by {@code {subject}}
 * @param messageUserId {@code X-Road-UserId} as sent
 * @param messageIssue {@code X-Road-Issue} as sent (OpenLGSP's purpose)
 * @param succeeded the exchange carried no error code
 * @param faultCode the X-Road error type ({@code Client.AccessDenied}), empty on success
 * @param faultString the title of the error code, never the detail (which may name identifiers)
 * @param errorCode OpenLGSP's stable error code ({@code access.denied}), empty on success
 * @param purpose the stated purpose ({@code X-Road-Issue})
 * @param officer the officer the call was made for ({@code X-Road-UserId}), empty if not known
 * @param subjectHash the ledger's keyed hash of the data subject's ID, empty if none
 * @param ledgerIndex where the exchange is in this gateway's ledger
 * @param gatewayTime time spent in this gateway (total less peer and backend)
 * @param peerTime time waiting for the provider's gateway (consumer side), else zero
 * @param backendTime time waiting for the backend (provider side), else zero
 * @param sourceAddress the IP address the request came from on this gateway's listener (the client
 *     system's on the consumer side, the consumer gateway's on the provider side), empty if not
 *     known
 * @param leaks what the grant's leak detectors found in the response ({@code detector:action}, e.g.
 *     {@code cccd:alert}; provider side; docs/privacy.md), empty when none
 * @param quality what the provider's schema check found ({@link DataQuality#NONE} on the consumer
 *     side and when the service is not checked; docs/privacy.md, "Data quality")
 * @param gatewayInstance the name of the process that handled the exchange among several instances
 *     of one gateway node ({@code gateway.instance}, docs/scale-out.md); empty when not named
 */
public record ExchangeObservation(
    Instant monitoringDataTs,
    String securityServerInternalIp,
    SecurityServerType securityServerType,
    Instant requestInTs,
    Optional<Instant> requestOutTs,
    Optional<Instant> responseInTs,
    Instant responseOutTs,
    ClientId client,
    ServiceId service,
    String serviceVersion,
    String restMethod,
    String restPath,
    String representedParty,
    String messageId,
    String messageUserId,
    String messageIssue,
    String messageProtocolVersion,
    String clientSecurityServerAddress,
    String serviceSecurityServerAddress,
    long requestSize,
    long responseSize,
    boolean succeeded,
    String serviceType,
    String faultCode,
    String faultString,
    int statusCode,
    String xRoadVersion,
    String errorCode,
    String purpose,
    String officer,
    String subjectHash,
    long ledgerIndex,
    Duration gatewayTime,
    Duration peerTime,
    Duration backendTime,
    String sourceAddress,
    java.util.List<String> leaks,
    DataQuality quality,
    String gatewayInstance) {

  /**
   * The provider gateway's data-quality findings on one exchange (docs/privacy.md, "Data quality").
   * Never a value of the bodies: only where and why they fail their schema.
   *
   * @param mode the service's schema check when the exchange was handled
   * @param violations where and why a body fails its schema (at most a few per body)
   * @param unchecked why a body was not checked: {@code request:too_large}, {@code
   *     response:too_large}, {@code request:no_schema}, {@code response:no_schema}
   * @param requestKey keyed hash of method, path with query and request body digest (the ledger's
   *     subject key), for duplicate detection; empty when not known
   * @param responseDigest digest of the response body as sent, empty when none
   * @param dataAge how old the answer's data-time field ({@code ThoiDiemDuLieu}) was at the
   *     exchange, when it had one
   */
  public record DataQuality(
      org.openlgsp.core.SchemaCheck mode,
      java.util.List<Violation> violations,
      java.util.List<String> unchecked,
      String requestKey,
      String responseDigest,
      Optional<Duration> dataAge) {
    /** Nothing checked. */
    public static final DataQuality NONE =
        new DataQuality(
            org.openlgsp.core.SchemaCheck.OFF,
            java.util.List.of(),
            java.util.List.of(),
            "",
            "",
            Optional.empty());

    public DataQuality {
      Objects.requireNonNull(mode, "mode");
      violations = java.util.List.copyOf(violations);
      unchecked = java.util.List.copyOf(unchecked);
      Objects.requireNonNull(requestKey, "requestKey");
      Objects.requireNonNull(responseDigest, "responseDigest");
      Objects.requireNonNull(dataAge, "dataAge");
    }

    /**
     * A body failing its schema: {@code side} ({@code request} or {@code response}), the JSON
     * Pointer of the failing place (array indices as {@code *}; for {@code required}, the missing
     * member) and the schema keyword ({@code required}, {@code format}, {@code type}...; {@code
     * json} when the body does not parse).
     */
    public record Violation(String side, String pointer, String keyword) {
      public Violation {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(keyword, "keyword");
      }

      @Override
      public String toString() {
        return side + " " + pointer + ": " + keyword;
      }
    }
  }

  /** Which side of the exchange the observing gateway was, as X-Road names it. */
  public enum SecurityServerType {
    CLIENT("Client"),
    PRODUCER("Producer");

    private final String xroad;

    SecurityServerType(String xroad) {
      this.xroad = xroad;
    }

    /** {@code Client} or {@code Producer}. */
    public String xroadName() {
      return xroad;
    }
  }

  /** How an exchange ended, from the gateways' point of view. */
  public enum Outcome {
    /** No error code: the backend answered (whatever its HTTP status). */
    SUCCESS,
    /** A gateway refused it with a client error (4xx). */
    REFUSED,
    /** A gateway, the peer or the backend failed (5xx). */
    FAILED;

    // computed once: the metrics ask for it on every exchange
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
      return label;
    }
  }

  public ExchangeObservation {
    leaks = leaks == null ? java.util.List.of() : java.util.List.copyOf(leaks);
    quality = quality == null ? DataQuality.NONE : quality;
    gatewayInstance = gatewayInstance == null ? "" : gatewayInstance;
    Objects.requireNonNull(monitoringDataTs, "monitoringDataTs");
    Objects.requireNonNull(securityServerInternalIp, "securityServerInternalIp");
    Objects.requireNonNull(securityServerType, "securityServerType");
    Objects.requireNonNull(requestInTs, "requestInTs");
    Objects.requireNonNull(requestOutTs, "requestOutTs");
    Objects.requireNonNull(responseInTs, "responseInTs");
    Objects.requireNonNull(responseOutTs, "responseOutTs");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(service, "service");
    for (String s :
        new String[] {
          serviceVersion,
          restMethod,
          restPath,
          representedParty,
          messageId,
          messageUserId,
          messageIssue,
          messageProtocolVersion,
          clientSecurityServerAddress,
          serviceSecurityServerAddress,
          serviceType,
          faultCode,
          faultString,
          xRoadVersion,
          errorCode,
          purpose,
          officer,
          subjectHash
        }) {
      Objects.requireNonNull(s, "text fields are empty, not null");
    }
    Objects.requireNonNull(gatewayTime, "gatewayTime");
    Objects.requireNonNull(peerTime, "peerTime");
    Objects.requireNonNull(backendTime, "backendTime");
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    if (messageId.isEmpty()) {
      throw new IllegalArgumentException("messageId is required");
    }
    if (restPath.contains("?")) {
      throw new IllegalArgumentException("restPath carries no query string");
    }
    if (requestSize < 0 || responseSize < 0 || ledgerIndex < 0) {
      throw new IllegalArgumentException("sizes and the ledger index are >= 0");
    }
    if (statusCode < 100 || statusCode > 599) {
      throw new IllegalArgumentException("statusCode must be an HTTP status");
    }
    if (succeeded != errorCode.isEmpty()) {
      throw new IllegalArgumentException("succeeded exactly when there is no error code");
    }
    if (responseOutTs.isBefore(requestInTs)) {
      throw new IllegalArgumentException("responseOutTs is before requestInTs");
    }
    if (gatewayTime.isNegative() || peerTime.isNegative() || backendTime.isNegative()) {
      throw new IllegalArgumentException("times spent are >= 0");
    }
  }

  /** Success, or a refusal (4xx) or failure (5xx) by its HTTP status. */
  public Outcome outcome() {
    if (succeeded) {
      return Outcome.SUCCESS;
    }
    return statusCode < 500 ? Outcome.REFUSED : Outcome.FAILED;
  }

  /** From {@link #requestInTs} to {@link #responseOutTs}. */
  public Duration totalTime() {
    return Duration.between(requestInTs, responseOutTs);
  }
}
