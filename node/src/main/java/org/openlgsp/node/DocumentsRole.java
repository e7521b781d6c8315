package org.openlgsp.node;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.openlgsp.core.AgencyCode;

/**
 * The document axis role of a node: its HTTP listeners, store, limits, the agencies it serves (each
 * with the SHA-256 of its document system's bearer token), how it reaches remote axis nodes through
 * its gateway, and whom it believes as signers: {@code trustAnchors} (PEM files of CA certificates
 * signers must chain to; the signed directory's anchors are added when the node also runs a
 * gateway), {@code signerMustMatchSender} (the signer's certificate must name the package's {@code
 * From/OrganId}) and {@code revocation} (OCSP checks of signers, as for the gateway).
 */
public record DocumentsRole(
    String host,
    Integer port,
    String relayHost,
    Integer relayPort,
    String database,
    String dataDir,
    Long maxPackageBytes,
    Boolean signatureRequired,
    Duration retryBase,
    Duration retryMax,
    Integer maxAttempts,
    List<Agency> agencies,
    GatewayLink gateway,
    List<String> trustAnchors,
    Boolean signerMustMatchSender,
    NodeConfig.RevocationSettings revocation) {
  public DocumentsRole {
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? 8090 : port;
    relayHost = relayHost == null ? "127.0.0.1" : relayHost;
    relayPort = relayPort == null ? 8091 : relayPort;
    Objects.requireNonNull(database, "documents.database is required");
    dataDir = dataDir == null ? "data/documents" : dataDir;
    maxPackageBytes = maxPackageBytes == null ? 160L * 1024 * 1024 : maxPackageBytes;
    signatureRequired = signatureRequired == null || signatureRequired;
    retryBase = retryBase == null ? Duration.ofSeconds(1) : retryBase;
    retryMax = retryMax == null ? Duration.ofMinutes(10) : retryMax;
    maxAttempts = maxAttempts == null ? 50 : maxAttempts;
    agencies = agencies == null ? List.of() : List.copyOf(agencies);
    if (agencies.isEmpty()) {
      throw new IllegalArgumentException("documents.agencies must name the agencies served");
    }
    trustAnchors = trustAnchors == null ? List.of() : List.copyOf(trustAnchors);
    signerMustMatchSender = signerMustMatchSender != null && signerMustMatchSender;
  }

  /** OCSP checking of signers, when configured. */
  public java.util.Optional<NodeConfig.RevocationSettings> revocationSettings() {
    return java.util.Optional.ofNullable(revocation);
  }

  /** An agency served by this axis and the hash of its document system's token. */
  public record Agency(String code, String name, String tokenSha256) {
    public Agency {
      AgencyCode.parse(Objects.requireNonNull(code, "documents.agencies.code is required"));
      name = name == null ? code : name;
      Objects.requireNonNull(tokenSha256, "documents.agencies.tokenSha256 is required");
      if (!tokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("documents.agencies.tokenSha256 must be 64 hex digits");
      }
    }
  }

  /**
   * How remote recipients are reached: this node's gateway client URL, the axis's system id and
   * OAuth credentials there (secret in a file), and the axis service's subsystem and code.
   */
  public record GatewayLink(
      String url,
      String client,
      String oauthClientId,
      String secretFile,
      String subsystem,
      String service) {
    public GatewayLink {
      Objects.requireNonNull(url, "documents.gateway.url is required");
      Objects.requireNonNull(client, "documents.gateway.client is required");
      Objects.requireNonNull(oauthClientId, "documents.gateway.oauthClientId is required");
      Objects.requireNonNull(secretFile, "documents.gateway.secretFile is required");
      subsystem = subsystem == null ? "EDOC" : subsystem;
      service = service == null ? "edoc" : service;
    }
  }
}
