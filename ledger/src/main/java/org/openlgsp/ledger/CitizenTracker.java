package org.openlgsp.ledger;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.KeyedHash;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;

/**
 * The citizen data tracker (docs/privacy.md, "Citizen data tracker"): for one personal ID and a
 * stated purpose, asks every gateway of the instance for the subject's recorded accesses ({@code
 * POST /ledger/v1/subjects/accesses}, each gateway's tracker token; the gateways are the nodes of
 * the signed directory at their published ledger API, configuration only overriding them), at once
 * and within one deadline, and merges the answers into a {@link TrackerReport} that names every
 * gateway which did not answer. Served by the registry (which has the directory of every node)
 * under {@code /api/v1/tracker}, to callers holding {@value #READER_ROLE}; every look-up is audited
 * with the subject's keyed hash (the tracker's own key), never the ID.
 */
public final class CitizenTracker {
  /** The role a caller of the tracker needs. */
  public static final String READER_ROLE = "tracker.reader";

  private static final int MAX_BODY = 4096;
  private static final int MAX_ANSWER = 32 * 1024 * 1024;
  private static final String AUDIT_TARGET = "org.openlgsp.ledger.tracker.target";

  /** A gateway the tracker asks: its node id, ledger API URL and tracker token. */
  public record Gateway(String node, String url, String token) {
    public Gateway {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(token, "token");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("gateway url must be http(s)://: " + url);
      }
    }

