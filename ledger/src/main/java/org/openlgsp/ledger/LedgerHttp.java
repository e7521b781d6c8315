package org.openlgsp.ledger;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;

/**
 * The auditor API of a gateway node's ledger, under {@code /ledger/v1}, put together by the {@link
 * Edge}: checkpoints, records, inclusion and consistency proofs, the raw export an offline verifier
 * reads, and subject-access reports. Every route requires the {@value #AUDITOR_ROLE} role (the
 * auditor's bearer token, audited as {@value #AUDITOR}); reads of record content and subject access
 * are audited. A witness, when configured, serves its public routes on the same listener.
 */
public final class LedgerHttp implements AutoCloseable {
  /** The role every auditor route requires. */
  public static final String AUDITOR_ROLE = "ledger.auditor";

  /** The audit actor of the configured auditor token. */
  public static final String AUDITOR = "auditor";

  /**
   * The role of the citizen data tracker's token (the registry asking for a subject's accesses on a
   * citizen's or officer's behalf): the subject-access search and nothing else.
   */
  public static final String TRACKER_ROLE = "ledger.tracker";

  /** The audit actor of the configured tracker token. */
  public static final String TRACKER = "tracker";

  private static final int MAX_SEARCH_BODY = 4096;
  private static final String AUDIT_TARGET = "org.openlgsp.ledger.subject-search.target";

  static final int MAX_PAGE = 10_000;
  private static final String SUBJECT = "personalId";

  private final LedgerReader reader;
  private final NoteVerifier key;
  private final SubjectAccess subjects;
  private final Edge edge;
  private final WebServer server;

