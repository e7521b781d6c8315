package org.openlgsp.procedures;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.mail.MailSender;

/**
 * How the procedure engine runs (docs/procedures.md).
 *
 * @param database JDBC URL of a PostgreSQL database (a {@code currentSchema} parameter keeps the
 *     engine's tables in that schema); nothing else is accepted
 * @param gateway how the engine reaches the node's consumer gateway as a registered local system
 * @param agency the agency whose case codes the engine issues (the code's first part)
 * @param services the directory's service for each name a procedure's steps use (BPMN stays the
 *     same across federations; each maps names onto its own directory)
 * @param holidays public holidays (besides weekends) for the SLA clock
 * @param retries how a failing step is tried again before it waits for an operator
 * @param stepTimeout how long one call of a step may take at most (a step's BPMN may ask for less);
 *     a step's job stays locked to its engine for twice this plus 5 s, after which another engine
 *     (or the same one restarted after a crash) takes it again
 * @param jobPoll how often the engine looks for due jobs (retries, timers)
 * @param slaWarningWorkingDays a case is at risk when this many working days or fewer are left
 * @param api the case API's listener, off when empty
 * @param directory where the engine reads members' signing certificates to check a signed birth
 *     certificate attached to a dossier; without it such a dossier is refused
 * @param notices who is told of a case's status changes (e-mail to the citizen, webhook), nobody
 *     when empty
 * @param executor how many steps run at once (and the engine's database connections)
 */
