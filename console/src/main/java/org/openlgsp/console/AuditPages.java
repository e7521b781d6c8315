package org.openlgsp.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.RequestContext;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;
import org.openlgsp.ledger.Checkpoint;
import org.openlgsp.ledger.CitizenTracker;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.Merkle;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.ledger.TrackerReport;
import org.openlgsp.ledger.TrackerReportVerifier;
import org.openlgsp.storage.Database;

/**
 * The console's audit-side pages (docs/console.md, "Ledger and subject access"): the registry's
 * consent log (its checkpoints, a record's inclusion proof checked against its checkpoint), the
 * checkpoints of the gateway logs its witness cosigned, the verification of an uploaded ledger
 * export by the ledger module's own verifier, and the subject-access look-up of a citizen's
 * personal ID through the citizen data tracker.
 */
final class AuditPages {
  /** Reads the ledger pages and verifies exports. */
  static final Set<ConsoleRole> LEDGER_READERS = Console.AUDIT_READERS;

  /** Looks up who accessed a citizen's data. */
  static final Set<ConsoleRole> SUBJECT_READERS = EnumSet.of(ConsoleRole.SECURITY_OFFICER);

  /** The largest upload (the zipped export) read. */
  static final long MAX_UPLOAD = 64L * 1024 * 1024;

  /** The most the export's files may take once unzipped. */
  static final long MAX_EXPANDED = 256L * 1024 * 1024;

  /** The most files an uploaded export may hold. */
  static final int MAX_FILES = 20_000;

  /** The files of an export (docs/ledger.md), optionally inside one folder. */
  private static final Pattern EXPORT_FILE =
      Pattern.compile(
          "(?:[A-Za-z0-9._-]{1,100}/)?(MANIFEST\\.txt|log\\.vkey|records\\.bin|leaves\\.bin"
              + "|checkpoints/[0-9]{1,20}\\.(?:note|tsr))");

  private static final String AUDIT_TARGET = "org.openlgsp.console.subject.target";

  /** The consent log's name on the pages and in the verify form. */
  static final String CONSENT_LOG = "consent-log";

  private final Console console;
  private final AuditSources sources;
  private final Optional<LedgerReader> consentLog;

  AuditPages(Console console, Database db, AuditSources sources) {
    this.console = console;
    this.sources = sources;
    this.consentLog = sources.consentLog().map(l -> LedgerReader.open(db));
  }

  List<Route> routes() {
    List<Route> r = new ArrayList<>();
    r.add(
        Console.roles(Route.get("/ledger"), LEDGER_READERS)
            .audit(Audit.notAudited("checkpoints: sizes, hashes and signatures, no record content"))
            .handle(this::ledger));
    r.add(
        Console.roles(Route.get("/ledger/proof"), LEDGER_READERS)
            .audited("console.ledger.record")
            .auditTarget(req -> "consent log record " + req.query().first("index").orElse(""))
            .handle(this::proof));
    r.add(
        Console.roles(Route.post("/ledger/verify"), LEDGER_READERS)
            .audited("console.ledger.verify")
            .handle(this::verify));
    r.add(
        Console.roles(Route.get("/subjects"), SUBJECT_READERS)
            .audit(Audit.notAudited("the look-up form"))
            .handle(this::subjectForm));
    r.add(
        Console.roles(Route.post("/subjects"), SUBJECT_READERS)
            // the action the tracker's API audits, so the citizen's next report lists it too
            .audited("tracker.lookup")
            .personalData()
            .auditTarget(
                req -> req.context().get(AUDIT_TARGET, String.class).orElse("subject (unread)"))
            .handle(this::subjectLookup));
    r.add(
        Console.roles(Route.get("/records.csv"), Console.AUDIT_READERS)
            .audited("console.records.export")
            .handle(this::recordsCsv));
    r.add(
        Console.roles(Route.get("/records/{id}"), Console.AUDIT_READERS)
            .audited("console.records.read")
            .auditTarget(
                req ->
                    "record "
                        + req.path().pathParameters().first("id").orElse("")
                        + " of "
                        + req.query().first("node").orElse(""))
            .handle(this::record));
    return r;
  }

