package org.openlgsp.node;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.gateway.AdmissionLimits;

/**
 * A node's configuration file (YAML; JSON is valid YAML too). A node runs the registry role, the
 * gateway role, or both. File paths are relative to the configuration file's folder.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record NodeConfig(
    String instance, RegistryRole registry, GatewayRole gateway, DocumentsRole documents) {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public NodeConfig {
    Objects.requireNonNull(instance, "instance is required");
    if (registry == null && gateway == null && documents == null) {
      throw new IllegalArgumentException(
          "configure at least one role: registry, gateway or documents");
    }
  }

  public NodeConfig(String instance, RegistryRole registry, GatewayRole gateway) {
    this(instance, registry, gateway, null);
  }

  public Optional<DocumentsRole> documentsRole() {
    return Optional.ofNullable(documents);
  }

  public Optional<RegistryRole> registryRole() {
    return Optional.ofNullable(registry);
  }

  public Optional<GatewayRole> gatewayRole() {
    return Optional.ofNullable(gateway);
  }

  public static NodeConfig read(Path file) {
    try {
      return YAML.readValue(Files.readAllBytes(file), NodeConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new ConfigException(
          "invalid configuration "
              + file
              + ": "
              + cause.getMessage().lines().findFirst().orElse(""));
    }
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      YAML.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * Where a key is: a certificate file and its private key file, both PEM; or, for the gateway's
   * keys, {@code pkcs11}, a key in a PKCS#11 token whose certificate chain is stored next to it
   * ({@code lgsp keys store-certificate}). Which one is checked where the entry is used, so the
   * message can name it.
   */
  public record KeyFiles(String certificate, String key, Pkcs11Key pkcs11) {
    public KeyFiles(String certificate, String key) {
      this(certificate, key, null);
    }

    /** The token key, when the entry names one. */
    public Optional<Pkcs11Key> token() {
      return Optional.ofNullable(pkcs11);
    }

    /**
     * @throws IllegalArgumentException naming {@code where} unless the entry is exactly one of a
     *     key file with its certificate file, or a token key
     */
    public void requireOneSource(String where) {
      if (pkcs11 == null && key == null) {
        throw new IllegalArgumentException(
            where + " needs key (a PEM file) or pkcs11 (a key in a token)");
      }
      if (pkcs11 != null && key != null) {
        throw new IllegalArgumentException(where + " names key and pkcs11; give one of them");
      }
      if (pkcs11 == null && certificate == null) {
        throw new IllegalArgumentException(where + ".certificate is required with a key file");
      }
      if (pkcs11 != null && certificate != null) {
        throw new IllegalArgumentException(
            where
                + ".certificate must be left out with pkcs11: the chain is read from the token"
                + " (lgsp keys store-certificate)");
      }
    }
  }

  /**
   * A key inside a PKCS#11 token (HSM, smart card, SoftHSM2). The user PIN is never in this file:
   * {@code pinEnv} names an environment variable holding it, or {@code pinFile} a file (relative to
   * this file's folder) whose content is the PIN.
   */
  public record Pkcs11Key(String library, Long slot, String alias, String pinEnv, String pinFile) {
    public Pkcs11Key {
      Objects.requireNonNull(library, "pkcs11.library is required");
      Objects.requireNonNull(slot, "pkcs11.slot is required");
      Objects.requireNonNull(alias, "pkcs11.alias is required");
      if (slot < 0) {
        throw new IllegalArgumentException("pkcs11.slot must not be negative");
      }
      if ((pinEnv == null) == (pinFile == null)) {
        throw new IllegalArgumentException(
            "pkcs11 needs one of pinEnv (an environment variable) or pinFile (a file) holding the"
                + " token's user PIN; the PIN itself never goes in the configuration");
      }
    }
  }

  /** The registry role. */
  public record RegistryRole(
      String host,
      int port,
      String database,
      String adminTokenSha256,
      Duration directoryValidity,
      KeyFiles signing,
      CaSettings ca,
      RegistryWitness witness) {
    /** Without a witness. */
    public RegistryRole(
        String host,
        int port,
        String database,
        String adminTokenSha256,
        Duration directoryValidity,
        KeyFiles signing,
        CaSettings ca) {
      this(host, port, database, adminTokenSha256, directoryValidity, signing, ca, null);
    }

    public RegistryRole {
      host = host == null ? "127.0.0.1" : host;
      Objects.requireNonNull(database, "registry.database is required");
      Objects.requireNonNull(adminTokenSha256, "registry.adminTokenSha256 is required");
      if (!adminTokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("registry.adminTokenSha256 must be 64 hex digits");
      }
      directoryValidity = directoryValidity == null ? Duration.ofHours(1) : directoryValidity;
      Objects.requireNonNull(signing, "registry.signing is required");
      signing.requireOneSource("registry.signing");
      if (signing.pkcs11() != null) {
        throw new IllegalArgumentException(
            "registry.signing: pkcs11 keys are supported for gateway.tls and gateway.signing");
      }
    }

    /** The built-in CA that issues approved enrolments, when configured. */
    public Optional<CaSettings> caSettings() {
      return Optional.ofNullable(ca);
    }

    /** The checkpoint witness the registry runs, when configured. */
    public Optional<RegistryWitness> witnessSettings() {
      return Optional.ofNullable(witness);
    }
  }

  /**
   * The registry as a witness of gateways' ledgers (docs/ledger.md).
   *
   * @param key the witness's cosignature key file (generated when missing; default {@code
   *     ledger/registry.witness.key})
   * @param logs the verifier keys ({@code name+id+key}, or files holding one) of the logs it
   *     cosigns
   */
  public record RegistryWitness(String key, List<String> logs) {
    public RegistryWitness {
      key = key == null || key.isEmpty() ? "ledger/registry.witness.key" : key;
      logs = logs == null ? List.of() : List.copyOf(logs);
      if (logs.isEmpty()) {
        throw new IllegalArgumentException("registry.witness.logs needs at least one log key");
      }
    }
  }

  /** A member's signing key held by this gateway: PEM files or a PKCS#11 token key. */
  public record MemberSigning(String member, String certificate, String key, Pkcs11Key pkcs11) {
    public MemberSigning(String member, String certificate, String key) {
      this(member, certificate, key, null);
    }

    public MemberSigning {
      Objects.requireNonNull(member, "signing.member is required");
      // The parameters, not keys(): fields are assigned after this body.
      new KeyFiles(certificate, key, pkcs11).requireOneSource("gateway.signing of " + member);
    }

    public KeyFiles keys() {
      return new KeyFiles(certificate, key, pkcs11);
    }
  }

  /** A local system and its credentials (the secret itself is never in the file). */
  public record LocalSystemEntry(
      String id, String oauthClientId, String secretSha256, List<String> certificates) {
    public LocalSystemEntry {
      Objects.requireNonNull(id, "localSystems.id is required");
      oauthClientId = oauthClientId == null ? "" : oauthClientId;
      secretSha256 = secretSha256 == null ? "" : secretSha256;
      certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }
  }

  /**
   * The built-in CA the registry enrols through: a folder made by {@code lgsp ca init}.
   *
   * @param validity how long approved certificates are valid (default one year, capped by profile)
   */
  public record CaSettings(String dir, String passwordFile, Duration validity) {
    public CaSettings {
      Objects.requireNonNull(dir, "registry.ca.dir is required");
      Objects.requireNonNull(passwordFile, "registry.ca.passwordFile is required");
      validity = validity == null ? Duration.ofDays(365) : validity;
    }
  }

  /** The gateway role. */
  public record GatewayRole(
      String node,
      String host,
      Integer clientTlsPort,
      Integer clientHttpPort,
      Integer peerPort,
      String database,
      KeyFiles tls,
      List<MemberSigning> signing,
      String registryUrl,
      List<String> directoryTrust,
      Duration directoryRefresh,
      Duration directoryGrace,
      Duration replayWindow,
      Long maxBodyBytes,
      List<LocalSystemEntry> localSystems,
      LedgerSettings ledger,
      RevocationSettings revocation,
      LimitSettings limits) {
    /** Without ledger, revocation and limit settings (all defaults). */
    public GatewayRole(
        String node,
        String host,
        Integer clientTlsPort,
        Integer clientHttpPort,
        Integer peerPort,
        String database,
        KeyFiles tls,
        List<MemberSigning> signing,
        String registryUrl,
        List<String> directoryTrust,
        Duration directoryRefresh,
        Duration directoryGrace,
        Duration replayWindow,
        Long maxBodyBytes,
        List<LocalSystemEntry> localSystems) {
      this(
          node,
          host,
          clientTlsPort,
          clientHttpPort,
          peerPort,
          database,
          tls,
          signing,
          registryUrl,
          directoryTrust,
          directoryRefresh,
          directoryGrace,
          replayWindow,
          maxBodyBytes,
          localSystems,
          null,
          null,
          null);
    }

    public GatewayRole {
      Objects.requireNonNull(node, "gateway.node is required");
      host = host == null ? "127.0.0.1" : host;
      clientTlsPort = clientTlsPort == null ? 8443 : clientTlsPort;
      clientHttpPort = clientHttpPort == null ? -1 : clientHttpPort;
      peerPort = peerPort == null ? 5500 : peerPort;
      Objects.requireNonNull(database, "gateway.database is required");
      Objects.requireNonNull(tls, "gateway.tls is required");
      tls.requireOneSource("gateway.tls");
      signing = signing == null ? List.of() : List.copyOf(signing);
      if (signing.isEmpty()) {
        throw new IllegalArgumentException("gateway.signing needs the node owner's signing key");
      }
      Objects.requireNonNull(registryUrl, "gateway.registryUrl is required");
      directoryTrust = directoryTrust == null ? List.of() : List.copyOf(directoryTrust);
      if (directoryTrust.isEmpty()) {
        throw new IllegalArgumentException(
            "gateway.directoryTrust needs the registry's certificate");
      }
      directoryRefresh = directoryRefresh == null ? Duration.ofSeconds(30) : directoryRefresh;
      directoryGrace = directoryGrace == null ? Duration.ofHours(1) : directoryGrace;
      replayWindow = replayWindow == null ? Duration.ofSeconds(60) : replayWindow;
      maxBodyBytes = maxBodyBytes == null ? 10L * 1024 * 1024 : maxBodyBytes;
      localSystems = localSystems == null ? List.of() : List.copyOf(localSystems);
      ledger = ledger == null ? LedgerSettings.defaults() : ledger;
      limits = limits == null ? new LimitSettings(null, null, null) : limits;
    }

    /** The OCSP settings, when revocation checking is configured. */
    public java.util.Optional<RevocationSettings> revocationSettings() {
      return java.util.Optional.ofNullable(revocation);
    }
  }

  /**
   * How much work the gateway takes on at once; beyond it callers get {@code server.overloaded}.
   *
   * @param concurrentExchanges exchanges each endpoint works on at once (default 256)
   * @param queueTimeout how long a further exchange waits for a slot (default 2 seconds)
   * @param connectionsPerListener open connections each listener accepts (default 4096)
   */
  public record LimitSettings(
      Integer concurrentExchanges, Duration queueTimeout, Integer connectionsPerListener) {
    public LimitSettings {
      AdmissionLimits d = AdmissionLimits.defaults();
      concurrentExchanges =
          concurrentExchanges == null ? d.concurrentExchanges() : concurrentExchanges;
      queueTimeout = queueTimeout == null ? d.queueTimeout() : queueTimeout;
      connectionsPerListener =
          connectionsPerListener == null ? d.connectionsPerListener() : connectionsPerListener;
      new AdmissionLimits(concurrentExchanges, queueTimeout, connectionsPerListener); // validates
    }

    public AdmissionLimits admission() {
      return new AdmissionLimits(concurrentExchanges, queueTimeout, connectionsPerListener);
    }
  }

  /**
   * OCSP checking of peers' certificates (docs/pki.md).
   *
   * @param issuers PEM files of CA certificates that issue the federation's certificates, in
   *     addition to the trust anchors of the signed directory (may be empty when the directory
   *     carries them)
   * @param freshness how old an OCSP answer may be (default 5 minutes)
   * @param timeout how long to wait for an OCSP responder (default 5 seconds)
   */
  public record RevocationSettings(List<String> issuers, Duration freshness, Duration timeout) {
    public RevocationSettings {
      issuers = issuers == null ? List.of() : List.copyOf(issuers);
      freshness = freshness == null ? Duration.ofMinutes(5) : freshness;
      timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
      if (freshness.isNegative()
          || freshness.isZero()
          || timeout.isNegative()
          || timeout.isZero()) {
        throw new IllegalArgumentException(
            "gateway.revocation.freshness and timeout must be positive");
      }
    }
  }

  /**
   * The verifiable ledger: checkpoint origin and signing key (generated on first start when the
   * file is missing), cadence, the auditor API (off unless a port and a token hash are set), the
   * installation's secret for keyed hashes of data-subject IDs (generated when missing), witnesses,
   * and the RFC 3161 TSA that time-stamps checkpoints ({@code tsaUrl}, trusted through the PEM
   * files {@code tsaCertificates}).
   */
  public record LedgerSettings(
      String origin,
      String checkpointKey,
      Duration checkpointInterval,
      Long checkpointEvery,
      Integer apiPort,
      String auditorTokenSha256,
      String subjectKey,
      String witnessKey,
      List<String> witnessFor,
      List<WitnessEntry> witnesses,
      String tsaUrl,
      List<String> tsaCertificates) {
    /** A witness this node asks to cosign its checkpoints. */
    public record WitnessEntry(String name, String url) {
      public WitnessEntry {
        Objects.requireNonNull(name, "ledger.witnesses.name is required");
        Objects.requireNonNull(url, "ledger.witnesses.url is required");
      }
    }

    public LedgerSettings(
        String origin,
        String checkpointKey,
        Duration checkpointInterval,
        Long checkpointEvery,
        Integer apiPort,
        String auditorTokenSha256,
        String subjectKey) {
      this(
          origin,
          checkpointKey,
          checkpointInterval,
          checkpointEvery,
          apiPort,
          auditorTokenSha256,
          subjectKey,
          null,
          null,
          null,
          null,
          null);
    }

    public LedgerSettings {
      origin = origin == null ? "" : origin;
      checkpointKey = checkpointKey == null ? "" : checkpointKey; // "": one file per node id
      checkpointInterval = checkpointInterval == null ? Duration.ofSeconds(10) : checkpointInterval;
      checkpointEvery = checkpointEvery == null ? 10_000L : checkpointEvery;
      apiPort = apiPort == null ? -1 : apiPort;
      auditorTokenSha256 = auditorTokenSha256 == null ? "" : auditorTokenSha256;
      if (!auditorTokenSha256.isEmpty() && !auditorTokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("ledger.auditorTokenSha256 must be 64 hex digits");
      }
      if (apiPort >= 0 && auditorTokenSha256.isEmpty()) {
        throw new IllegalArgumentException("ledger.apiPort needs ledger.auditorTokenSha256");
      }
      subjectKey = subjectKey == null ? "ledger/subject.key" : subjectKey;
      witnessKey = witnessKey == null ? "" : witnessKey; // "": one file per node id
      witnessFor = witnessFor == null ? List.of() : List.copyOf(witnessFor);
      witnesses = witnesses == null ? List.of() : List.copyOf(witnesses);
      if (!witnessFor.isEmpty() && apiPort < 0) {
        throw new IllegalArgumentException("ledger.witnessFor needs ledger.apiPort");
      }
      tsaUrl = tsaUrl == null ? "" : tsaUrl; // "": checkpoints are not time-stamped
      tsaCertificates = tsaCertificates == null ? List.of() : List.copyOf(tsaCertificates);
      if (!tsaUrl.isEmpty() && !tsaUrl.startsWith("http://") && !tsaUrl.startsWith("https://")) {
        throw new IllegalArgumentException("ledger.tsaUrl must be an http(s):// URL");
      }
      if (!tsaUrl.isEmpty() && tsaCertificates.isEmpty()) {
        throw new IllegalArgumentException(
            "ledger.tsaUrl needs ledger.tsaCertificates (the CA certificates the TSA chains to)");
      }
    }

    /** The RFC 3161 time-stamp authority that stamps checkpoints, when configured. */
    public Optional<String> tsa() {
      return tsaUrl.isEmpty() ? Optional.empty() : Optional.of(tsaUrl);
    }

    public static LedgerSettings defaults() {
      return new LedgerSettings(null, null, null, null, null, null, null);
    }

    /** These settings, with checkpoints time-stamped by the TSA at {@code url}. */
    public LedgerSettings withTsa(String url, List<String> certificates) {
      return with(witnesses, url, certificates);
    }

    /** These settings, with checkpoints sent to {@code witnesses} for cosigning. */
    public LedgerSettings withWitnesses(List<WitnessEntry> witnesses) {
      return with(witnesses, tsaUrl, tsaCertificates);
    }

    private LedgerSettings with(List<WitnessEntry> w, String url, List<String> certificates) {
      return new LedgerSettings(
          origin,
          checkpointKey,
          checkpointInterval,
          checkpointEvery,
          apiPort,
          auditorTokenSha256,
          subjectKey,
          witnessKey,
          witnessFor,
          w,
          url,
          certificates);
    }
  }

  /** A configuration problem the operator must fix; printed without a stack trace. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }
}
