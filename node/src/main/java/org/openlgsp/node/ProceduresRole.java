package org.openlgsp.node;

import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.procedures.ProceduresOptions;

/**
 * The procedure engine role of a node (docs/procedures.md): the embedded Flowable engine on a
 * PostgreSQL database, calling other agencies' services through a consumer gateway as a registered
 * local system, with its case API on its own listener. Its own role, like the document axis, since
 * it reaches the gateway only over HTTP as a client and may run on a node without one.
 *
 * <p>The retry schedule, step timeout, job polling and SLA warning default to {@link
 * ProceduresOptions#of}; only the case API's host (127.0.0.1) defaults here.
 *
 * @param database JDBC URL of a PostgreSQL database (a SQLite URL is refused: Flowable has no
 *     SQLite support)
 * @param agency the agency whose case codes the engine issues
 * @param services the directory's service ({@code VN/GOV/<agency>/<subsystem>/<service>}) for each
 *     name a procedure's steps use
 * @param holidays public holidays (besides weekends) for the SLA clock
 * @param directory the registry's signed directory, against which a signed birth certificate
 *     attached to a dossier is checked (without it such a dossier is refused)
 * @param notices who is told of a case's status changes, and how a failed notice is retried
 * @param alerts the engine's own alerts (the keys of {@code gateway.alerts}, docs/alerts.md): the
 *     rules {@code procedureAtRisk} and {@code procedureOverdue} over its cases, stored in its
 *     database and delivered by the configured channels; absent, a gateway's alerts in the same
 *     node raise them, and a procedures-only node raises none
 */
