package org.openlgsp.gateway.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation.SecurityServerType;

/**
 * The one way tests of the observer modules make an {@link ExchangeObservation}: a successful,
 * instant consumer-side REST call by default, each test setting only the fields it is about. Its
 * setters are named as the record's components.
 */
public final class Observed {
  /** A citizen-service portal's system, the usual client. */
  public static final ClientId PORTAL = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "DVC");

  /** Another system of the portal's agency. */
  public static final ClientId OTHER = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "HTTT");

  /** The population register's citizen lookup, the usual service. */
  public static final ServiceId CITIZENS =
      new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC"), "citizens");

  /** The land register's parcels. */
  public static final ServiceId PARCELS =
      new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G02", "DATDAI"), "parcels");

  private Instant monitoringDataTs;
  private String securityServerInternalIp;
  private SecurityServerType securityServerType;
  private Instant requestInTs;
  private Optional<Instant> requestOutTs;
  private Optional<Instant> responseInTs;
  private Instant responseOutTs;
  private ClientId client;
  private ServiceId service;
  private String serviceVersion;
  private String restMethod;
  private String restPath;
  private String representedParty;
  private String messageId;
  private String messageUserId;
  private String messageIssue;
  private String messageProtocolVersion;
  private String clientSecurityServerAddress;
  private String serviceSecurityServerAddress;
  private long requestSize;
  private long responseSize;
  private boolean succeeded;
  private String serviceType;
  private String faultCode;
  private String faultString;
  private int statusCode;
  private String xRoadVersion;
  private String errorCode;
  private String purpose;
  private String officer;
  private String subjectHash;
  private long ledgerIndex;
  private Duration gatewayTime;
  private Duration peerTime;
  private Duration backendTime;
  private String sourceAddress;
  private java.util.List<String> leaks = java.util.List.of();
  private ExchangeObservation.DataQuality quality = ExchangeObservation.DataQuality.NONE;

  private Observed() {}

  /**
   * A successful consumer-side exchange of {@code client} with {@code service}, ended at {@code
   * at}.
   */
  public static Observed at(Instant at, ClientId client, ServiceId service) {
    Observed o = new Observed();
    o.monitoringDataTs = at;
    o.securityServerInternalIp = "10.0.0.5";
    o.securityServerType = SecurityServerType.CLIENT;
    o.requestInTs = at;
    o.requestOutTs = Optional.empty();
    o.responseInTs = Optional.empty();
    o.responseOutTs = at;
    o.client = client;
    o.service = service;
    o.serviceVersion = "";
    o.restMethod = "GET";
    o.restPath = "/citizens/{subject}";
    o.representedParty = "";
    o.messageId = "msg-" + at.toEpochMilli();
    o.messageUserId = "";
    o.messageIssue = "";
    o.messageProtocolVersion = "1";
    o.clientSecurityServerAddress = "https://tn.example:8443";
    o.serviceSecurityServerAddress = "https://mps.example:8443";
    o.requestSize = 0;
    o.responseSize = 0;
    o.succeeded = true;
    o.serviceType = "REST";
    o.faultCode = "";
    o.faultString = "";
    o.statusCode = 200;
    o.xRoadVersion = "0.1.0";
    o.errorCode = "";
    o.purpose = "";
    o.officer = "";
    o.subjectHash = "";
    o.ledgerIndex = 42;
    o.gatewayTime = Duration.ZERO;
    o.peerTime = Duration.ZERO;
    o.backendTime = Duration.ZERO;
    o.sourceAddress = "";
    return o;
  }

  /** The fields of {@code from}, to change some. */
  public static Observed from(ExchangeObservation from) {
    Observed o = new Observed();
    o.monitoringDataTs = from.monitoringDataTs();
    o.securityServerInternalIp = from.securityServerInternalIp();
    o.securityServerType = from.securityServerType();
    o.requestInTs = from.requestInTs();
    o.requestOutTs = from.requestOutTs();
    o.responseInTs = from.responseInTs();
    o.responseOutTs = from.responseOutTs();
    o.client = from.client();
    o.service = from.service();
    o.serviceVersion = from.serviceVersion();
    o.restMethod = from.restMethod();
    o.restPath = from.restPath();
    o.representedParty = from.representedParty();
    o.messageId = from.messageId();
    o.messageUserId = from.messageUserId();
    o.messageIssue = from.messageIssue();
    o.messageProtocolVersion = from.messageProtocolVersion();
    o.clientSecurityServerAddress = from.clientSecurityServerAddress();
    o.serviceSecurityServerAddress = from.serviceSecurityServerAddress();
    o.requestSize = from.requestSize();
    o.responseSize = from.responseSize();
    o.succeeded = from.succeeded();
    o.serviceType = from.serviceType();
    o.faultCode = from.faultCode();
    o.faultString = from.faultString();
    o.statusCode = from.statusCode();
    o.xRoadVersion = from.xRoadVersion();
    o.errorCode = from.errorCode();
    o.purpose = from.purpose();
    o.officer = from.officer();
    o.subjectHash = from.subjectHash();
    o.ledgerIndex = from.ledgerIndex();
    o.gatewayTime = from.gatewayTime();
    o.peerTime = from.peerTime();
    o.backendTime = from.backendTime();
    o.sourceAddress = from.sourceAddress();
    o.leaks = from.leaks();
    o.quality = from.quality();
    return o;
  }

  /** The request came in {@code millis} before the answer went out. */
  public Observed took(long millis) {
    this.requestInTs = responseOutTs.minusMillis(millis);
    return this;
  }

  /**
   * Refused or failed with {@code errorCode} ({@code statusCode}), the X-Road fault {@code
   * faultCode} titled {@code faultString}.
   */
  public Observed failed(String errorCode, int statusCode, String faultCode, String faultString) {
    this.succeeded = false;
    this.errorCode = errorCode;
    this.statusCode = statusCode;
    this.faultCode = faultCode;
    this.faultString = faultString;
    return this;
  }

  /** Succeeded with {@code statusCode}: no error code, no fault. */
  public Observed ok(int statusCode) {
    return failed("", statusCode, "", "").succeeded(true);
  }

  public Observed monitoringDataTs(Instant v) {
    this.monitoringDataTs = v;
    return this;
  }

  public Observed securityServerInternalIp(String v) {
    this.securityServerInternalIp = v;
    return this;
  }

  public Observed securityServerType(SecurityServerType v) {
    this.securityServerType = v;
    return this;
  }

  public Observed requestInTs(Instant v) {
    this.requestInTs = v;
    return this;
  }

  public Observed requestOutTs(Optional<Instant> v) {
    this.requestOutTs = v;
    return this;
  }

  public Observed responseInTs(Optional<Instant> v) {
    this.responseInTs = v;
    return this;
  }

  public Observed responseOutTs(Instant v) {
    this.responseOutTs = v;
    return this;
  }

  public Observed client(ClientId v) {
    this.client = v;
    return this;
  }

  public Observed service(ServiceId v) {
    this.service = v;
    return this;
  }

  public Observed serviceVersion(String v) {
    this.serviceVersion = v;
    return this;
  }

  public Observed restMethod(String v) {
    this.restMethod = v;
    return this;
  }

  public Observed restPath(String v) {
    this.restPath = v;
    return this;
  }

  public Observed representedParty(String v) {
    this.representedParty = v;
    return this;
  }

  public Observed messageId(String v) {
    this.messageId = v;
    return this;
  }

  public Observed messageUserId(String v) {
    this.messageUserId = v;
    return this;
  }

  public Observed messageIssue(String v) {
    this.messageIssue = v;
    return this;
  }

  public Observed messageProtocolVersion(String v) {
    this.messageProtocolVersion = v;
    return this;
  }

  public Observed clientSecurityServerAddress(String v) {
    this.clientSecurityServerAddress = v;
    return this;
  }

  public Observed serviceSecurityServerAddress(String v) {
    this.serviceSecurityServerAddress = v;
    return this;
  }

  public Observed requestSize(long v) {
    this.requestSize = v;
    return this;
  }

  public Observed responseSize(long v) {
    this.responseSize = v;
    return this;
  }

  public Observed succeeded(boolean v) {
    this.succeeded = v;
    return this;
  }

  public Observed serviceType(String v) {
    this.serviceType = v;
    return this;
  }

  public Observed faultCode(String v) {
    this.faultCode = v;
    return this;
  }

  public Observed faultString(String v) {
    this.faultString = v;
    return this;
  }

  public Observed statusCode(int v) {
    this.statusCode = v;
    return this;
  }

  public Observed xRoadVersion(String v) {
    this.xRoadVersion = v;
    return this;
  }

  public Observed errorCode(String v) {
    this.errorCode = v;
    return this;
  }

  public Observed purpose(String v) {
    this.purpose = v;
    return this;
  }

  public Observed officer(String v) {
    this.officer = v;
    return this;
  }

  public Observed subjectHash(String v) {
    this.subjectHash = v;
    return this;
  }

  public Observed ledgerIndex(long v) {
    this.ledgerIndex = v;
    return this;
  }

  public Observed gatewayTime(Duration v) {
    this.gatewayTime = v;
    return this;
  }

  public Observed peerTime(Duration v) {
    this.peerTime = v;
    return this;
  }

  public Observed backendTime(Duration v) {
    this.backendTime = v;
    return this;
  }

  public Observed sourceAddress(String v) {
    this.sourceAddress = v;
    return this;
  }

  public Observed quality(ExchangeObservation.DataQuality v) {
    this.quality = v;
    return this;
  }

  public Observed leaks(java.util.List<String> v) {
    this.leaks = v;
    return this;
  }

  public ExchangeObservation build() {
    return new ExchangeObservation(
        monitoringDataTs,
        securityServerInternalIp,
        securityServerType,
        requestInTs,
        requestOutTs,
        responseInTs,
        responseOutTs,
        client,
        service,
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
        requestSize,
        responseSize,
        succeeded,
        serviceType,
        faultCode,
        faultString,
        statusCode,
        xRoadVersion,
        errorCode,
        purpose,
        officer,
        subjectHash,
        ledgerIndex,
        gatewayTime,
        peerTime,
        backendTime,
        sourceAddress,
        leaks,
        quality,
        "");
  }
}
