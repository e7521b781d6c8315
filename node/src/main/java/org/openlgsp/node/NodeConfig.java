package org.openlgsp.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.gateway.AdmissionLimits;
import org.openlgsp.gateway.GatewayOptions;
import org.openlgsp.ledger.CheckpointPolicy;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.statistics.StatisticsOptions;

/**
 * A node's configuration file (YAML; JSON is valid YAML too). A node runs the registry role, the
 * gateway role, the document axis role, the procedure engine role, or several. File paths are
 * relative to the configuration file's folder.
 *
 * <p>A setting whose default belongs to a module (the gateway's ports and limits, the registry's
 * directory validity, the ledger's checkpoint cadence, the axis's package and retry limits) is an
 * {@link Optional} here and resolved onto that module's options record, whose defaults are the only
 * ones; settings only a node has (file names, the registry's and axis's listeners) default here.
 * Records validate when they are made, so a bad file stops at {@link #read} with the path of the
 * offending key.
 *
 * <p>{@code tenants}: the tenants an "LGSP as a Service" installation serves on its registry's
 * listener ({@link TenantSettings}, docs/federation.md); none by default.
 */
public record NodeConfig(
    String instance,
    Optional<RegistryRole> registry,
    Optional<GatewayRole> gateway,
    Optional<DocumentsRole> documents,
    Optional<ProceduresRole> procedures,
    Optional<Management> management,
    Shutdown shutdown,
    Logging logging,
    Authentication authentication,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TenantSettings> tenants) {
  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new JavaTimeModule())
          .registerModule(new Jdk8Module())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

  public NodeConfig {
    Objects.requireNonNull(instance, "instance is required");
    present(registry, gateway, documents, procedures, management);
    shutdown = shutdown == null ? Shutdown.defaults() : shutdown;
    logging = logging == null ? Logging.defaults() : logging;
    authentication = authentication == null ? Authentication.defaults() : authentication;
    if (registry.isEmpty() && gateway.isEmpty() && documents.isEmpty() && procedures.isEmpty()) {
      throw new IllegalArgumentException(
          "configure at least one role: registry, gateway, documents or procedures");
    }
    registry.ifPresent(r -> section("registry", () -> r.options(instance)));
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    TenantSettings.requireSeparate(tenants, instance, registry);
  }

  /** A node running only a registry. */
  public static NodeConfig registryOnly(String instance, RegistryRole role) {
    return new NodeConfig(
        instance,
        Optional.of(role),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        null,
        null,
        null,
        List.of());
  }

  /** A node running only a gateway. */
  public static NodeConfig gatewayOnly(String instance, GatewayRole role) {
    return new NodeConfig(
        instance,
        Optional.empty(),
        Optional.of(role),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        null,
        null,
        null,
        List.of());
  }

  /** A node running only a document axis. */
  public static NodeConfig documentsOnly(String instance, DocumentsRole role) {
    return new NodeConfig(
        instance,
        Optional.empty(),
        Optional.empty(),
        Optional.of(role),
        Optional.empty(),
        Optional.empty(),
        null,
        null,
        null,
        List.of());
  }

  /** This configuration with the management listener on {@code host:port}. */
  public NodeConfig withManagement(String host, int port) {
    return new NodeConfig(
        instance,
        registry,
        gateway,
        documents,
        procedures,
        Optional.of(new Management(host, port)),
        shutdown,
        logging,
        authentication,
        tenants);
  }

  /**
   * The management listener: {@code GET /health/live}, {@code GET /health/ready} and {@code GET
   * /metrics} (Prometheus), unauthenticated (they say only which check fails, and counts and
   * times), on its own port so that it can stay inside the operator's network. Off unless
   * configured.
   *
   * @param host the address to bind (default 127.0.0.1)
   * @param port the port (0: any free one)
   */
  public record Management(String host, Integer port) {
    public Management {
      host = host == null ? "127.0.0.1" : host;
      Objects.requireNonNull(port, "port is required");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }
  }

  /**
   * Guessing credentials: after {@code failuresPerSource} failed authentications from one address
   * within {@code window}, every listener of the node answers that address's calls needing
   * credentials ({@code POST /token}, admin and auditor tokens) with 429 {@code
   * authentication.throttled} and {@code Retry-After} until the window ends. Defaults: {@link
   * AuthenticationLimits#defaults()}.
   *
   * @param failuresPerSource default 10; 0 turns throttling off
   * @param window default one minute
   */
  public record Authentication(Integer failuresPerSource, Duration window) {
    public Authentication {
      AuthenticationLimits d = AuthenticationLimits.defaults();
      failuresPerSource = failuresPerSource == null ? d.failuresPerSource() : failuresPerSource;
      window = window == null ? d.window() : window;
      limits(failuresPerSource, window); // validates
    }

    public static Authentication defaults() {
      return new Authentication(null, null);
    }

    /** As the edge takes them. */
    public AuthenticationLimits limits() {
      return limits(failuresPerSource, window);
    }

    private static AuthenticationLimits limits(int failures, Duration window) {
      return new AuthenticationLimits(failures, window);
    }
  }

  /**
   * How the node stops on SIGTERM (or Ctrl-C): every listener stops accepting connections, requests
   * in flight get up to {@code drainTimeout} to finish, then the ledger is flushed and the process
   * exits 0.
   *
   * @param drainTimeout default {@link #DEFAULT_DRAIN_TIMEOUT}
   */
  public record Shutdown(Duration drainTimeout) {
    /** 20 seconds: within the usual 30 s an orchestrator waits before SIGKILL. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    public Shutdown {
      drainTimeout = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative");
      }
    }

    public static Shutdown defaults() {
      return new Shutdown(null);
    }
  }

  /**
   * The node's log output (standard error, or the handlers a {@code java.util.logging}
   * configuration file names).
   *
   * @param format {@code text} (default: readable lines) or {@code json} (one JSON object a line)
   * @param level the level of the project's own loggers ({@code org.openlgsp}), a {@link
   *     java.util.logging.Level} name; FINE adds a line per answered request. Unset: the logging
   *     configuration's (the command line shows warnings and errors).
   */
  public record Logging(String format, Optional<String> level) {
    public static final String TEXT = "text";
    public static final String JSON = "json";

    public Logging {
      format = format == null ? TEXT : format;
      present(level);
      if (!format.equals(TEXT) && !format.equals(JSON)) {
        throw new IllegalArgumentException("format must be text or json, not " + format);
      }
      level.ifPresent(
          l -> {
            try {
              java.util.logging.Level.parse(l);
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  "level must be one of SEVERE, WARNING, INFO, CONFIG, FINE, FINER, FINEST, not "
                      + l);
            }
          });
    }

    public static Logging defaults() {
      return new Logging(null, Optional.empty());
    }

    public boolean json() {
      return format.equals(JSON);
    }
  }

  /**
   * Reads and checks a configuration file.
   *
   * @throws ConfigException naming the file and the offending key: unknown keys with the valid ones
   *     at that level, values of the wrong type with the expected one, invalid values with why
   */
  public static NodeConfig read(Path file) {
    byte[] text;
    try {
      text = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read configuration "
              + file
              + ": "
              + ConfigErrors.reason(e)
              + "; give the path of a node configuration file (README, section Configuration)");
    }
    try {
      JsonNode tree = YAML.readTree(text);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        throw new ConfigException("invalid configuration " + file + ": the file is empty");
      }
      ConfigErrors.unknownKey(tree, NodeConfig.class, "")
          .ifPresent(
              unknown -> {
                throw new ConfigException("invalid configuration " + file + ": " + unknown);
              });
      return YAML.treeToValue(tree, NodeConfig.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException("invalid configuration " + file + ": " + ConfigErrors.describe(e));
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration " + file);
    }
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * This configuration as the YAML {@link #read} accepts; settings left to defaults are left out.
   */
  public String yaml() {
    try {
      return YAML.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("configuration not writable", e);
    }
  }

  /**
   * Where a key is: a certificate file and its private key file, both PEM; or, for the gateway's
   * keys, {@code pkcs11}, a key in a PKCS#11 token whose certificate chain is stored next to it
   * ({@code lgsp keys store-certificate}). Exactly one of them.
   */
  public record KeyFiles(
      Optional<String> certificate, Optional<String> key, Optional<Pkcs11Key> pkcs11) {
    public KeyFiles {
      requireOneSource(certificate, key, pkcs11);
    }

    /** A PEM certificate (chain) file and its PEM private key file. */
    public static KeyFiles pem(String certificate, String key) {
      return new KeyFiles(Optional.of(certificate), Optional.of(key), Optional.empty());
    }

    /** A key in a PKCS#11 token. */
    public static KeyFiles token(Pkcs11Key key) {
      return new KeyFiles(Optional.empty(), Optional.empty(), Optional.of(key));
    }

    /** The token key, when the entry names one. */
    public Optional<Pkcs11Key> token() {
      return pkcs11;
    }

    static void requireOneSource(
        Optional<String> certificate, Optional<String> key, Optional<Pkcs11Key> pkcs11) {
      present(certificate, key, pkcs11);
      if (pkcs11.isEmpty() && key.isEmpty()) {
        throw new IllegalArgumentException("needs key (a PEM file) or pkcs11 (a key in a token)");
      }
      if (pkcs11.isPresent() && key.isPresent()) {
        throw new IllegalArgumentException("names key and pkcs11; give one of them");
      }
      if (pkcs11.isEmpty() && certificate.isEmpty()) {
        throw new IllegalArgumentException("certificate is required with a key file");
      }
      if (pkcs11.isPresent() && certificate.isPresent()) {
        throw new IllegalArgumentException(
            "certificate must be left out with pkcs11: the chain is read from the token"
                + " (lgsp keys store-certificate)");
      }
    }
  }

  /**
   * A key inside a PKCS#11 token (HSM, smart card, SoftHSM2). The user PIN is never in this file:
   * {@code pinEnv} names an environment variable holding it, or {@code pinFile} a file (relative to
   * this file's folder) whose content is the PIN.
   */
  public record Pkcs11Key(
      String library, Long slot, String alias, Optional<String> pinEnv, Optional<String> pinFile) {
    public Pkcs11Key {
      Objects.requireNonNull(library, "library is required");
      Objects.requireNonNull(slot, "slot is required");
      Objects.requireNonNull(alias, "alias is required");
      present(pinEnv, pinFile);
      if (slot < 0) {
        throw new IllegalArgumentException("slot must not be negative");
      }
      if (pinEnv.isPresent() == pinFile.isPresent()) {
        throw new IllegalArgumentException(
            "pkcs11 needs one of pinEnv (an environment variable) or pinFile (a file) holding the"
                + " token's user PIN; the PIN itself never goes in the configuration");
      }
    }

    /** A token key whose PIN is in the environment variable {@code pinEnv}. */
    public static Pkcs11Key pinFromEnvironment(
        String library, long slot, String alias, String pinEnv) {
      return new Pkcs11Key(library, slot, alias, Optional.of(pinEnv), Optional.empty());
    }

    /** A token key whose PIN is the content of {@code pinFile}. */
    public static Pkcs11Key pinFromFile(String library, long slot, String alias, String pinFile) {
      return new Pkcs11Key(library, slot, alias, Optional.empty(), Optional.of(pinFile));
    }
  }

  /**
   * The registry role.
   *
   * @param directoryValidity default: {@link RegistryOptions#defaults}
   * @param console the web console (docs/console.md); absent: {@link
   *     org.openlgsp.console.ConsoleOptions#defaults}, which serves none
   * @param consentKey file holding the consent key (32 random bytes, base64; generated owner-only
   *     when missing): with it the registry keeps and publishes consents (docs/privacy.md); the
   *     provider gateways that check consents need a copy as their {@code gateway.consentKey}
   * @param federation agreements with other instances (docs/federation.md); absent: none
   * @param breaches the personal-data breach register (docs/privacy.md "Incidents"); absent: {@link
   *     org.openlgsp.registry.BreachOptions#defaults} (notificationPeriod PT72H)
   * @param alerts the registry node's security alerts (docs/alerts.md; the keys of {@code
   *     gateway.alerts}): the {@code breachNotification} rule over the breach register and the
   *     delivery of what it raises; absent: {@link org.openlgsp.alerts.AlertsOptions#defaults}
   */
  public record RegistryRole(
      String host,
      int port,
      String database,
      String adminTokenSha256,
      Optional<Duration> directoryValidity,
      KeyFiles signing,
      Optional<CaSettings> ca,
      Optional<RegistryWitness> witness,
      Optional<org.openlgsp.console.ConsoleOptions> console,
      Optional<String> consentKey,
      Optional<RegistryFederation> federation,
      Optional<org.openlgsp.registry.BreachOptions> breaches,
      Optional<org.openlgsp.alerts.AlertsOptions> alerts,
      Optional<RegistryTracker> tracker) {
    public RegistryRole {
      breaches = breaches == null ? Optional.empty() : breaches;
      alerts = alerts == null ? Optional.empty() : alerts;
      tracker = tracker == null ? Optional.empty() : tracker;
      consentKey = consentKey == null ? Optional.empty() : consentKey;
      if (consentKey.filter(String::isBlank).isPresent()) {
        throw new IllegalArgumentException("consentKey must name a file");
      }
      host = host == null ? "127.0.0.1" : host;
      console = console == null ? Optional.empty() : console;
      Objects.requireNonNull(database, "database is required");
      Objects.requireNonNull(adminTokenSha256, "adminTokenSha256 is required");
      if (!adminTokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("adminTokenSha256 must be 64 hex digits");
      }
      present(directoryValidity, ca, witness, federation);
      Objects.requireNonNull(signing, "signing is required");
      if (signing.token().isPresent()) {
        throw new IllegalArgumentException(
            "signing: pkcs11 keys are supported for gateway.tls and gateway.signing");
      }
    }

    /** The registry module's options of this role, its defaults where the file says nothing. */
    public RegistryOptions options(String instance) {
      RegistryOptions defaults = RegistryOptions.defaults(instance);
      return new RegistryOptions(
          instance,
          directoryValidity.orElse(defaults.directoryValidity()),
          breaches.orElseGet(org.openlgsp.registry.BreachOptions::defaults));
    }

    /** The console's options of this role, the module's defaults where the file says nothing. */
    public org.openlgsp.console.ConsoleOptions consoleOptions() {
      return console.orElseGet(org.openlgsp.console.ConsoleOptions::defaults);
    }

    /** The security alerts of this role (docs/alerts.md), the module's defaults if not given. */
    public org.openlgsp.alerts.AlertsOptions alertsOptions() {
      return alerts.orElseGet(org.openlgsp.alerts.AlertsOptions::defaults);
    }
  }

  /**
   * The citizen data tracker the registry serves (docs/privacy.md, "Citizen data tracker").
   *
   * @param readers who may look citizens up (role {@code tracker.reader}): a name (the audit actor)
   *     and the SHA-256 of its bearer token
   * @param gateways overrides: node id, ledger API URL, file holding the tracker token that
   *     gateway's {@code ledger.trackerTokenSha256} admits; a gateway listed here is asked there,
   *     whatever the directory publishes for it (and even if the directory does not list it)
   * @param tokenFile the file of the tracker token the instance's gateways admit: with it the
   *     tracker asks every gateway node of the signed directory at the ledger API the node
   *     publishes ({@code ledgerApi}); without it, only the gateways listed here
   * @param deadline how long a look-up waits for all gateways (default PT10S)
   * @param subjectKey the key file of the subject hash the registry's audit rows name (default
   *     {@code data/tracker-subject.key}, generated owner-only when missing)
   */
  public record RegistryTracker(
      List<TrackerReader> readers,
      List<TrackerGateway> gateways,
      Optional<Duration> deadline,
      Optional<String> subjectKey,
      Optional<String> tokenFile) {
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    public static final String DEFAULT_SUBJECT_KEY = "data/tracker-subject.key";

    public RegistryTracker {
      readers = readers == null ? List.of() : List.copyOf(readers);
      gateways = gateways == null ? List.of() : List.copyOf(gateways);
      deadline = deadline == null ? Optional.empty() : deadline;
      subjectKey = subjectKey == null ? Optional.empty() : subjectKey;
      tokenFile = tokenFile == null ? Optional.empty() : tokenFile;
      if (tokenFile.filter(String::isBlank).isPresent()) {
        throw new IllegalArgumentException("tracker.tokenFile must name a file");
      }
      if (readers.isEmpty()) {
        throw new IllegalArgumentException("tracker.readers: name at least one reader");
      }
      if (deadline.isPresent()
          && (deadline.get().isNegative()
              || deadline.get().isZero()
              || deadline.get().compareTo(Duration.ofMinutes(5)) > 0)) {
        throw new IllegalArgumentException("tracker.deadline must be between 0 and PT5M");
      }
      if (readers.stream().map(TrackerReader::name).distinct().count() != readers.size()) {
        throw new IllegalArgumentException("tracker.readers: names must be unique");
      }
      if (readers.stream().anyMatch(r -> r.name().equals("admin"))) {
        throw new IllegalArgumentException("tracker.readers: the name admin is the admin token's");
      }
    }

    /** The deadline, the default where the file says nothing. */
    public Duration effectiveDeadline() {
      return deadline.orElse(DEFAULT_DEADLINE);
    }

    /** The subject key file, the default where the file says nothing. */
    public String effectiveSubjectKey() {
      return subjectKey.orElse(DEFAULT_SUBJECT_KEY);
    }
  }

  /** A caller of the tracker: its audit name and the SHA-256 (hex) of its bearer token. */
  public record TrackerReader(String name, String tokenSha256) {
    public TrackerReader {
      if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
        throw new IllegalArgumentException(
            "tracker reader name: 1-64 lower-case letters, digits, . _ -");
      }
      if (tokenSha256 == null || !tokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("tracker reader tokenSha256 must be 64 hex digits");
      }
    }
  }

  /** A gateway the tracker asks: its node id, ledger API URL and the file of its token. */
  public record TrackerGateway(String node, String url, String tokenFile) {
    public TrackerGateway {
      Objects.requireNonNull(node, "tracker gateway node is required");
      NodeId.parse(node);
      try {
        link(url, tokenFile);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("tracker gateway " + e.getMessage());
      }
    }

    /** The gateway's ledger API and token file (the console's gateways use the same checks). */
    public org.openlgsp.edge.ApiLink link() {
      return link(url, tokenFile);
    }

    private static org.openlgsp.edge.ApiLink link(String url, String tokenFile) {
      return new org.openlgsp.edge.ApiLink(url, tokenFile);
    }
  }

  /**
   * The registry's federations with other instances (docs/federation.md), bound onto {@link
   * org.openlgsp.registry.FederationOptions}.
   *
   * @param regenerate how often at least a served catalogue is re-signed (default PT60S)
   * @param validity how long a catalogue is valid after signing (default PT600S)
   * @param refresh how often each peer's catalogue is fetched (default PT30S)
   * @param cache the folder keeping each peer's last valid catalogue (default {@code
   *     data/federation}, relative to the configuration's folder)
   * @param peers one per agreement with another instance
   * @param reporters the federated instances' tokens for sending daily statistics summaries and
   *     reading the national ranking (role {@code federation.statistics}; docs/statistics.md,
   *     "Reported upward"); none by default
   */
  public record RegistryFederation(
      Optional<Duration> regenerate,
      Optional<Duration> validity,
      Optional<Duration> refresh,
      Optional<String> cache,
      List<FederationPeer> peers,
      List<TrackerReader> reporters) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public RegistryFederation {
      present(regenerate, validity, refresh, cache);
      reporters = reporters == null ? List.of() : List.copyOf(reporters);
      peers = peers == null ? List.of() : List.copyOf(peers);
      if (peers.isEmpty()) {
        throw new IllegalArgumentException("peers needs at least one agreement");
      }
    }

    /** Without reporting tokens. */
    public RegistryFederation(
        Optional<Duration> regenerate,
        Optional<Duration> validity,
        Optional<Duration> refresh,
        Optional<String> cache,
        List<FederationPeer> peers) {
      this(regenerate, validity, refresh, cache, peers, List.of());
    }

    /**
     * The registry module's options: agreement and token files read from {@code base}, the kept
     * catalogues in {@code defaultCache} unless {@code cache} says where.
     */
    public org.openlgsp.registry.FederationOptions options(
        java.nio.file.Path base, String defaultCache) {
      List<org.openlgsp.registry.FederationOptions.Peer> read = new java.util.ArrayList<>();
      for (FederationPeer p : peers) {
        java.nio.file.Path file = base.resolve(p.agreement());
        byte[] bytes;
        try {
          bytes = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException("cannot read agreement " + file);
        }
        read.add(
            new org.openlgsp.registry.FederationOptions.Peer(
                org.openlgsp.registry.SignedAgreement.parse(bytes),
                p.registryUrl(),
                p.hub().map(NodeId::parse),
                p.summaries().filter(PeerSummaries::sends).map(s -> s.schedule(base))));
      }
      return new org.openlgsp.registry.FederationOptions(
          regenerate.orElse(org.openlgsp.registry.FederationOptions.DEFAULT_REGENERATE),
          validity.orElse(org.openlgsp.registry.FederationOptions.DEFAULT_VALIDITY),
          refresh.orElse(org.openlgsp.registry.FederationOptions.DEFAULT_REFRESH),
          base.resolve(cache.orElse(defaultCache)),
          read);
    }

    /** The registry module's options, the kept catalogues by default in {@code data/federation}. */
    public org.openlgsp.registry.FederationOptions options(java.nio.file.Path base) {
      return options(base, "data/federation");
    }
  }

  /**
   * The daily statistics summary a registry sends a peer (the national instance) by itself
   * (docs/statistics.md, "Reported upward"), bound onto {@link
   * org.openlgsp.registry.SummarySchedule}.
   *
   * @param send false keeps the section but sends nothing (default true)
   * @param at {@code HH:MM}: the previous day's summary is sent then (default 00:10)
   * @param zone where the day begins, as the gateways' {@code statistics.zone} (default
   *     Asia/Ho_Chi_Minh)
   * @param tokenFile the file of the token the peer's registry gave this instance (its {@code
   *     registry.federation.reporters})
   * @param statistics the gateways' statistics APIs and token files whose counts are this
   *     instance's
   * @param catchUp the most days one round sends, missed days included (default 7, 1 to 31)
   * @param retry how long after a failed send the next attempt is made (default PT5M)
   */
  public record PeerSummaries(
      Optional<Boolean> send,
      Optional<String> at,
      Optional<String> zone,
      String tokenFile,
      List<org.openlgsp.edge.ApiLink> statistics,
      Optional<Integer> catchUp,
      Optional<Duration> retry) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public PeerSummaries {
      send = send == null ? Optional.empty() : send;
      at = at == null ? Optional.empty() : at;
      zone = zone == null ? Optional.empty() : zone;
      if (tokenFile == null || tokenFile.isBlank()) {
        throw new IllegalArgumentException("summaries.tokenFile is required");
      }
      statistics = statistics == null ? List.of() : List.copyOf(statistics);
      catchUp = catchUp == null ? Optional.empty() : catchUp;
      retry = retry == null ? Optional.empty() : retry;
      // every rule of the schedule but the token files, which are read when the node starts
      new org.openlgsp.registry.SummarySchedule(
          time(at),
          zoneId(zone),
          "-",
          statistics.stream()
              .map(l -> new org.openlgsp.registry.SummarySchedule.Source(l.url(), "-"))
              .toList(),
          catchUp.orElse(org.openlgsp.registry.SummarySchedule.DEFAULT_CATCH_UP),
          retry.orElse(org.openlgsp.registry.SummarySchedule.DEFAULT_RETRY));
    }

    /** Whether the registry sends the summaries by itself. */
    public boolean sends() {
      return send.orElse(true);
    }

    private static java.time.LocalTime time(Optional<String> at) {
      try {
        return at.map(java.time.LocalTime::parse)
            .orElse(org.openlgsp.registry.SummarySchedule.DEFAULT_AT);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("summaries.at must be HH:MM, not '" + at.get() + "'");
      }
    }

    private static ZoneId zoneId(Optional<String> zone) {
      try {
        return zone.map(ZoneId::of).orElse(org.openlgsp.registry.SummarySchedule.DEFAULT_ZONE);
      } catch (java.time.DateTimeException e) {
        throw new IllegalArgumentException("summaries.zone is not a time zone: " + zone.get());
      }
    }

    /** The schedule, the token files read from {@code base}. */
    org.openlgsp.registry.SummarySchedule schedule(java.nio.file.Path base) {
      try {
        return new org.openlgsp.registry.SummarySchedule(
            time(at),
            zoneId(zone),
            new org.openlgsp.edge.ApiLink("http://127.0.0.1", tokenFile).token(base),
            statistics.stream()
                .map(l -> new org.openlgsp.registry.SummarySchedule.Source(l.url(), l.token(base)))
                .toList(),
            catchUp.orElse(org.openlgsp.registry.SummarySchedule.DEFAULT_CATCH_UP),
            retry.orElse(org.openlgsp.registry.SummarySchedule.DEFAULT_RETRY));
      } catch (java.io.UncheckedIOException e) {
        throw new ConfigException("registry.federation.peers[].summaries: " + e.getMessage());
      }
    }
  }

  /**
   * An agreement with another instance: its signed file, where that registry listens, the hub node
   * of this instance exchanges with it are relayed through (hub mode; absent: directly), and the
   * daily statistics summary this registry sends it by itself ({@link PeerSummaries}; absent: none,
   * {@code lgsp registry summary send} only).
   */
  public record FederationPeer(
      String agreement,
      String registryUrl,
      Optional<String> hub,
      Optional<PeerSummaries> summaries) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public FederationPeer {
      Objects.requireNonNull(agreement, "agreement is required");
      Objects.requireNonNull(registryUrl, "registryUrl is required");
      hub = hub == null ? Optional.empty() : hub;
      summaries = summaries == null ? Optional.empty() : summaries;
      hub.ifPresent(
          h -> {
            try {
              NodeId.parse(h);
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(
                  "hub must be a node id INSTANCE/CLASS/MEMBER/NODE, not '" + h + "'");
            }
          });
    }

    /** A peer sent no summaries by the registry itself. */
    public FederationPeer(String agreement, String registryUrl, Optional<String> hub) {
      this(agreement, registryUrl, hub, Optional.empty());
    }

    /** A peer exchanged with directly, gateway to gateway. */
    public FederationPeer(String agreement, String registryUrl) {
      this(agreement, registryUrl, Optional.empty());
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
        throw new IllegalArgumentException("logs needs at least one log key");
      }
    }
  }

  /**
   * A member's encryption (key agreement) key held by this gateway, in PEM files: sealed messages
   * to the member (hub mode, docs/federation.md) are opened with it. Its certificate is a {@code
   * member-encryption} one (EC P-256, keyAgreement) the registry publishes.
   */
  public record MemberEncryption(String member, String certificate, String key) {
    public MemberEncryption {
      Objects.requireNonNull(member, "encryption: member is required");
      Objects.requireNonNull(certificate, "encryption: certificate is required");
      Objects.requireNonNull(key, "encryption: key is required");
      ClientId.parse(member);
    }
  }

  /**
   * Hub mode (docs/federation.md): {@code relay} makes this gateway a hub (its peer listener relays
   * sealed exchanges and serves no service); {@code routes} maps a federated instance to the hub
   * node exchanges with it go through (sealed), both ways. Absent: no hub, direct routing only.
   */
  public record HubSettings(Boolean relay, Map<String, String> routes) {
    public HubSettings {
      relay = relay != null && relay;
      routes = routes == null ? Map.of() : Map.copyOf(routes);
      routing(relay, routes);
    }

    /** The gateway's {@link org.openlgsp.gateway.HubRouting}. */
    public org.openlgsp.gateway.HubRouting routing() {
      return routing(relay, routes);
    }

    private static org.openlgsp.gateway.HubRouting routing(
        boolean relay, Map<String, String> routes) {
      Map<String, NodeId> parsed = new java.util.LinkedHashMap<>();
      routes.forEach(
          (instance, node) -> {
            try {
              parsed.put(instance, NodeId.parse(node));
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(
                  "hub.routes." + instance + ": not a node id INSTANCE/CLASS/MEMBER/NODE: " + node);
            }
          });
      return new org.openlgsp.gateway.HubRouting(relay, parsed);
    }
  }

  /** A member's signing key held by this gateway: PEM files or a PKCS#11 token key. */
  public record MemberSigning(
      String member,
      Optional<String> certificate,
      Optional<String> key,
      Optional<Pkcs11Key> pkcs11) {
    public MemberSigning {
      Objects.requireNonNull(member, "member is required");
      KeyFiles.requireOneSource(certificate, key, pkcs11);
    }

    /** The member's signing key in PEM files. */
    public static MemberSigning pem(String member, String certificate, String key) {
      KeyFiles files = KeyFiles.pem(certificate, key);
      return new MemberSigning(member, files.certificate(), files.key(), files.pkcs11());
    }

    /** The member's signing key in a PKCS#11 token. */
    public static MemberSigning token(String member, Pkcs11Key key) {
      return new MemberSigning(member, Optional.empty(), Optional.empty(), Optional.of(key));
    }

    public KeyFiles keys() {
      return new KeyFiles(certificate, key, pkcs11);
    }
  }

  /**
   * A local system and its credentials (the secret itself is never in the file). {@code
   * sourceAddresses}: IPv4/IPv6 addresses or CIDR networks from which a call to the plain-HTTP
   * client port is this system without a certificate or token (X-Road's plain-HTTP connection type;
   * weaker than both, off when empty, the default).
   */
  public record LocalSystemEntry(
      String id,
      String oauthClientId,
      String secretSha256,
      List<String> certificates,
      List<String> sourceAddresses) {
    public LocalSystemEntry {
      Objects.requireNonNull(id, "id is required");
      oauthClientId = oauthClientId == null ? "" : oauthClientId;
      secretSha256 = secretSha256 == null ? "" : secretSha256;
      certificates = certificates == null ? List.of() : List.copyOf(certificates);
      sourceAddresses = sourceAddresses == null ? List.of() : List.copyOf(sourceAddresses);
      for (int i = 0; i < sourceAddresses.size(); i++) {
        try {
          org.openlgsp.gateway.SourceNetwork.parse(sourceAddresses.get(i));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("sourceAddresses[" + i + "]: " + e.getMessage());
        }
      }
    }

    /** An entry without source addresses. */
    public LocalSystemEntry(
        String id, String oauthClientId, String secretSha256, List<String> certificates) {
      this(id, oauthClientId, secretSha256, certificates, List.of());
    }

    /** The parsed {@code sourceAddresses}. */
    public java.util.Set<org.openlgsp.gateway.SourceNetwork> sourceNetworks() {
      return sourceAddresses.stream()
          .map(org.openlgsp.gateway.SourceNetwork::parse)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
  }

  /**
   * The built-in CA the registry enrols through: a folder made by {@code lgsp ca init}.
   *
   * @param validity how long approved certificates are valid (default {@link #DEFAULT_VALIDITY},
   *     capped by profile)
   */
  public record CaSettings(String dir, String passwordFile, Duration validity) {
    /** One year. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

    public CaSettings {
      Objects.requireNonNull(dir, "dir is required");
      Objects.requireNonNull(passwordFile, "passwordFile is required");
      validity = validity == null ? DEFAULT_VALIDITY : validity;
    }
  }

  /**
   * The gateway role. The listeners, body limit, replay window, directory grace and admission
   * limits default to {@link GatewayOptions#defaults} and {@link AdmissionLimits#defaults}.
   *
   * @param directoryRefresh how often the directory is fetched and replaced key files are picked up
   *     (default 30 seconds)
   * @param directoryCache file keeping the last valid signed directory across restarts, relative to
   *     the configuration's folder (default {@link GatewayOptions#defaults})
   * @param rawPathServices ids of services hosted here whose backends take paths otherwise refused
   *     as {@code request.path_unsafe} ({@link GatewayOptions#rawPathServices}; default none)
   * @param consentKey file holding a copy of the registry's consent key: with it the gateway checks
   *     consents for grants that require them (docs/privacy.md); without it such grants admit no
   *     call ({@code consent.missing})
   * @param observerDatabase JDBC URL of the database the operational records, statistics and alerts
   *     are written to (default {@link #observerDatabaseUrl}: on SQLite a file of their own beside
   *     the gateway's, on PostgreSQL the gateway's database)
   * @param rateLimits token buckets per client and per service and daily quotas, per tenant ({@link
   *     GatewayOptions#rateLimits}; default none)
   * @param instance this process's name among several instances of the node ({@link
   *     GatewayOptions#instance}; default none) — not the top-level {@code instance}, which is the
   *     X-Road instance
   * @param console the node's own web console of its traffic, certificates and ledger ({@link
   *     #consoleOptions}; absent: none)
   * @param credentials local systems' credentials created, rotated and revoked at run time through
   *     the gateway's credentials API (docs/protocol.md; absent: node.yaml's secrets only)
   */
  public record GatewayRole(
      String node,
      Optional<String> host,
      Optional<Integer> clientTlsPort,
      Optional<Integer> clientHttpPort,
      Optional<Integer> peerPort,
      String database,
      KeyFiles tls,
      List<MemberSigning> signing,
      String registryUrl,
      List<String> directoryTrust,
      Duration directoryRefresh,
      Optional<Duration> directoryGrace,
      Optional<String> directoryCache,
      Optional<Duration> replayWindow,
      Optional<Long> maxBodyBytes,
      Optional<AdmissionLimits> limits,
      List<LocalSystemEntry> localSystems,
      Optional<RevocationSettings> revocation,
      LedgerSettings ledger,
      Optional<MonitoringSettings> monitoring,
      List<String> rawPathServices,
      Optional<StatisticsSettings> statistics,
      Optional<org.openlgsp.alerts.AlertsOptions> alerts,
      Optional<String> consentKey,
      Optional<String> observerDatabase,
      List<MemberEncryption> encryption,
      Optional<HubSettings> hub,
      Map<String, org.openlgsp.gateway.RateLimits.TenantLimits> rateLimits,
      Optional<String> instance,
      Optional<org.openlgsp.console.ConsoleOptions> console,
      Optional<org.openlgsp.gateway.CredentialOptions> credentials) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public GatewayRole {
      rateLimits = rateLimits == null ? Map.of() : Map.copyOf(rateLimits);
      instance = instance == null ? Optional.empty() : instance;
      console = console == null ? Optional.empty() : console;
      if (console.filter(c -> !c.gateways().isEmpty()).isPresent()) {
        throw new IllegalArgumentException(
            "console.gateways: a gateway node's console shows its own node only");
      }
      if (console.filter(c -> c.documents().isPresent()).isPresent()) {
        throw new IllegalArgumentException(
            "console.documents: the document axis pages are the registry console's");
      }
      credentials = credentials == null ? Optional.empty() : credentials;
      requireWayToAuthenticate(localSystems, credentials.isPresent());
      encryption = encryption == null ? List.of() : List.copyOf(encryption);
      hub = hub == null ? Optional.empty() : hub;
      consentKey = consentKey == null ? Optional.empty() : consentKey;
      observerDatabase = observerDatabase == null ? Optional.empty() : observerDatabase;
      observerDatabase.ifPresent(GatewayRole::requireObserverDatabase);
      if (consentKey.filter(String::isBlank).isPresent()) {
        throw new IllegalArgumentException("consentKey must name a file");
      }
      Objects.requireNonNull(node, "node is required");
      present(host, clientTlsPort, clientHttpPort, peerPort);
      present(directoryGrace, directoryCache, replayWindow, maxBodyBytes, limits, revocation);
      if (directoryCache.filter(String::isBlank).isPresent()) {
        throw new IllegalArgumentException("directoryCache must name a file");
      }
      Objects.requireNonNull(database, "database is required");
      Objects.requireNonNull(tls, "tls is required");
      signing = signing == null ? List.of() : List.copyOf(signing);
      if (signing.isEmpty()) {
        throw new IllegalArgumentException("signing needs the node owner's signing key");
      }
      Objects.requireNonNull(registryUrl, "registryUrl is required");
      directoryTrust = directoryTrust == null ? List.of() : List.copyOf(directoryTrust);
      if (directoryTrust.isEmpty()) {
        throw new IllegalArgumentException("directoryTrust needs the registry's certificate");
      }
      directoryRefresh = directoryRefresh == null ? Duration.ofSeconds(30) : directoryRefresh;
      if (directoryRefresh.isNegative() || directoryRefresh.isZero()) {
        throw new IllegalArgumentException("directoryRefresh must be positive");
      }
      localSystems = localSystems == null ? List.of() : List.copyOf(localSystems);
      ledger = ledger == null ? LedgerSettings.defaults() : ledger;
      monitoring = monitoring == null ? Optional.empty() : monitoring;
      rawPathServices = rawPathServices == null ? List.of() : List.copyOf(rawPathServices);
      statistics = statistics == null ? Optional.empty() : statistics;
      alerts = alerts == null ? Optional.empty() : alerts;
      // the parameters, not options(): fields are assigned after this body
      options(
          node,
          host,
          clientTlsPort,
          clientHttpPort,
          peerPort,
          directoryGrace,
          directoryCache,
          replayWindow,
          maxBodyBytes,
          limits,
          rawPathServices,
          rateLimits,
          instance);
    }

    /**
     * The node-local console of this gateway node (docs/console.md, {@code gateway.console}): the
     * registry console's options record and defaults ({@link
     * org.openlgsp.console.ConsoleOptions#defaults}: none served), without {@code gateways} or
     * {@code documents}.
     */
    public org.openlgsp.console.ConsoleOptions consoleOptions() {
      return console.orElseGet(org.openlgsp.console.ConsoleOptions::defaults);
    }

    /** The credentials created at run time, the gateway module's defaults if not configured. */
    public org.openlgsp.gateway.CredentialOptions credentialOptions() {
      return credentials.orElseGet(org.openlgsp.gateway.CredentialOptions::defaults);
    }

    // A system node.yaml gives no credential gets its credentials at run time, or none at all.
    private static void requireWayToAuthenticate(
        List<LocalSystemEntry> systems, boolean runTimeCredentials) {
      if (systems == null || runTimeCredentials) {
        return;
      }
      for (int i = 0; i < systems.size(); i++) {
        LocalSystemEntry e = systems.get(i);
        if (e.certificates().isEmpty()
            && e.oauthClientId().isEmpty()
            && e.sourceAddresses().isEmpty()) {
          throw new IllegalArgumentException(
              "localSystems["
                  + i
                  + "] ("
                  + e.id()
                  + ") has no way to authenticate: give certificates, oauthClientId with"
                  + " secretSha256, or sourceAddresses, or configure gateway.credentials to"
                  + " create its credentials at run time");
        }
      }
    }

    /**
     * The JDBC URL of the database the observers (operational records, statistics, alerts) write
     * to: {@code observerDatabase}, or by default, on SQLite, a file of their own beside the
     * gateway's ({@code data/gateway.db} gives {@code data/gateway-observers.db}), so their batch
     * commits do not take the write lock and share the WAL the ledger's appends need; on
     * PostgreSQL, whose writers lock rows and not the database, the gateway's own database.
     */
    public String observerDatabaseUrl() {
      return observerDatabase.orElseGet(() -> defaultObserverDatabase(database));
    }

    private static final String SQLITE = "jdbc:sqlite:";

    private static String defaultObserverDatabase(String database) {
      if (!database.startsWith(SQLITE)) {
        return database;
      }
      String rest = database.substring(SQLITE.length());
      int q = rest.indexOf('?');
      String file = q < 0 ? rest : rest.substring(0, q);
      String query = q < 0 ? "" : rest.substring(q);
      if (file.isEmpty() || file.equals(":memory:")) {
        return database; // no file to stand beside
      }
      int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
      int dot = file.lastIndexOf('.');
      String named =
          dot > slash + 1
              ? file.substring(0, dot) + "-observers" + file.substring(dot)
              : file + "-observers";
      return SQLITE + named + query;
    }

    private static void requireObserverDatabase(String url) {
      boolean sqlite = url.startsWith(SQLITE);
      if (!sqlite && !url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "observerDatabase must be a JDBC URL: jdbc:sqlite:FILE or jdbc:postgresql://...");
      }
      String file = sqlite ? url.substring(SQLITE.length()).split("\\?", 2)[0] : "x";
      if (file.isBlank() || file.equals(":memory:")) {
        throw new IllegalArgumentException(
            "observerDatabase must name a file (an in-memory SQLite database is one per"
                + " connection: records would be lost)");
      }
    }

    /**
     * The operational monitoring of this role, the module's defaults where the file says nothing.
     */
    public MonitoringOptions monitoringOptions() {
      return monitoring.map(MonitoringSettings::options).orElseGet(MonitoringOptions::defaults);
    }

    /**
     * The keyring that seals the operational records' free text ({@code monitoring.encryption}),
     * opened with its key-encryption key; empty when not configured.
     */
    Optional<org.openlgsp.storage.AtRest> monitoringAtRest(Path baseDir) {
      return monitoring
          .flatMap(MonitoringSettings::encryption)
          .map(e -> e.open(baseDir, baseDir.resolve("data/monitoring")));
    }

    /** The statistics of this role, the module's defaults where the file says nothing. */
    public StatisticsOptions statisticsOptions() {
      return statistics.map(StatisticsSettings::options).orElseGet(StatisticsOptions::defaults);
    }

    /** The security alerts of this role (docs/alerts.md), the module's defaults if not given. */
    public org.openlgsp.alerts.AlertsOptions alertsOptions() {
      return alerts.orElseGet(org.openlgsp.alerts.AlertsOptions::defaults);
    }

    /** The gateway module's options of this role, its defaults where the file says nothing. */
    public GatewayOptions options() {
      return options(
          node,
          host,
          clientTlsPort,
          clientHttpPort,
          peerPort,
          directoryGrace,
          directoryCache,
          replayWindow,
          maxBodyBytes,
          limits,
          rawPathServices,
          rateLimits,
          instance);
    }

    private static GatewayOptions options(
        String node,
        Optional<String> host,
        Optional<Integer> clientTlsPort,
        Optional<Integer> clientHttpPort,
        Optional<Integer> peerPort,
        Optional<Duration> directoryGrace,
        Optional<String> directoryCache,
        Optional<Duration> replayWindow,
        Optional<Long> maxBodyBytes,
        Optional<AdmissionLimits> limits,
        List<String> rawPathServices,
        Map<String, org.openlgsp.gateway.RateLimits.TenantLimits> rateLimits,
        Optional<String> instance) {
      GatewayOptions d = GatewayOptions.defaults(NodeId.parse(node));
      java.util.Set<org.openlgsp.core.ServiceId> raw = new java.util.LinkedHashSet<>();
      for (int i = 0; i < rawPathServices.size(); i++) {
        try {
          raw.add(org.openlgsp.core.ServiceId.parse(rawPathServices.get(i)));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "rawPathServices["
                  + i
                  + "] is not a service id (INSTANCE/CLASS/MEMBER/SUBSYSTEM/CODE)");
        }
      }
      return new GatewayOptions(
          d.node(),
          host.orElse(d.host()),
          clientTlsPort.orElse(d.clientTlsPort()),
          clientHttpPort.orElse(d.clientHttpPort()),
          peerPort.orElse(d.peerPort()),
          replayWindow.orElse(d.replayWindow()),
          directoryGrace.orElse(d.directoryGrace()),
          directoryCache.map(Path::of).orElse(d.directoryCache()),
          maxBodyBytes.orElse(d.maxBodyBytes()),
          d.tokenTtl(),
          d.backendTimeout(),
          limits.orElse(d.limits()),
          raw,
          rateLimits.isEmpty() ? d.rateLimits() : new org.openlgsp.gateway.RateLimits(rateLimits),
          instance.isPresent() ? instance : d.instance());
    }
  }

  /**
   * Operational monitoring of the gateway's exchanges (docs/monitoring.md); each key left out takes
   * {@link MonitoringOptions#defaults}. {@code encryption}: the free-text columns of the
   * operational records (user id, issue, purpose, officer, REST path, represented party, fault
   * string) kept encrypted at rest (docs/privacy.md, "Encryption at rest"); its keyring defaults to
   * {@code data/monitoring/keyring.json}. Not {@code gateway.encryption}, which holds members' CMS
   * decryption keys.
   */
  public record MonitoringSettings(
      Optional<Boolean> enabled,
      Optional<Integer> queueSize,
      Optional<Integer> batchSize,
      Optional<Duration> retention,
      Optional<Duration> purgeInterval,
      Optional<Duration> healthPeriod,
      Optional<Integer> maxPageSize,
      Optional<Integer> apiPort,
      Optional<String> apiTokenSha256,
      Optional<EncryptionSettings> encryption) {
    public MonitoringSettings {
      encryption = encryption == null ? Optional.empty() : encryption;
      present(enabled, queueSize, batchSize, retention, purgeInterval);
      present(healthPeriod, maxPageSize, apiPort, apiTokenSha256);
      section(
          "monitoring",
          () ->
              options(
                  enabled,
                  queueSize,
                  batchSize,
                  retention,
                  purgeInterval,
                  healthPeriod,
                  maxPageSize,
                  apiPort,
                  apiTokenSha256));
    }

    /** The monitoring module's options, its defaults where the file says nothing. */
    public MonitoringOptions options() {
      return options(
          enabled,
          queueSize,
          batchSize,
          retention,
          purgeInterval,
          healthPeriod,
          maxPageSize,
          apiPort,
          apiTokenSha256);
    }

    private static MonitoringOptions options(
        Optional<Boolean> enabled,
        Optional<Integer> queueSize,
        Optional<Integer> batchSize,
        Optional<Duration> retention,
        Optional<Duration> purgeInterval,
        Optional<Duration> healthPeriod,
        Optional<Integer> maxPageSize,
        Optional<Integer> apiPort,
        Optional<String> apiTokenSha256) {
      MonitoringOptions d = MonitoringOptions.defaults();
      return new MonitoringOptions(
          enabled.orElse(d.enabled()),
          queueSize.orElse(d.queueSize()),
          batchSize.orElse(d.batchSize()),
          retention.orElse(d.retention()),
          purgeInterval.orElse(d.purgeInterval()),
          healthPeriod.orElse(d.healthPeriod()),
          maxPageSize.orElse(d.maxPageSize()),
          apiPort,
          apiTokenSha256);
    }
  }

  /**
   * Statistics of the gateway's exchanges (docs/statistics.md); each key left out takes {@link
   * StatisticsOptions#defaults}.
   */
  public record StatisticsSettings(
      Optional<Boolean> enabled,
      Optional<Integer> queueSize,
      Optional<Integer> batchSize,
      Optional<Duration> flushInterval,
      Optional<ZoneId> zone,
      Optional<Duration> maxRange,
      Optional<Duration> retention,
      Optional<Duration> purgeInterval,
      Optional<Integer> apiPort,
      Optional<String> apiTokenSha256) {
    public StatisticsSettings {
      present(enabled, queueSize, batchSize, flushInterval);
      present(zone, maxRange, retention, purgeInterval, apiPort, apiTokenSha256);
      section(
          "statistics",
          () ->
              options(
                  enabled,
                  queueSize,
                  batchSize,
                  flushInterval,
                  zone,
                  maxRange,
                  retention,
                  purgeInterval,
                  apiPort,
                  apiTokenSha256));
    }

    /** The statistics module's options, its defaults where the file says nothing. */
    public StatisticsOptions options() {
      return options(
          enabled,
          queueSize,
          batchSize,
          flushInterval,
          zone,
          maxRange,
          retention,
          purgeInterval,
          apiPort,
          apiTokenSha256);
    }

    private static StatisticsOptions options(
        Optional<Boolean> enabled,
        Optional<Integer> queueSize,
        Optional<Integer> batchSize,
        Optional<Duration> flushInterval,
        Optional<ZoneId> zone,
        Optional<Duration> maxRange,
        Optional<Duration> retention,
        Optional<Duration> purgeInterval,
        Optional<Integer> apiPort,
        Optional<String> apiTokenSha256) {
      StatisticsOptions d = StatisticsOptions.defaults();
      return new StatisticsOptions(
          enabled.orElse(d.enabled()),
          queueSize.orElse(d.queueSize()),
          batchSize.orElse(d.batchSize()),
          flushInterval.orElse(d.flushInterval()),
          zone.orElse(d.zone()),
          maxRange.orElse(d.maxRange()),
          retention.orElse(d.retention()),
          purgeInterval.orElse(d.purgeInterval()),
          apiPort,
          apiTokenSha256);
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
        throw new IllegalArgumentException("freshness and timeout must be positive");
      }
    }
  }

  /**
   * The verifiable ledger: checkpoint origin (default: the node id) and signing key file (generated
   * on first start when missing), cadence (default {@link CheckpointPolicy#defaults}), the auditor
   * API (off unless a port and a token hash are set), the installation's secret for keyed hashes of
   * data-subject IDs (generated when missing), witnesses, and the RFC 3161 TSA that time-stamps
   * checkpoints ({@code tsaUrl}, trusted through the PEM files {@code tsaCertificates}).
   */
  public record LedgerSettings(
      Optional<String> origin,
      Optional<String> checkpointKey,
      Optional<Duration> checkpointInterval,
      Optional<Long> checkpointEvery,
      Optional<Integer> apiPort,
      Optional<String> auditorTokenSha256,
      String subjectKey,
      Optional<String> witnessKey,
      List<String> witnessFor,
      List<WitnessEntry> witnesses,
      Optional<String> tsaUrl,
      List<String> tsaCertificates,
      Optional<String> trackerTokenSha256) {
    /** A witness this node asks to cosign its checkpoints. */
    public record WitnessEntry(String name, String url) {
      public WitnessEntry {
        Objects.requireNonNull(name, "name is required");
        Objects.requireNonNull(url, "url is required");
      }
    }

    public LedgerSettings {
      present(origin, checkpointKey, checkpointInterval, checkpointEvery, apiPort);
      present(auditorTokenSha256, witnessKey, tsaUrl);
      if (auditorTokenSha256.isPresent() && !auditorTokenSha256.get().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("auditorTokenSha256 must be 64 hex digits");
      }
      if (apiPort.isPresent() && (apiPort.get() < 0 || apiPort.get() > 65535)) {
        throw new IllegalArgumentException("apiPort out of range: " + apiPort.get());
      }
      if (apiPort.isPresent() && auditorTokenSha256.isEmpty()) {
        throw new IllegalArgumentException("apiPort needs auditorTokenSha256");
      }
      trackerTokenSha256 = trackerTokenSha256 == null ? Optional.empty() : trackerTokenSha256;
      if (trackerTokenSha256.isPresent() && !trackerTokenSha256.get().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("trackerTokenSha256 must be 64 hex digits");
      }
      if (trackerTokenSha256.isPresent() && apiPort.isEmpty()) {
        throw new IllegalArgumentException("trackerTokenSha256 needs apiPort");
      }
      subjectKey = subjectKey == null ? "ledger/subject.key" : subjectKey;
      witnessFor = witnessFor == null ? List.of() : List.copyOf(witnessFor);
      witnesses = witnesses == null ? List.of() : List.copyOf(witnesses);
      if (!witnessFor.isEmpty() && apiPort.isEmpty()) {
        throw new IllegalArgumentException("witnessFor needs apiPort");
      }
      tsaCertificates = tsaCertificates == null ? List.of() : List.copyOf(tsaCertificates);
      if (tsaUrl.isPresent()
          && !tsaUrl.get().startsWith("http://")
          && !tsaUrl.get().startsWith("https://")) {
        throw new IllegalArgumentException("tsaUrl must be an http(s):// URL");
      }
      if (tsaUrl.isPresent() && tsaCertificates.isEmpty()) {
        throw new IllegalArgumentException(
            "tsaUrl needs tsaCertificates (the CA certificates the TSA chains to)");
      }
      policy(checkpointInterval, checkpointEvery); // validates the cadence
    }

    /** All defaults: no auditor API, no witnesses, checkpoints not time-stamped. */
    public static LedgerSettings defaults() {
      return new LedgerSettings(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          null,
          Optional.empty(),
          List.of(),
          List.of(),
          Optional.empty(),
          List.of(),
          Optional.empty());
    }

    /** When checkpoints are signed, the ledger module's defaults where the file says nothing. */
    public CheckpointPolicy policy() {
      return policy(checkpointInterval, checkpointEvery);
    }

    private static CheckpointPolicy policy(Optional<Duration> interval, Optional<Long> every) {
      CheckpointPolicy d = CheckpointPolicy.defaults();
      return new CheckpointPolicy(interval.orElse(d.interval()), every.orElse(d.everyRecords()));
    }

    /** These settings, with checkpoints time-stamped by the TSA at {@code url}. */
    public LedgerSettings withTsa(String url, List<String> certificates) {
      return with(witnesses, Optional.of(url), certificates);
    }

    /** These settings, with checkpoints sent to {@code witnesses} for cosigning. */
    public LedgerSettings withWitnesses(List<WitnessEntry> witnesses) {
      return with(witnesses, tsaUrl, tsaCertificates);
    }

    /**
     * These settings, with the auditor API on {@code port}, for the token hashing to {@code hash}.
     */
    public LedgerSettings withAuditorApi(int port, String tokenSha256) {
      return new LedgerSettings(
          origin,
          checkpointKey,
          checkpointInterval,
          checkpointEvery,
          Optional.of(port),
          Optional.of(tokenSha256),
          subjectKey,
          witnessKey,
          witnessFor,
          witnesses,
          tsaUrl,
          tsaCertificates,
          trackerTokenSha256);
    }

    /**
     * These settings, with the citizen data tracker's token (hashing to {@code tokenSha256})
     * allowed to search subjects' accesses on the auditor API.
     */
    public LedgerSettings withTrackerToken(String tokenSha256) {
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
          witnesses,
          tsaUrl,
          tsaCertificates,
          Optional.of(tokenSha256));
    }

    private LedgerSettings with(
        List<WitnessEntry> w, Optional<String> url, List<String> certificates) {
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
          certificates,
          trackerTokenSha256);
    }
  }

  /** A configuration problem the operator must fix; printed without a stack trace. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }

  /** Optional settings are never null, only empty (Jackson makes an absent key empty). */
  static void present(Optional<?>... settings) {
    for (Optional<?> s : settings) {
      Objects.requireNonNull(s, "an optional setting is Optional.empty(), never null");
    }
  }

  /** Runs a module's validation of a section, naming the section in its message. */
  private static void section(String name, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }
}