  // ---- operational records: one record, the search as CSV

  /**
   * One operational record with every field the gateway's monitoring API gives, found by its id and
   * time (the search's row links both: the API is searched by time, with the id as cursor).
   */
  private void record(Call c) {
    String id = c.request().path().pathParameters().get("id");
    String at = c.request().query().first("at").orElse("");
    if (!id.matches("[1-9][0-9]{0,17}") || !at.matches("[0-9]{1,15}")) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "a record is named by its id and its time (epoch ms)");
    }
    String node = c.request().query().first("node").orElse("");
    Gateways.Endpoint api = console.gateways().endpoint(node, Gateways.Remote::monitoring);
    Instant time = Instant.ofEpochMilli(Long.parseLong(at));
    Map<String, String> params = new TreeMap<>();
    params.put("from", time.toString());
    params.put("to", time.plusMillis(1).toString());
    params.put("after", Long.toString(Long.parseLong(id) - 1));
    params.put("limit", "1");
    JsonNode answer =
        console
            .gateways()
            .ask(api, "/monitoring/v1/records" + Gateways.query(params), JsonNode.class);
    JsonNode found = answer.path("records").path(0);
    if (!found.path("id").asText().equals(id)) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such record");
    }
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    found
        .fields()
        .forEachRemaining(
            e ->
                fields.add(
                    Map.entry(
                        e.getKey(),
                        e.getValue().isValueNode()
                            ? e.getValue().asText()
                            : e.getValue().toString())));
    console.page(
        c,
        "record.jte",
        Map.of("v", console.view(c), "r", new AuditModels.RecordPage(node, id, fields)));
  }

  /** The most rows one export writes. */
  static final int MAX_EXPORT_ROWS = 100_000;

  /** Rows asked of the gateway per page while exporting. */
  static final int EXPORT_PAGE = 1_000;

  private static final CsvSchema RECORDS_CSV =
      CsvSchema.builder()
          .addColumn("id")
          .addColumn("at")
          .addColumn("side")
          .addColumn("client")
          .addColumn("service")
          .addColumn("method")
          .addColumn("path")
          .addColumn("outcome")
          .addColumn("errorCode")
          .addColumn("status")
          .addColumn("durationMs")
          .setUseHeader(true)
          .build();

  /**
   * The records search of {@code /records} as CSV: one gateway's records in the range, by service,
   * client and outcome, streamed as the gateway's API pages them (its cursor), at most {@link
   * #MAX_EXPORT_ROWS} rows; a cell a spreadsheet would run as a formula is written as text.
   */
  private void recordsCsv(Call c) throws IOException {
    var q = c.request().query();
    String node = q.first("node").orElse("");
    Gateways.Endpoint api = console.gateways().endpoint(node, Gateways.Remote::monitoring);
    Instant now = console.clock().instant();
    Map<String, String> params = new TreeMap<>();
    params.put(
        "from",
        Console.instant(q.first("from").asOptional(), now.minus(Duration.ofHours(1)), "from")
            .toString());
    params.put(
        "to", Console.instant(q.first("to").asOptional(), now.plusSeconds(60), "to").toString());
    params.put("service", q.first("service").orElse("").strip());
    params.put("client", q.first("client").orElse("").strip());
    params.put(
        "outcome",
        q.first("outcome")
            .filter(o -> List.of("success", "refused", "failed").contains(o))
            .orElse(""));
    params.put("limit", Integer.toString(EXPORT_PAGE));
    // the first page is asked before anything is sent, so that a refusal is still an error page
    Gateways.Records page =
        console
            .gateways()
            .ask(api, "/monitoring/v1/records" + Gateways.query(params), Gateways.Records.class);
    c.response().header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
    c.response()
        .header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"ban-ghi-van-hanh.csv\"");
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.response().header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    int rows = 0;
    boolean more = true;
    try (OutputStream out = c.response().outputStream();
        SequenceWriter csv = RECORDS_WRITER.writeValues(out)) {
      while (true) {
        for (Gateways.Record x : page.records()) {
          if (rows == MAX_EXPORT_ROWS) {
            break;
          }
          csv.write(
              List.of(
                  Long.toString(x.id()),
                  x.at().toString(),
                  Console.cell(Objects.toString(x.securityServerType(), "")),
                  Console.cell(Objects.toString(x.clientId(), "")),
                  Console.cell(Objects.toString(x.serviceId(), "")),
                  Console.cell(Objects.toString(x.restMethod(), "")),
                  Console.cell(Objects.toString(x.restPath(), "")),
                  Console.cell(Objects.toString(x.outcome(), "")),
                  Console.cell(Objects.toString(x.errorCode(), "")),
                  Integer.toString(x.statusCode()),
                  Long.toString(x.totalDuration())));
          rows++;
        }
        if (page.next() == null || rows >= MAX_EXPORT_ROWS) {
          more = page.next() != null;
          break;
        }
        params.put("after", Long.toString(page.next()));
        page =
            console
                .gateways()
                .ask(
                    api, "/monitoring/v1/records" + Gateways.query(params), Gateways.Records.class);
      }
    }
    Changes.note(
        "gateway "
            + node
            + " from "
            + params.get("from")
            + " to "
            + params.get("to")
            + ": "
            + rows
            + " records exported"
            + (more ? " (cut at " + MAX_EXPORT_ROWS + ")" : ""));
  }

  private static final com.fasterxml.jackson.databind.ObjectWriter RECORDS_WRITER =
      new CsvMapper().writer(RECORDS_CSV);

  // ---- ledger

  /** The keys this registry knows checkpoints by: its consent log's and the witnessed logs'. */
  private Map<String, NoteVerifier> knownLogs() {
    Map<String, NoteVerifier> keys = new LinkedHashMap<>();
    sources.consentLog().ifPresent(l -> keys.put(CONSENT_LOG, l.verifier()));
    sources.witness().ifPresent(w -> w.logs().forEach(k -> keys.put(k.name(), k)));
    return keys;
  }

  private void ledger(Call c) {
    Optional<AuditModels.ConsentLogView> log =
        sources
            .consentLog()
            .map(
                l -> {
                  NoteVerifier key = l.verifier();
                  // searched and paged first: only the page's signatures are checked
                  Paged<StoredCheckpoint> page =
                      Paged.of(
                          consentLog.orElseThrow().checkpoints().stream()
                              .sorted(Comparator.comparingLong(StoredCheckpoint::size).reversed())
                              .toList(),
                          cp -> cp.size() + " " + cp.checkpoint().head().rootBase64(),
                          Console.query(c),
                          console.pageNumber(c),
                          console.pageSize());
                  return new AuditModels.ConsentLogView(
                      key.name(),
                      key.toString(),
                      l.size(),
                      new Paged<>(
                          page.items().stream().map(cp -> row(cp, key)).toList(),
                          page.page(),
                          page.pages(),
                          page.total(),
                          page.query()));
                });
    List<AuditModels.WitnessedRow> witnessed = new ArrayList<>();
    sources
        .witness()
        .ifPresent(
            w -> {
              NoteVerifier witnessKey = w.verifier();
              for (NoteVerifier logKey : w.logs()) {
                Optional<SignedNote> note = w.latest(logKey.name());
                witnessed.add(
                    note.map(
                            n -> {
                              Checkpoint cp = Checkpoint.parse(n.text());
                              return new AuditModels.WitnessedRow(
                                  logKey.name(),
                                  Optional.of(cp.size()),
                                  Base64.getEncoder().encodeToString(cp.rootHash()),
                                  n.verifiedBy(logKey),
                                  n.cosignedAt(witnessKey),
                                  n.format());
                            })
                        .orElseGet(
                            () ->
                                new AuditModels.WitnessedRow(
                                    logKey.name(),
                                    Optional.empty(),
                                    "",
                                    false,
                                    Optional.empty(),
                                    "")));
              }
            });
    console.page(
        c,
        "ledger.jte",
        Map.of(
            "v",
            console.view(c),
            "l",
            new AuditModels.LedgerPage(
                log,
                witnessed,
                sources.witness().map(w -> w.verifier().toString()),
                List.copyOf(knownLogs().keySet()))));
  }

  private static AuditModels.CheckpointRow row(StoredCheckpoint cp, NoteVerifier key) {
    List<String> cosigners =
        cp.note().signatures().stream()
            .map(SignedNote.Line::name)
            .filter(n -> !n.equals(key.name()))
            .toList();
    return new AuditModels.CheckpointRow(
        cp.size(),
        cp.checkpoint().head().rootBase64(),
        cp.createdAt(),
        cp.note().verifiedBy(key),
        cosigners,
        cp.timestampToken().isPresent());
  }

  /**
   * A consent-log record and its inclusion proof against the smallest checkpoint covering it (or
   * the one of {@code size}), each step checked here: the record's bytes hash to the stored leaf,
   * the audit path leads from it to the checkpoint's root (RFC 9162), and the checkpoint is signed
   * by the consent log's key.
   */
  private void proof(Call c) {
    LedgerReader reader =
        consentLog.orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.RESOURCE_NOT_FOUND, "this registry keeps no consent log"));
    NoteVerifier key = sources.consentLog().orElseThrow().verifier();
    long index = number(c, "index").orElse(-1L);
    LedgerEntry entry =
        (index < 0 ? Optional.<LedgerEntry>empty() : reader.get(index))
            .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such record"));
    Optional<Long> size = number(c, "size");
    StoredCheckpoint cp =
        (size.isPresent() ? reader.checkpointAt(size.get()) : reader.checkpointCovering(index))
            .filter(x -> x.size() > index)
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.RESOURCE_NOT_FOUND,
                        "no published checkpoint of that size covers this record"));
    List<byte[]> path = reader.inclusionProof(index, cp.size());
    byte[] leaf = entry.leafHash();
    boolean leafMatches =
        java.security.MessageDigest.isEqual(Merkle.leafHash(entry.record().canonical()), leaf);
    boolean included =
        Merkle.verifyInclusion(index, cp.size(), leaf, path, cp.checkpoint().rootHash());
    Base64.Encoder b64 = Base64.getEncoder();
    console.page(
        c,
        "ledgerProof.jte",
        Map.of(
            "v",
            console.view(c),
            "p",
            new AuditModels.ProofPage(
                key.name(),
                entry.index(),
                entry.recordedAt(),
                entry.record(),
                b64.encodeToString(leaf),
                leafMatches,
                path.stream().map(b64::encodeToString).toList(),
                cp.size(),
                cp.checkpoint().head().rootBase64(),
                cp.note().format(),
                included,
                cp.note().verifiedBy(key))));
  }

  private static Optional<Long> number(Call c, String name) {
    Optional<String> v = c.request().query().first(name).asOptional().filter(x -> !x.isBlank());
    if (v.isPresent() && !v.get().matches("[0-9]{1,18}")) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, name + " must be a record number");
    }
    return v.map(Long::parseLong);
  }

  // ---- export verification

  /** A Helidon request as Commons FileUpload reads it (its declared type and length, its body). */
  private record Upload(Call call) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return StandardCharsets.UTF_8.name();
    }

    @Override
    public long getContentLength() {
      return call.request().headers().contentLength().orElse(-1L);
    }

    @Override
    public String getContentType() {
      return call.request().headers().first(HeaderNames.CONTENT_TYPE).orElse("");
    }

    @Override
    public InputStream getInputStream() {
      return call.request().content().inputStream();
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }

    @Override
    public Charset getCharset() {
      return StandardCharsets.UTF_8;
    }
  }

  /** The streaming (no temporary file) multipart reader, bounded in size. */
  private static final class Multipart
      extends AbstractFileUpload<Call, DiskFileItem, DiskFileItemFactory> {
    Multipart() {
      setMaxSize(MAX_UPLOAD);
      setMaxFileSize(MAX_UPLOAD);
      setMaxFileCount(8);
    }

    @Override
    public FileItemInputIterator getItemIterator(Call c) throws FileUploadException, IOException {
      return getItemIterator(new Upload(c));
    }

    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(Call c) {
      throw new UnsupportedOperationException("the console streams its uploads");
    }

    @Override
    public List<DiskFileItem> parseRequest(Call c) {
      throw new UnsupportedOperationException("the console streams its uploads");
    }
  }

  /**
   * Verifies an uploaded export (a ZIP of the folder {@code lgsp ledger export} writes) with the
   * ledger module's verifier: pinned to the key of the log chosen in the form (or the export's own
   * key, with the verifier's warning), and, when asked, requiring the registry witness's
   * cosignature on the latest checkpoint. The form's fields come before the file, so the token is
   * checked before any of the file is read.
   */
  private void verify(Call c) throws IOException {
    Sessions.Session s = console.active(c.request()).orElseThrow();
    if (c.request().headers().contentLength().orElse(0L) > MAX_UPLOAD + 64 * 1024) {
      throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "the upload is too large");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Path dir = Files.createTempDirectory("lgsp-console-verify");
    try {
      boolean file = false;
      String fileName = "";
      try {
        FileItemInputIterator parts = new Multipart().getItemIterator(c);
        while (parts.hasNext()) {
          FileItemInput part = parts.next();
          if (part.isFormField()) {
            try (InputStream in = part.getInputStream()) {
              byte[] value = in.readNBytes(1025);
              if (value.length > 1024) {
                throw new LgspException(ErrorCode.REQUEST_MALFORMED, "a form field is too long");
              }
              fields.put(part.getFieldName(), new String(value, StandardCharsets.UTF_8));
            }
            continue;
          }
          if (!s.csrfMatches(fields.get("csrf"))) {
            throw new LgspException(
                ErrorCode.CONSOLE_CSRF_INVALID, "the form's token is missing or wrong");
          }
          if (!"export".equals(part.getFieldName()) || file) {
            throw new LgspException(ErrorCode.REQUEST_MALFORMED, "one file, named export");
          }
          file = true;
          fileName = Optional.ofNullable(part.getName()).orElse("");
          try (InputStream in = part.getInputStream()) {
            unzip(in, dir, MAX_EXPANDED);
          }
        }
      } catch (FileUploadSizeException e) {
        throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "the upload is too large");
      } catch (FileUploadException e) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the upload could not be read");
      }
      if (!s.csrfMatches(fields.get("csrf"))) {
        throw new LgspException(
            ErrorCode.CONSOLE_CSRF_INVALID, "the form's token is missing or wrong");
      }
      if (!file) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "no export file was sent");
      }
      String log = fields.getOrDefault("log", "");
      Map<String, NoteVerifier> known = knownLogs();
      if (!log.isEmpty() && !known.containsKey(log)) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "no such log");
      }
      List<NoteVerifier> keys = log.isEmpty() ? List.of() : List.of(known.get(log));
      boolean requireWitness =
          fields.getOrDefault("witness", "").equals("on") && sources.witness().isPresent();
      LedgerVerifier.Witnesses witnesses =
          requireWitness
              ? new LedgerVerifier.Witnesses(List.of(sources.witness().get().verifier()), 1)
              : LedgerVerifier.Witnesses.none();
      LedgerVerifier.Result result =
          LedgerVerifier.verify(dir, keys, List.of(), Optional.empty(), witnesses, p -> {});
      String safeName = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
      Changes.note(
          "export "
              + safeName
              + " against "
              + (log.isEmpty() ? "its own key" : log)
              + (requireWitness ? " and the registry witness" : "")
              + ": "
              + (result.sound() ? "SOUND" : "UNSOUND")
              + ", "
              + result.records()
              + " records, "
              + result.checkpoints()
              + " checkpoints");
      console.page(
          c,
          "ledgerVerify.jte",
          Map.of(
              "v",
              console.view(c),
              "r",
              new AuditModels.VerifyPage(
                  safeName, log.isEmpty() ? "" : log, requireWitness, result)));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Unzips an export into {@code dir}: only the export's own file names (no other path, so nothing
   * is written outside {@code dir}), at most {@link #MAX_FILES} files and {@code maxExpanded} bytes
   * in all.
   */
  static void unzip(InputStream zipped, Path dir, long maxExpanded) throws IOException {
    long total = 0;
    int files = 0;
    try (ZipInputStream zip = new ZipInputStream(zipped, StandardCharsets.UTF_8)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (e.isDirectory()) {
          continue;
        }
        Matcher m = EXPORT_FILE.matcher(e.getName());
        if (!m.matches()) {
          throw new LgspException(
              ErrorCode.REQUEST_MALFORMED,
              "the ZIP holds a file that is not part of a ledger export");
        }
        if (++files > MAX_FILES) {
          throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "the export has too many files");
        }
        Path target = dir.resolve(m.group(1)).normalize();
        if (!target.startsWith(dir) || Files.exists(target)) {
          throw new LgspException(ErrorCode.REQUEST_MALFORMED, "a file is named twice");
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = zip.read(buf)) > 0) {
            total += n;
            if (total > maxExpanded) {
              throw new LgspException(
                  ErrorCode.REQUEST_TOO_LARGE, "the export is too large once unzipped");
            }
            out.write(buf, 0, n);
          }
        }
      }
    } catch (ZipException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the file is not a readable ZIP");
    }
    if (files == 0) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the file is not a ledger export ZIP");
    }
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind holds only the uploaded export
    }
  }

  // ---- subject access

  private void subjectForm(Call c) {
    console.page(
        c,
        "subjects.jte",
        Map.of(
            "v",
            console.view(c),
            "s",
            AuditModels.SubjectsPage.form(sources.tracker().isPresent())));
  }

  /**
   * Looks up a personal ID through the citizen data tracker (every gateway's ledger, each access
   * with its inclusion proof), the purpose required; audited as the tracker's API audits a look-up,
   * by the subject's keyed hash under the tracker's key, never the ID. The answer is this POST's
   * page: the ID is never in a URL.
   */
  private void subjectLookup(Call c) {
    Sessions.Session s = console.active(c.request()).orElseThrow();
    var form = console.form(c, s);
    CitizenTracker tracker =
        sources
            .tracker()
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.RESOURCE_NOT_FOUND, "this registry runs no data tracker"));
    String id = form.first("personalId").orElse("").strip();
    String purpose = form.first("purpose").orElse("").strip();
    CitizenTracker.Lookup lookup = new CitizenTracker.Lookup(id, purpose);
    c.request().context().register(AUDIT_TARGET, tracker.auditTargetPrefix(id) + purpose);
    TrackerReport report = tracker.lookup(lookup, s.account().username());
    TrackerReportVerifier verifier = new TrackerReportVerifier(List.copyOf(knownLogs().values()));
    List<AuditModels.AccessRow> rows = new ArrayList<>();
    for (TrackerReport.Entry e : report.accesses()) {
      TrackerReport one =
          new TrackerReport(
              report.format(),
              report.subject(),
              report.purpose(),
              report.requester(),
              report.generatedAt(),
              report.complete(),
              report.gateways(),
              1,
              List.of(e),
              report.lookups());
      rows.add(new AuditModels.AccessRow(e, verifier.verify(one).problems()));
    }
    Changes.note(
        rows.size()
            + " accesses, "
            + (report.complete() ? "every gateway answered" : "incomplete"));
    console.page(
        c,
        "subjects.jte",
        Map.of(
            "v",
            console.view(c),
            "s",
            new AuditModels.SubjectsPage(true, Optional.of(report), rows, purpose)));
  }
}
