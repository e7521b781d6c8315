package org.openlgsp.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.documents.DocumentLeaks;
import org.openlgsp.documents.ExtractionLimits;

/**
 * The document axis role of a node: its HTTP listeners, store, limits, the agencies it serves (each
 * with the SHA-256 of its document system's bearer token), how it reaches remote axis nodes through
 * its gateway, and whom it believes as signers: {@code trustAnchors} (PEM files of CA certificates
 * signers must chain to; the signed directory's anchors are added when the node also runs a
 * gateway), {@code signerMustMatchSender} (the signer's certificate must name the package's {@code
 * From/OrganId}) and {@code revocation} (OCSP checks of signers, as for the gateway); and the leak
 * detectors run on document packages: {@code leaks} for every route, {@code leakRoutes} overriding
 * them per sender, recipient or pair ({@link DocumentLeaks}; docs/privacy.md, "Leak prevention"),
 * {@code unscannable} (pass, alert or refuse: what attachments the detectors cannot read, such as
 * images, get; default alert) and {@code attachmentText} (the bounds of PDF and Office text
 * extraction, {@link ExtractionLimits}); {@code encryption}: package files and subjects kept
 * encrypted at rest ({@link EncryptionSettings}; absent: stored as they are); and {@code alerts}
 * (the keys of {@code gateway.alerts}, docs/alerts.md): where the {@code dataLeak} alerts of those
 * findings are kept and delivered.
 *
 * <p>The package limit, signature requirement and retry schedule default to {@link
 * AxisOptions#defaults}; the listeners (127.0.0.1, ports 8090 and 8091) and the package folder
 * ({@code data/documents}) default here.
 */
public record DocumentsRole(
    String host,
    Integer port,
    String relayHost,
    Integer relayPort,
    String database,
    String dataDir,
    Optional<Long> maxPackageBytes,
    Optional<Boolean> signatureRequired,
    Optional<Duration> retryBase,
    Optional<Duration> retryMax,
    Optional<Integer> maxAttempts,
    List<Agency> agencies,
    Optional<GatewayLink> gateway,
    List<String> trustAnchors,
    boolean signerMustMatchSender,
    Optional<NodeConfig.RevocationSettings> revocation,
    List<PrivacyPolicy.LeakRule> leaks,
    List<DocumentLeaks.Route> leakRoutes,
    Optional<DocumentLeaks.Unscannable> unscannable,
    Optional<ExtractionLimits> attachmentText,
    Optional<EncryptionSettings> encryption,
    Optional<org.openlgsp.alerts.AlertsOptions> alerts) {
  public DocumentsRole {
    alerts = alerts == null ? Optional.empty() : alerts;
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? 8090 : port;
    relayHost = relayHost == null ? "127.0.0.1" : relayHost;
    relayPort = relayPort == null ? 8091 : relayPort;
    Objects.requireNonNull(database, "database is required");
    dataDir = dataDir == null ? "data/documents" : dataDir;
    NodeConfig.present(maxPackageBytes, signatureRequired, retryBase, retryMax, maxAttempts);
    NodeConfig.present(gateway, revocation, encryption);
    unscannable = unscannable == null ? Optional.empty() : unscannable;
    attachmentText = attachmentText == null ? Optional.empty() : attachmentText;
    agencies = agencies == null ? List.of() : List.copyOf(agencies);
    if (agencies.isEmpty()) {
      throw new IllegalArgumentException("agencies must name the agencies served");
    }
    trustAnchors = trustAnchors == null ? List.of() : List.copyOf(trustAnchors);
    leaks = leaks == null ? List.of() : List.copyOf(leaks);
    leakRoutes = leakRoutes == null ? List.of() : List.copyOf(leakRoutes);
    // the parameters, not options(): fields are assigned after this body
    options(
        Path.of(dataDir),
        maxPackageBytes,
        signatureRequired,
        retryBase,
        retryMax,
        maxAttempts,
        leaks,
        leakRoutes,
        unscannable,
        attachmentText);
  }

  /** The security alerts of this role (docs/alerts.md), the module's defaults if not given. */
  public org.openlgsp.alerts.AlertsOptions alertsOptions() {
    return alerts.orElseGet(org.openlgsp.alerts.AlertsOptions::defaults);
  }

  /**
   * The documents module's options of this role, its defaults where the file says nothing.
   *
   * @param baseDir the configuration's folder, which {@code dataDir} is relative to
   */
  public AxisOptions options(Path baseDir) {
    return options(
        baseDir.resolve(dataDir),
        maxPackageBytes,
        signatureRequired,
        retryBase,
        retryMax,
        maxAttempts,
        leaks,
        leakRoutes,
        unscannable,
        attachmentText);
  }

  private static AxisOptions options(
      Path dataDir,
      Optional<Long> maxPackageBytes,
      Optional<Boolean> signatureRequired,
      Optional<Duration> retryBase,
      Optional<Duration> retryMax,
      Optional<Integer> maxAttempts,
      List<PrivacyPolicy.LeakRule> leaks,
      List<DocumentLeaks.Route> leakRoutes,
      Optional<DocumentLeaks.Unscannable> unscannable,
      Optional<ExtractionLimits> attachmentText) {
    AxisOptions d = AxisOptions.defaults(dataDir);
    return d.withMaxPackageBytes(maxPackageBytes.orElse(d.maxPackageBytes()))
        .withSignatureRequired(signatureRequired.orElse(d.signatureRequired()))
        .withRetry(
            retryBase.orElse(d.retryBase()),
            retryMax.orElse(d.retryMax()),
            maxAttempts.orElse(d.maxAttempts()))
        .withLeaks(
            new DocumentLeaks(
                leaks, leakRoutes, unscannable.orElse(null), attachmentText.orElse(null)));
  }

  /**
   * An agency served by this axis and the hash of its document system's token. (Its name is the
   * registry's business: an axis has no use for one, so there is no key for it.)
   */
  public record Agency(String code, String tokenSha256) {
    public Agency {
      AgencyCode.parse(Objects.requireNonNull(code, "code is required"));
      Objects.requireNonNull(tokenSha256, "tokenSha256 is required");
      if (!tokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("tokenSha256 must be 64 hex digits");
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
      Objects.requireNonNull(url, "url is required");
      Objects.requireNonNull(client, "client is required");
      Objects.requireNonNull(oauthClientId, "oauthClientId is required");
      Objects.requireNonNull(secretFile, "secretFile is required");
      subsystem = subsystem == null ? "EDOC" : subsystem;
      service = service == null ? "edoc" : service;
    }
  }
}