record ProceduresRole(
    String database,
    GatewayLink gateway,
    String agency,
    Map<String, String> services,
    List<LocalDate> holidays,
    Optional<Integer> maxAttempts,
    Optional<Duration> retryFirst,
    Optional<Duration> retryMax,
    Optional<Duration> stepTimeout,
    Optional<Duration> jobPoll,
    Optional<Integer> slaWarningWorkingDays,
    Optional<Api> api,
    Optional<DirectorySettings> directory,
    Optional<Notices> notices,
    Optional<org.openlgsp.alerts.AlertsOptions> alerts) {
  /** The secret's stand-in while the file is not read (validation only). */
  private static final String UNREAD = "";

  /** A stand-in for a token or password file's content while it is not read (validation only). */
  private static final String UNREAD_TOKEN = "(not read: validation only)";

  public ProceduresRole {
    Objects.requireNonNull(database, "database is required");
    if (!database.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "database must be a PostgreSQL JDBC URL (jdbc:postgresql:...), not "
              + database.split("[?;]", 2)[0]
              + ": the procedure engine (Flowable) has no SQLite support, see docs/procedures.md");
    }
    Objects.requireNonNull(gateway, "gateway is required");
    Objects.requireNonNull(agency, "agency is required");
    services = services == null ? Map.of() : Map.copyOf(services);
    holidays = holidays == null ? List.of() : List.copyOf(holidays);
    NodeConfig.present(maxAttempts, retryFirst, retryMax, stepTimeout, jobPoll);
    NodeConfig.present(slaWarningWorkingDays, api, directory, notices, alerts);
    notices.ifPresent(n -> n.options(f -> UNREAD_TOKEN));
    // the parameters, not options(): fields are assigned after this body
    options(
        database,
        gateway,
        agency,
        services,
        holidays,
        maxAttempts,
        retryFirst,
        retryMax,
        stepTimeout,
        jobPoll,
        slaWarningWorkingDays,
        api,
        UNREAD);
  }

  /**
   * The procedures module's options of this role, its defaults where the file says nothing.
   *
   * @param secret the gateway client secret, read from {@code gateway.secretFile}
   */
  public ProceduresOptions options(String secret) {
    return options(
        database,
        gateway,
        agency,
        services,
        holidays,
        maxAttempts,
        retryFirst,
        retryMax,
        stepTimeout,
        jobPoll,
        slaWarningWorkingDays,
        api,
        secret);
  }

  private static ProceduresOptions options(
      String database,
      GatewayLink gateway,
      String agency,
      Map<String, String> services,
      List<LocalDate> holidays,
      Optional<Integer> maxAttempts,
      Optional<Duration> retryFirst,
      Optional<Duration> retryMax,
      Optional<Duration> stepTimeout,
      Optional<Duration> jobPoll,
      Optional<Integer> slaWarningWorkingDays,
      Optional<Api> api,
      String secret) {
    Map<String, ServiceId> ids = new LinkedHashMap<>();
    services.forEach((name, id) -> ids.put(name, ServiceId.parse(id)));
    ProceduresOptions d =
        ProceduresOptions.of(
            database,
            new ProceduresOptions.GatewayLink(
                gateway.url(), ClientId.parse(gateway.client()), gateway.oauthClientId(), secret),
            AgencyCode.parse(agency),
            ids);
    ProceduresOptions.Retries r = d.retries();
    ProceduresOptions o =
        d.withHolidays(holidays)
            .withRetries(
                new ProceduresOptions.Retries(
                    maxAttempts.orElse(r.maxAttempts()),
                    retryFirst.orElse(r.first()),
                    retryMax.orElse(r.max())))
            .withStepTimeout(stepTimeout.orElse(d.stepTimeout()))
            .withJobPoll(jobPoll.orElse(d.jobPoll()))
            .withSlaWarningWorkingDays(slaWarningWorkingDays.orElse(d.slaWarningWorkingDays()));
    return api.map(a -> o.withApi(a.options())).orElse(o);
  }

  /**
   * The options with the files this role names read: the gateway secret, the notices' password and
   * token files and the directory's trust (relative to node.yaml's folder).
   */
  public ProceduresOptions options(java.nio.file.Path baseDir) {
    java.util.function.Function<String, String> read = f -> GatewayNode.read(baseDir, f).strip();
    ProceduresOptions o = options(read.apply(gateway.secretFile()));
    if (directory.isPresent()) {
      List<java.security.cert.X509Certificate> signers = new java.util.ArrayList<>();
      for (String file : directory.get().trust()) {
        signers.addAll(org.openlgsp.pki.Pem.certificates(GatewayNode.read(baseDir, file)));
      }
      o =
          o.withDirectory(
              new ProceduresOptions.DirectorySource(directory.get().registryUrl(), signers));
    }
    if (notices.isPresent()) {
      o = o.withNotices(notices.get().options(read));
    }
    return o;
  }

  /**
   * The registry's signed directory: {@code GET {registryUrl}/directory}, verified against the
   * certificates in the {@code trust} PEM files (the registry's directory signers, as a gateway's
   * {@code directoryTrust}).
   */
  public record DirectorySettings(String registryUrl, List<String> trust) {
    public DirectorySettings {
      Objects.requireNonNull(registryUrl, "registryUrl is required");
      if (!registryUrl.startsWith("http://") && !registryUrl.startsWith("https://")) {
        throw new IllegalArgumentException("directory.registryUrl must be http(s)");
      }
      trust = trust == null ? List.of() : List.copyOf(trust);
      if (trust.isEmpty()) {
        throw new IllegalArgumentException("directory.trust needs the registry's certificate");
      }
    }
  }

  /**
   * Notifications of a case's status changes: e-mail to the citizen and/or a webhook to the portal;
   * a failed notice is retried from the outbox with {@code maxAttempts}, {@code retryFirst} and
   * {@code retryMax} (defaults: {@link ProceduresOptions.Notify#DELIVERY}).
   */
  public record Notices(
      Optional<Smtp> smtp,
      Optional<Webhook> webhook,
      Optional<Integer> maxAttempts,
      Optional<Duration> retryFirst,
      Optional<Duration> retryMax) {
    public Notices {
      NodeConfig.present(smtp, webhook, maxAttempts, retryFirst, retryMax);
    }

    /** The module's options, the files read by {@code read}. */
    ProceduresOptions.Notify options(java.util.function.Function<String, String> read) {
      ProceduresOptions.Retries d = ProceduresOptions.Notify.DELIVERY;
      return new ProceduresOptions.Notify(
          smtp.map(s -> s.options(read)),
          webhook.map(w -> w.options(read)),
          new ProceduresOptions.Retries(
              maxAttempts.orElse(d.maxAttempts()),
              retryFirst.orElse(d.first()),
              retryMax.orElse(d.max())));
    }
  }

  /**
   * The citizen's e-mail through an SMTP server; the password (with {@code username}) in {@code
   * passwordFile}, never inline. Defaults ({@link org.openlgsp.mail.MailSender.Server#of}): no TLS,
   * 10 s.
   */
  public record Smtp(
      String host,
      Integer port,
      String from,
      Optional<String> username,
      Optional<String> passwordFile,
      Optional<Boolean> startTls,
      Optional<Duration> timeout) {
    public Smtp {
      Objects.requireNonNull(host, "host is required");
      Objects.requireNonNull(port, "port is required");
      Objects.requireNonNull(from, "from is required");
      NodeConfig.present(username, passwordFile, startTls, timeout);
      if (username.isPresent() != passwordFile.isPresent()) {
        throw new IllegalArgumentException("smtp username and passwordFile go together");
      }
    }

    org.openlgsp.mail.MailSender.Server options(java.util.function.Function<String, String> read) {
      org.openlgsp.mail.MailSender.Server d =
          org.openlgsp.mail.MailSender.Server.of(host, port, from);
      return new org.openlgsp.mail.MailSender.Server(
          host,
          port,
          from,
          username,
          passwordFile.map(read),
          startTls.orElse(d.startTls()),
          timeout.orElse(d.timeout()));
    }
  }

  /**
   * The portal's webhook; its bearer token in {@code tokenFile}, never inline. Default timeout
   * ({@link ProceduresOptions.Webhook#of}): 10 s.
   */
  public record Webhook(String url, String tokenFile, Optional<Duration> timeout) {
    public Webhook {
      Objects.requireNonNull(url, "url is required");
      Objects.requireNonNull(tokenFile, "tokenFile is required");
      NodeConfig.present(timeout);
    }

    ProceduresOptions.Webhook options(java.util.function.Function<String, String> read) {
      ProceduresOptions.Webhook d = ProceduresOptions.Webhook.of(url, read.apply(tokenFile));
      return new ProceduresOptions.Webhook(url, d.token(), timeout.orElse(d.timeout()));
    }
  }

  /**
   * How the engine reaches its consumer gateway: the gateway's client URL, the engine's local
   * system as registered there and its OAuth client id, the client secret in a file (never inline).
   */
  public record GatewayLink(String url, String client, String oauthClientId, String secretFile) {
    public GatewayLink {
      Objects.requireNonNull(url, "url is required");
      Objects.requireNonNull(client, "client is required");
      Objects.requireNonNull(oauthClientId, "oauthClientId is required");
      Objects.requireNonNull(secretFile, "secretFile is required");
    }
  }

  /**
   * The case API's listener (through the edge): bearer tokens of the reader (case status) and the
   * operator (filing, dead letters, retry, cancel), as SHA-256 hashes.
   *
   * @param host default 127.0.0.1
   * @param port 0: any free one
   */
  public record Api(
      String host, Integer port, String readerTokenSha256, String operatorTokenSha256) {
    public Api {
      host = host == null ? "127.0.0.1" : host;
      Objects.requireNonNull(port, "port is required");
      Objects.requireNonNull(readerTokenSha256, "readerTokenSha256 is required");
      Objects.requireNonNull(operatorTokenSha256, "operatorTokenSha256 is required");
      options(host, port, readerTokenSha256, operatorTokenSha256);
    }

    ProceduresOptions.Api options() {
      return options(host, port, readerTokenSha256, operatorTokenSha256);
    }

    private static ProceduresOptions.Api options(
        String host, int port, String reader, String operator) {
      return new ProceduresOptions.Api(host, port, reader, operator);
    }
  }
}
