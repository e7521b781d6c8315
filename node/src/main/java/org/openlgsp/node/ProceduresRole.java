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
    Optional<Api> api) {
  /** The secret's stand-in while the file is not read (validation only). */
  private static final String UNREAD = "";

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
    NodeConfig.present(slaWarningWorkingDays, api);
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
