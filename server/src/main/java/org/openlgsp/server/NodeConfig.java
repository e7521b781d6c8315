package org.openlgsp.server;

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

/**
 * A node's configuration file (YAML; JSON is valid YAML too). A node runs the registry role, the
 * gateway role, or both. File paths are relative to the configuration file's folder.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
record NodeConfig(String instance, RegistryRole registry, GatewayRole gateway) {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  NodeConfig {
    Objects.requireNonNull(instance, "instance is required");
    if (registry == null && gateway == null) {
      throw new IllegalArgumentException("configure at least one role: registry or gateway");
    }
  }

  Optional<RegistryRole> registryRole() {
    return Optional.ofNullable(registry);
  }

  Optional<GatewayRole> gatewayRole() {
    return Optional.ofNullable(gateway);
  }

  static NodeConfig read(Path file) {
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

  void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      YAML.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /** A certificate file and its private key file, both PEM. */
  record KeyFiles(String certificate, String key) {
    KeyFiles {
      Objects.requireNonNull(certificate, "certificate is required");
      Objects.requireNonNull(key, "key is required");
    }
  }

  /** The registry role. */
  record RegistryRole(
      String host,
      int port,
      String database,
      String adminTokenSha256,
      Duration directoryValidity,
      KeyFiles signing,
      CaSettings ca) {
    RegistryRole {
      host = host == null ? "127.0.0.1" : host;
      Objects.requireNonNull(database, "registry.database is required");
      Objects.requireNonNull(adminTokenSha256, "registry.adminTokenSha256 is required");
      if (!adminTokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("registry.adminTokenSha256 must be 64 hex digits");
      }
      directoryValidity = directoryValidity == null ? Duration.ofHours(1) : directoryValidity;
      Objects.requireNonNull(signing, "registry.signing is required");
    }

    /** The built-in CA that issues approved enrolments, when configured. */
    Optional<CaSettings> caSettings() {
      return Optional.ofNullable(ca);
    }
  }

  /**
   * The built-in CA the registry enrols through: a folder made by {@code lgsp ca init}.
   *
   * @param validity how long approved certificates are valid (default one year, capped by profile)
   */
  record CaSettings(String dir, String passwordFile, Duration validity) {
    CaSettings {
      Objects.requireNonNull(dir, "registry.ca.dir is required");
      Objects.requireNonNull(passwordFile, "registry.ca.passwordFile is required");
      validity = validity == null ? Duration.ofDays(365) : validity;
    }
  }

  /** A member's signing key held by this gateway. */
  record MemberSigning(String member, String certificate, String key) {
    MemberSigning {
      Objects.requireNonNull(member, "signing.member is required");
      Objects.requireNonNull(certificate, "signing.certificate is required");
      Objects.requireNonNull(key, "signing.key is required");
    }
  }

  /** A local system and its credentials (the secret itself is never in the file). */
  record LocalSystemEntry(
      String id, String oauthClientId, String secretSha256, List<String> certificates) {
    LocalSystemEntry {
      Objects.requireNonNull(id, "localSystems.id is required");
      oauthClientId = oauthClientId == null ? "" : oauthClientId;
      secretSha256 = secretSha256 == null ? "" : secretSha256;
      certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }
  }

  /** The gateway role. */
  record GatewayRole(
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
      RevocationSettings revocation) {
    GatewayRole {
      Objects.requireNonNull(node, "gateway.node is required");
      host = host == null ? "127.0.0.1" : host;
      clientTlsPort = clientTlsPort == null ? 8443 : clientTlsPort;
      clientHttpPort = clientHttpPort == null ? -1 : clientHttpPort;
      peerPort = peerPort == null ? 5500 : peerPort;
      Objects.requireNonNull(database, "gateway.database is required");
      Objects.requireNonNull(tls, "gateway.tls is required");
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
    }

    /** The OCSP settings, when revocation checking is configured. */
    java.util.Optional<RevocationSettings> revocationSettings() {
      return java.util.Optional.ofNullable(revocation);
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
  record RevocationSettings(List<String> issuers, Duration freshness, Duration timeout) {
    RevocationSettings {
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

  /** A configuration problem the operator must fix; printed without a stack trace. */
  static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }
}