  private LedgerHttp(Builder b, String host, int port) {
    this.reader = b.reader;
    this.key = b.key;
    this.subjects = b.subjects;
    BearerTokens.Builder tokens =
        BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED)
            .token(AUDITOR, b.tokenSha256Hex, Set.of(AUDITOR_ROLE));
    b.trackerTokenSha256.ifPresent(t -> tokens.token(TRACKER, t, Set.of(TRACKER_ROLE)));
    this.edge =
        Edge.builder()
            .routes(b.witness.map(WitnessHttp::routes).orElse(List.of()))
            .routes(declared())
            .authenticator(tokens.build())
            .auditLog(b.auditLog)
            .build();
    this.server = Edge.start(edge.configure(WebServer.builder().host(host).port(port)));
  }

  /**
   * Starts declaring the API of the ledger {@code reader} reads, whose checkpoints {@code key}
   * verifies.
   */
  public static Builder builder(LedgerReader reader, NoteVerifier key, SubjectAccess subjects) {
    return new Builder(reader, key, subjects);
  }

  public int port() {
    return server.port();
  }

  /** Every route this listener serves, as declared. */
  public List<Route> routes() {
    return edge.routes();
  }

  private static Route.Builder auditor(Route.Builder route) {
    return route.roles(AUDITOR_ROLE);
  }

  private List<Route> declared() {
    Audit signed = Audit.notAudited("signed checkpoints, public to the log's witnesses");
    Audit hashes = Audit.notAudited("hashes only, no record content");
    return List.of(
        auditor(Route.get("/ledger/v1/checkpoint"))
            .audit(signed)
            .handle(c -> text(c, LedgerOps.latestCheckpoint(reader))),
        auditor(Route.get("/ledger/v1/checkpoints"))
            .audit(signed)
            .handle(
                c ->
                    c.sendJson(
                        200, reader.checkpoints().stream().map(CheckpointView::of).toList())),
        auditor(Route.get("/ledger/v1/vkey"))
            .audit(Audit.notAudited("a public key"))
            .handle(c -> text(c, key + "\n")),
        auditor(Route.get("/ledger/v1/records/{index}"))
            .audited("ledger.record.read")
            .handle(
                c -> c.sendJson(200, LedgerOps.record(reader, pathNumber(c, "index", "index")))),
        auditor(Route.get("/ledger/v1/records"))
            .audited("ledger.record.find")
            .handle(this::recordsByMessageId),
        auditor(Route.get("/ledger/v1/proofs/inclusion")).audit(hashes).handle(this::inclusion),
        auditor(Route.get("/ledger/v1/proofs/consistency")).audit(hashes).handle(this::consistency),
        auditor(Route.get("/ledger/v1/export/records"))
            .audited("ledger.export.records")
            .handle(this::exportRecords),
        auditor(Route.get("/ledger/v1/export/leaves")).audit(hashes).handle(this::exportLeaves),
        auditor(Route.get("/ledger/v1/export/segments"))
            .audit(Audit.notAudited("record ranges and digests of archived segments"))
            .handle(
                c ->
                    c.sendJson(
                        200, reader.archiveSegments().stream().map(SegmentView::of).toList())),
        auditor(Route.get("/ledger/v1/export/segments/{first}"))
            .audited("ledger.export.segment")
            .handle(this::segment),
        auditor(Route.get("/ledger/v1/subjects/{" + SUBJECT + "}/accesses"))
            .audited("ledger.subject-access")
            .personalData()
            .auditTarget(req -> subjects.auditTarget(req.path().pathParameters().get(SUBJECT)))
            .handle(this::subjectAccess),
        Route.post("/ledger/v1/subjects/accesses")
            .roles(AUDITOR_ROLE, TRACKER_ROLE)
            .audited("ledger.subject-access")
            .personalData()
            .auditTarget(
                req -> req.context().get(AUDIT_TARGET, String.class).orElse("subject (unread)"))
            .handle(this::subjectSearch));
  }

  /**
   * A subject-access search with the ID in the body (never in a URL, so no access log holds it) and
   * the purpose of the search, which the audit row keeps with the subject's keyed hash.
   */
  private void subjectSearch(Call c) {
    SubjectSearch search = c.json(SubjectSearch.class, MAX_SEARCH_BODY);
    c.request()
        .context()
        .register(
            AUDIT_TARGET,
            subjects.auditTarget(search.personalId()) + " for purpose " + search.purpose());
    c.sendJson(200, subjects.report(new PersonalId(search.personalId())));
  }

  /** The body of {@code POST /ledger/v1/subjects/accesses}. */
  public record SubjectSearch(String personalId, String purpose) {
    public SubjectSearch {
      if (!PersonalId.isValid(personalId)) {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED,
            "personalId: a personal identification number has 12 digits");
      }
      purpose = Purposes.require(purpose);
    }
  }

  private void recordsByMessageId(Call c) {
    String id = c.request().query().first("messageId").orElse("");
    if (id.isEmpty()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "give ?messageId=");
    }
    c.sendJson(200, LedgerOps.byMessageId(reader, id));
  }

  private void inclusion(Call c) {
    long index = number(c.requiredQuery("index"), "index");
    c.sendJson(200, LedgerOps.inclusion(reader, index, optionalNumber(c, "size")));
  }

  private void consistency(Call c) {
    long first = number(c.requiredQuery("first"), "first");
    long second = number(c.requiredQuery("second"), "second");
    c.sendJson(200, LedgerOps.consistency(reader, first, second));
  }

  private void exportRecords(Call c) throws IOException {
    long from = number(c.requiredQuery("from"), "from");
    int limit = (int) Math.min(MAX_PAGE, optionalNumber(c, "limit").orElse(MAX_PAGE));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (Ledger.Raw r : reader.rawRecords(from, limit)) {
      out.writeLong(r.index());
      out.writeInt(r.bytes().length);
      out.write(r.bytes());
    }
    binary(c, "application/octet-stream", bytes.toByteArray());
  }

  private void exportLeaves(Call c) {
    long from = number(c.requiredQuery("from"), "from");
    long to = Math.min(from + MAX_PAGE, number(c.requiredQuery("to"), "to"));
    List<byte[]> leaves = reader.leafHashes(from, Math.max(from, to));
    byte[] out = new byte[leaves.size() * 32];
    for (int i = 0; i < leaves.size(); i++) {
      System.arraycopy(leaves.get(i), 0, out, i * 32, 32);
    }
    binary(c, "application/octet-stream", out);
  }

  /** A retention segment as archived: gzip of framed records. */
  private void segment(Call c) throws IOException {
    long first = pathNumber(c, "first", "first");
    LedgerArchive.Segment s =
        reader.archiveSegments().stream()
            .filter(x -> x.first() == first)
            .findFirst()
            .orElseThrow(
                () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no segment at " + first));
    c.response().header(HeaderNames.CONTENT_TYPE, "application/gzip");
    try (InputStream in = Files.newInputStream(s.file());
        OutputStream out = c.response().outputStream()) {
      in.transferTo(out);
    }
  }

  private void subjectAccess(Call c) {
    PersonalId id = new PersonalId(c.request().path().pathParameters().get(SUBJECT));
    SubjectAccessReport report = subjects.report(id);
    boolean html =
        c.request().query().first("format").orElse("").equals("html")
            || c.request().headers().first(HeaderNames.ACCEPT).orElse("").startsWith("text/html");
    if (html) {
      binary(c, "text/html; charset=utf-8", report.html().getBytes(StandardCharsets.UTF_8));
    } else {
      c.sendJson(200, report);
    }
  }

  private static long pathNumber(Call c, String name, String what) {
    return number(c.request().path().pathParameters().get(name), what);
  }

  private static OptionalLong optionalNumber(Call c, String name) {
    return c.request().query().contains(name)
        ? OptionalLong.of(number(c.request().query().get(name), name))
        : OptionalLong.empty();
  }

  /** A whole number >= 0 the caller sent, or {@code request.malformed} naming {@code name}. */
  static long number(String text, String name) {
    try {
      long v = Long.parseLong(text);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, name + " must be a whole number >= 0");
    }
  }

  static void text(Call c, String body) {
    binary(c, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void binary(Call c, String contentType, byte[] body) {
    c.response().header(HeaderNames.CONTENT_TYPE, contentType);
    c.response().send(body);
  }

  @Override
  public void close() {
    server.stop();
  }

  /** Declares the API; {@link #auditorToken} and {@link #auditLog} are required. */
  public static final class Builder {
    private final LedgerReader reader;
    private final NoteVerifier key;
    private final SubjectAccess subjects;
    private String tokenSha256Hex;
    private AuditLog auditLog;
    private Optional<Witness> witness = Optional.empty();
    private Optional<String> trackerTokenSha256 = Optional.empty();

    private Builder(LedgerReader reader, NoteVerifier key, SubjectAccess subjects) {
      this.reader = Objects.requireNonNull(reader, "reader");
      this.key = Objects.requireNonNull(key, "key");
      this.subjects = Objects.requireNonNull(subjects, "subjects");
    }

    /** The hex SHA-256 of the auditor's bearer token; the token itself is never held. */
    public Builder auditorToken(String sha256Hex) {
      this.tokenSha256Hex = Objects.requireNonNull(sha256Hex, "sha256Hex");
      return this;
    }

    /**
     * The hex SHA-256 of the citizen data tracker's token (role {@value #TRACKER_ROLE}, audited as
     * {@value #TRACKER}): it may search a subject's accesses, nothing else.
     */
    public Builder trackerToken(String sha256Hex) {
      this.trackerTokenSha256 = Optional.of(Objects.requireNonNull(sha256Hex, "sha256Hex"));
      return this;
    }

    /** Where the audited routes write their rows. */
    public Builder auditLog(AuditLog auditLog) {
      this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
      return this;
    }

    /**
     * A witness whose public routes the listener serves too: other logs post their checkpoints to
     * be cosigned (no bearer token, see {@link WitnessHttp#routes}).
     */
    public Builder witness(Witness witness) {
      this.witness = Optional.of(witness);
      return this;
    }

    /** Starts the listener on {@code host}:{@code port} (0: any free port). */
    public LedgerHttp start(String host, int port) {
      if (tokenSha256Hex == null || auditLog == null) {
        throw new IllegalStateException("the ledger API needs an auditor token and an audit log");
      }
      return new LedgerHttp(this, host, port);
    }
  }
}