    @Override
    public String toString() {
      return "Gateway[" + node + ", " + url + "]"; // never the token
    }
  }

  /** The body of a look-up. */
  public record Lookup(String personalId, String purpose) {
    public Lookup {
      if (!PersonalId.isValid(personalId)) {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED,
            "personalId: a personal identification number has 12 digits");
      }
      purpose = Purposes.require(purpose);
    }
  }

  private final List<Gateway> gateways;
  private final Supplier<List<Directory.Node>> directory;
  private final Optional<String> directoryToken;
  private final Duration deadline;
  private final KeyedHash auditKey;
  private final Clock clock;
  private final Optional<Function<String, byte[]>> pdf;
  private final Function<String, List<TrackerReport.Consent>> consents;
  private final Function<String, List<TrackerReport.Lookup>> lookups;
  private final WebClient http;
  private final java.util.concurrent.ExecutorService asking =
      java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  /**
   * @param gateways the gateways configured by hand: each overrides the address and token of the
   *     directory's node of the same id, and is asked even if the directory does not list it
   * @param directory the gateway nodes of the instance's signed directory, read at each look-up:
   *     each one that publishes its ledger API ({@link Directory.Node#ledgerApi}) is asked there
   *     with {@code directoryToken}; one that publishes none, or any when there is no such token,
   *     is reported {@code NOT_CONFIGURED}
   * @param directoryToken the tracker token the instance's gateways admit ({@code
   *     ledger.trackerTokenSha256}), for the gateways found in the directory
   * @param deadline how long a look-up waits for all gateways together
   * @param auditKey the key of the subject hash the audit rows name
   * @param pdf renders the report's page (XHTML) to PDF, for {@code ?format=pdf}
   * @param consents the consents of the subject with this personal ID (none when the registry keeps
   *     no consents)
   */
  public CitizenTracker(
      List<Gateway> gateways,
      Supplier<List<Directory.Node>> directory,
      Optional<String> directoryToken,
      Duration deadline,
      KeyedHash auditKey,
      Clock clock,
      Optional<Function<String, byte[]>> pdf,
      Function<String, List<TrackerReport.Consent>> consents,
      Function<String, List<TrackerReport.Lookup>> lookups) {
    this.gateways = List.copyOf(gateways);
    this.directory = Objects.requireNonNull(directory, "directory");
    this.directoryToken = Objects.requireNonNull(directoryToken, "directoryToken");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive");
    }
    this.deadline = deadline;
    this.auditKey = Objects.requireNonNull(auditKey, "auditKey");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pdf = Objects.requireNonNull(pdf, "pdf");
    this.consents = Objects.requireNonNull(consents, "consents");
    this.lookups = Objects.requireNonNull(lookups, "lookups");
    this.http =
        WebClient.builder()
            .connectTimeout(deadline)
            .readTimeout(deadline)
            .followRedirects(false)
            .build();
  }

  /** The tracker's routes, for the registry's listener (its edge authenticates and audits). */
  public List<Route> routes() {
    return List.of(
        Route.post("/api/v1/tracker/lookups")
            .roles(READER_ROLE)
            .audited("tracker.lookup")
            .personalData()
            .auditTarget(
                req -> req.context().get(AUDIT_TARGET, String.class).orElse("subject (unread)"))
            .handle(this::lookup));
  }

  /** What an audit row of a look-up of {@code personalId} starts with; the purpose follows. */
  public String auditTargetPrefix(String personalId) {
    return "subject " + subjectHash(personalId) + " for purpose ";
  }

  /** The keyed hash an audit row names the subject by. */
  public String subjectHash(String personalId) {
    return auditKey.hash(personalId);
  }

  private void lookup(Call c) {
    Lookup lookup = c.json(Lookup.class, MAX_BODY);
    c.request()
        .context()
        .register(AUDIT_TARGET, auditTargetPrefix(lookup.personalId()) + lookup.purpose());
    TrackerReport report = lookup(lookup, c.caller().actor());
    String format = c.request().query().first("format").orElse("json");
    switch (format) {
      case "json" -> c.sendJson(200, report);
      case "html" -> {
        c.response().header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        c.response().send(TrackerPage.html(report).getBytes(StandardCharsets.UTF_8));
      }
      case "pdf" -> {
        byte[] document =
            pdf.orElseThrow(
                    () ->
                        new LgspException(
                            ErrorCode.REQUEST_MALFORMED, "this registry renders no PDF"))
                .apply(TrackerPage.html(report));
        c.response().header(HeaderNames.CONTENT_TYPE, "application/pdf");
        c.response().send(document);
      }
      default ->
          throw new LgspException(ErrorCode.REQUEST_MALFORMED, "format must be json, html or pdf");
    }
  }

  /** Asks every gateway at once and merges what they answer within the deadline. */
  public TrackerReport lookup(Lookup lookup, String requester) {
    Map<String, CompletableFuture<SubjectAccessReport>> asked = new LinkedHashMap<>();
    List<Directory.Node> nodes = directory.get();
    for (Gateway g : toAsk(nodes)) {
      asked.put(g.node(), ask(g, lookup));
    }
    try {
      CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
          .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException late) {
      // each gateway's own outcome is read below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<TrackerReport.GatewayAnswer> answers = new ArrayList<>();
    List<TrackerReport.Entry> entries = new ArrayList<>();
    List<TrackerReport.Consent> given = consents.apply(lookup.personalId());
    asked.forEach(
        (node, future) -> {
          if (!future.isDone()) {
            future.cancel(true);
            answers.add(notAnswered(node, "no answer within " + deadline));
            return;
          }
          try {
            SubjectAccessReport r = future.join();
            answers.add(
                new TrackerReport.GatewayAnswer(
                    node, TrackerReport.GatewayStatus.ANSWERED, r.accessCount(), ""));
            r.accesses()
                .forEach(
                    a ->
                        entries.add(
                            new TrackerReport.Entry(
                                node,
                                a,
                                given.stream()
                                    .filter(
                                        k ->
                                            k.id().equals(a.consentId())
                                                || k.coveredAccess(
                                                    a.agencyCode(), a.purpose(), a.time()))
                                    .toList())));
          } catch (CompletionException | java.util.concurrent.CancellationException e) {
            answers.add(notAnswered(node, reason(e.getCause() == null ? e : e.getCause())));
          }
        });
    for (String node : nodes.stream().map(n -> n.id().toString()).toList()) {
      if (!asked.containsKey(node)) {
        answers.add(
            new TrackerReport.GatewayAnswer(
                node,
                TrackerReport.GatewayStatus.NOT_CONFIGURED,
                0,
                "the tracker has no address or credential for this gateway"));
      }
    }
    entries.sort(
        Comparator.comparing((TrackerReport.Entry e) -> e.access().time())
            .thenComparing(TrackerReport.Entry::gateway)
            .thenComparingLong(e -> e.access().index()));
    return new TrackerReport(
        TrackerReport.FORMAT,
        new PersonalId(lookup.personalId()).masked(),
        lookup.purpose(),
        requester,
        clock.instant(),
        answers.stream().allMatch(a -> a.status() == TrackerReport.GatewayStatus.ANSWERED),
        answers,
        entries.size(),
        entries,
        lookups.apply(auditTargetPrefix(lookup.personalId())));
  }

  /**
   * The gateways a look-up asks: the configured ones, then every directory node not configured that
   * publishes its ledger API, with the directory token.
   */
  private List<Gateway> toAsk(List<Directory.Node> nodes) {
    List<Gateway> out = new ArrayList<>(gateways);
    java.util.Set<String> configured = new java.util.HashSet<>();
    gateways.forEach(g -> configured.add(g.node()));
    for (Directory.Node n : nodes) {
      String id = n.id().toString();
      if (!configured.contains(id) && !n.ledgerApi().isEmpty() && directoryToken.isPresent()) {
        out.add(new Gateway(id, n.ledgerApi(), directoryToken.get()));
      }
    }
    return out;
  }

  private static TrackerReport.GatewayAnswer notAnswered(String node, String reason) {
    return new TrackerReport.GatewayAnswer(
        node, TrackerReport.GatewayStatus.NOT_ANSWERED, 0, reason);
  }

  /** Why a gateway failed, without anything of the request (the ID) in it. */
  private String reason(Throwable t) {
    if (t instanceof LgspException e) {
      return e.code().code();
    }
    if (t instanceof UncheckedIOException u && u.getCause() instanceof SocketTimeoutException) {
      return "no answer within " + deadline;
    }
    if (t instanceof IOException
        || t instanceof UncheckedIOException
        || t instanceof io.helidon.webclient.api.RuntimeUnknownHostException) {
      return "unreachable";
    }
    return "unreadable answer";
  }

  /** Asks one gateway on a virtual thread of its own (Helidon WebClient, blocking). */
  private CompletableFuture<SubjectAccessReport> ask(Gateway g, Lookup lookup) {
    String base = g.url().endsWith("/") ? g.url().substring(0, g.url().length() - 1) : g.url();
    return CompletableFuture.supplyAsync(
        () -> {
          try (HttpClientResponse r =
              http.post()
                  .uri(base + "/ledger/v1/subjects/accesses")
                  .header(HeaderNames.AUTHORIZATION, "Bearer " + g.token())
                  .header(HeaderNames.CONTENT_TYPE, "application/json")
                  .submit(Json.write(lookup))) {
            byte[] body;
            try (InputStream in =
                r.entity().hasEntity() ? r.inputStream() : InputStream.nullInputStream()) {
              body = in.readNBytes(MAX_ANSWER + 1);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            if (body.length > MAX_ANSWER) {
              throw new LgspException(ErrorCode.INTERNAL_ERROR, "answer too large");
            }
            if (r.status().code() != 200) {
              throw LgspException.fromProblem(body, "status " + r.status().code());
            }
            return Json.read(body, SubjectAccessReport.class);
          }
        },
        asking);
  }
}