public record ProceduresOptions(
    String database,
    GatewayLink gateway,
    AgencyCode agency,
    Map<String, ServiceId> services,
    List<LocalDate> holidays,
    Retries retries,
    Duration stepTimeout,
    Duration jobPoll,
    int slaWarningWorkingDays,
    Optional<Api> api,
    Optional<DirectorySource> directory,
    Optional<Notify> notices,
    Executor executor) {
  public ProceduresOptions {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(agency, "agency");
    services = Map.copyOf(services);
    holidays = List.copyOf(holidays);
    Objects.requireNonNull(retries, "retries");
    positive(stepTimeout, "stepTimeout");
    positive(jobPoll, "jobPoll");
    if (slaWarningWorkingDays < 0) {
      throw new IllegalArgumentException("slaWarningWorkingDays must not be negative");
    }
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(notices, "notices");
    Objects.requireNonNull(executor, "executor");
  }

  /** Defaults: 5 attempts from 2 s doubling to 5 min, 30 s per call, 1 s polling, no API. */
  public static ProceduresOptions of(
      String database, GatewayLink gateway, AgencyCode agency, Map<String, ServiceId> services) {
    return new ProceduresOptions(
        database,
        gateway,
        agency,
        services,
        List.of(),
        Retries.DEFAULT,
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        1,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Executor.DEFAULT);
  }

  public ProceduresOptions withRetries(Retries r) {
    return with(c -> c.retries = r);
  }

  public ProceduresOptions withStepTimeout(Duration timeout) {
    return with(c -> c.stepTimeout = timeout);
  }

  public ProceduresOptions withJobPoll(Duration poll) {
    return with(c -> c.jobPoll = poll);
  }

  public ProceduresOptions withHolidays(List<LocalDate> days) {
    return with(c -> c.holidays = days);
  }

  public ProceduresOptions withSlaWarningWorkingDays(int days) {
    return with(c -> c.slaWarningWorkingDays = days);
  }

  public ProceduresOptions withApi(Api a) {
    return with(c -> c.api = Optional.of(a));
  }

  /** Signed birth certificates checked against the signing certificates of {@code d}. */
  public ProceduresOptions withDirectory(DirectorySource d) {
    return with(c -> c.directory = Optional.of(d));
  }

  /** Tells of status changes by {@code n}. */
  public ProceduresOptions withNotices(Notify n) {
    return with(c -> c.notices = Optional.of(n));
  }

  /** Runs steps with {@code e} (docs/procedures.md, "Throughput"). */
  public ProceduresOptions withExecutor(Executor e) {
    return with(c -> c.executor = e);
  }

  /** A copy with one change; the canonical constructor validates the result. */
  private ProceduresOptions with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new ProceduresOptions(
        database,
        gateway,
        agency,
        services,
        c.holidays,
        c.retries,
        c.stepTimeout,
        c.jobPoll,
        c.slaWarningWorkingDays,
        c.api,
        c.directory,
        c.notices,
        c.executor);
  }

  /** The fields a wither may change, copied from the options it starts from. */
  private static final class Copy {
    List<LocalDate> holidays;
    Retries retries;
    Duration stepTimeout;
    Duration jobPoll;
    int slaWarningWorkingDays;
    Optional<Api> api;
    Optional<DirectorySource> directory;
    Optional<Notify> notices;
    Executor executor;

    Copy(ProceduresOptions o) {
      holidays = o.holidays;
      retries = o.retries;
      stepTimeout = o.stepTimeout;
      jobPoll = o.jobPoll;
      slaWarningWorkingDays = o.slaWarningWorkingDays;
      api = o.api;
      directory = o.directory;
      notices = o.notices;
      executor = o.executor;
    }
  }

  /**
   * How many steps the engine runs at once: {@code threads} job threads of Flowable's async
   * executor, each holding one database connection while its step's exchange is under way (Flowable
   * runs a step inside its transaction); {@code queueSize} steps may wait for a thread before new
   * ones stay in the database for the next poll; at most {@code filings} cases are filed at once
   * (others wait their turn). The engine opens connections as needed up to {@link #connections()}:
   * a Flowable command may run a second command (after its commit) while it holds its connection,
   * so every thread that may be inside the engine gets two, and the pool can never be held whole by
   * threads each waiting for a second one.
   */
  public record Executor(int threads, int queueSize, int filings) {
    /** Flowable's defaults (8 threads, 2048 queued), 4 filings at once. */
    public static final Executor DEFAULT = new Executor(8, 2048, 4);

    public Executor {
      if (threads < 1 || threads > 128) {
        throw new IllegalArgumentException("executor threads must be 1..128: " + threads);
      }
      if (queueSize < 1) {
        throw new IllegalArgumentException("executor queueSize must be positive");
      }
      if (filings < 1 || filings > 64) {
        throw new IllegalArgumentException("executor filings must be 1..64: " + filings);
      }
    }

    /**
     * The most database connections the engine opens: two for each job thread and filing, and two
     * for each of Flowable's own threads (job and timer acquisition, expired-job reset).
     */
    public int connections() {
      return 2 * (threads + filings + 3);
    }
  }

  /**
   * The channels a case's status changes go to (at least one): e-mail to the citizen (the dossier's
   * {@code lienHe.email}) through an SMTP server, the same sender as the alerts' {@code smtp}
   * channel, and/or a webhook to the portal; and how a failed delivery is tried again from the
   * outbox: {@code delivery}'s backoff with full jitter, dead after its {@code maxAttempts} (an
   * operator sees and may retry it).
   */
  public record Notify(
      Optional<MailSender.Server> smtp, Optional<Webhook> webhook, Retries delivery) {
    /** Retries of a notice by default: 10 attempts from 5 s doubling to 30 min (about 1.5 h). */
    public static final Retries DELIVERY =
        new Retries(10, Duration.ofSeconds(5), Duration.ofMinutes(30));

    public Notify {
      Objects.requireNonNull(smtp, "smtp");
      Objects.requireNonNull(webhook, "webhook");
      Objects.requireNonNull(delivery, "delivery");
      if (smtp.isEmpty() && webhook.isEmpty()) {
        throw new IllegalArgumentException("notify needs smtp or webhook");
      }
    }

    /** With the default {@link #DELIVERY} retries. */
    public Notify(Optional<MailSender.Server> smtp, Optional<Webhook> webhook) {
      this(smtp, webhook, DELIVERY);
    }
  }

  /**
   * A POST of {@code {"maHoSo","thuTuc","trangThai","thoiDiem"}} to {@code url} (the portal), with
   * {@code Authorization: Bearer <token>}.
   */
  public record Webhook(String url, String token, Duration timeout) {
    public Webhook {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("webhook url must be http(s)");
      }
      if (token == null || token.length() < 16) {
        throw new IllegalArgumentException("webhook token must have at least 16 characters");
      }
      positive(timeout, "timeout");
    }

    /** With a 10 s timeout. */
    public static Webhook of(String url, String token) {
      return new Webhook(url, token, Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
      return "Webhook[url=" + url + ", token=(redacted)]";
    }
  }

  /**
   * The registry's signed directory: {@code GET {registryUrl}/directory}, verified against {@code
   * registrySigners} (the registry's directory-signing certificates, as a gateway's {@code
   * directoryTrust}).
   */
  public record DirectorySource(String registryUrl, List<X509Certificate> registrySigners) {
    public DirectorySource {
      Objects.requireNonNull(registryUrl, "registryUrl");
      registrySigners = List.copyOf(registrySigners);
      if (registrySigners.isEmpty()) {
        throw new IllegalArgumentException("the directory needs at least one registry signer");
      }
    }
  }

  /**
   * The consumer gateway's client listener and the engine's local-system credentials there ({@code
   * POST /token} with client credentials).
   *
   * @param url e.g. {@code http://127.0.0.1:8080}
   * @param client the engine's system as registered (the {@code X-Road-Client} it sends)
   * @param oauthClientId its client id at the gateway's token endpoint
   * @param secret its client secret
   */
  public record GatewayLink(String url, ClientId client, String oauthClientId, String secret) {
    public GatewayLink {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("gateway url must be http(s): " + url);
      }
      url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      Objects.requireNonNull(client, "client");
      if (client.subsystem().isEmpty()) {
        throw new IllegalArgumentException("the engine calls as a subsystem, not " + client);
      }
      Objects.requireNonNull(oauthClientId, "oauthClientId");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() { // never the secret
      return "GatewayLink[" + url + ", " + client + ", " + oauthClientId + "]";
    }
  }

  /**
   * Exponential backoff with full jitter: attempt {@code n} (from 1) that fails waits a uniformly
   * random time in [0, min(max, first · 2^(n−1))] before the next; after {@code maxAttempts} failed
   * attempts the step waits for an operator (dead letter).
   */
  public record Retries(int maxAttempts, Duration first, Duration max) {
    public static final Retries DEFAULT =
        new Retries(5, Duration.ofSeconds(2), Duration.ofMinutes(5));

    public Retries {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException("maxAttempts must be 1..100: " + maxAttempts);
      }
      positive(first, "first");
      positive(max, "max");
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException("max backoff below the first");
      }
    }

    /** The longest wait after failed attempt {@code attempt} (1-based), before jitter. */
    public Duration ceiling(int attempt) {
      int shift = Math.min(Math.max(attempt - 1, 0), 30);
      Duration d = first.multipliedBy(1L << shift);
      return d.compareTo(max) > 0 ? max : d;
    }
  }

  /**
   * The case API on its own listener (edge {@code AdminApi}): {@code procedures.reader} reads a
   * case's status (the public-service portal, on the citizen's behalf), {@code procedures.operator}
   * also files cases, lists dead letters, retries and cancels.
   */
  public record Api(String host, int port, String readerTokenSha256, String operatorTokenSha256) {
    public Api {
      Objects.requireNonNull(host, "host");
      if (!AdminApi.isPort(port) && port != 0) {
        throw new IllegalArgumentException("api port out of range: " + port);
      }
      if (!AdminApi.isTokenSha256(readerTokenSha256)
          || !AdminApi.isTokenSha256(operatorTokenSha256)) {
        throw new IllegalArgumentException("api tokens must be hex SHA-256 digests");
      }
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
