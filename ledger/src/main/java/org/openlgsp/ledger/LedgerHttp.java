package org.openlgsp.ledger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;
import org.openlgsp.core.Problem;

/**
 * The auditor API of a gateway node's ledger, under {@code /ledger/v1}: checkpoints, records,
 * inclusion and consistency proofs, the raw export an offline verifier reads, and subject-access
 * reports. Every route needs {@code Authorization: Bearer <auditor token>}.
 */
public final class LedgerHttp implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LedgerHttp.class.getName());
  static final int MAX_PAGE = 10_000;

  private final LedgerReader reader;
  private final NoteVerifier key;
  private final byte[] tokenSha256;
  private final SubjectAccess subjects;
  private final WebServer server;

  public LedgerHttp(
      LedgerReader reader,
      NoteVerifier key,
      String tokenSha256Hex,
      SubjectAccess subjects,
      String host,
      int port) {
    this(reader, key, tokenSha256Hex, subjects, java.util.Optional.empty(), host, port);
  }

  /** With a witness: other logs post their checkpoints to be cosigned (no bearer token). */
  public LedgerHttp(
      LedgerReader reader,
      NoteVerifier key,
      String tokenSha256Hex,
      SubjectAccess subjects,
      java.util.Optional<org.openlgsp.ledger.Witness> witness,
      String host,
      int port) {
    this.reader = reader;
    this.key = key;
    this.tokenSha256 = java.util.HexFormat.of().parseHex(tokenSha256Hex);
    this.subjects = subjects;
    HttpRouting.Builder routing = HttpRouting.builder();
    witness.ifPresent(w -> WitnessHttp.routes(routing, w));
    routing
        .get("/ledger/v1/checkpoint", auth(this::checkpoint))
        .get("/ledger/v1/checkpoints", auth(this::checkpoints))
        .get("/ledger/v1/vkey", auth((req, res) -> text(res, key + "\n")))
        .get("/ledger/v1/records/{index}", auth(this::record))
        .get("/ledger/v1/records", auth(this::recordsByMessageId))
        .get("/ledger/v1/proofs/inclusion", auth(this::inclusion))
        .get("/ledger/v1/proofs/consistency", auth(this::consistency))
        .get("/ledger/v1/export/records", auth(this::exportRecords))
        .get("/ledger/v1/export/leaves", auth(this::exportLeaves))
        .get("/ledger/v1/export/segments", auth(this::segments))
        .get("/ledger/v1/export/segments/{first}", auth(this::segment))
        .get("/ledger/v1/subjects/{personalId}/accesses", auth(this::subjectAccess))
        .any(
            (req, res) ->
                problem(res, new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such endpoint")));
    this.server = WebServer.builder().host(host).port(port).routing(routing).build().start();
  }

  public int port() {
    return server.port();
  }

  private Handler auth(Handler handler) {
    return (req, res) -> {
      try {
        String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
          throw new LgspException(
              ErrorCode.ADMIN_UNAUTHENTICATED, "send Authorization: Bearer <auditor token>");
        }
        byte[] presented =
            Digests.sha256(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        if (!Digests.constantTimeEquals(presented, tokenSha256)) {
          throw new LgspException(ErrorCode.ADMIN_UNAUTHENTICATED, "auditor token not accepted");
        }
        handler.handle(req, res);
      } catch (LgspException e) {
        problem(res, e);
      } catch (IllegalArgumentException e) {
        problem(res, new LgspException(ErrorCode.REQUEST_MALFORMED, e.getMessage()));
      } catch (Exception e) {
        LOG.log(Level.WARNING, "ledger API failure", e);
        problem(res, new LgspException(ErrorCode.INTERNAL_ERROR, "internal error"));
      }
    };
  }

  private void checkpoint(ServerRequest req, ServerResponse res) {
    StoredCheckpoint c = reader.latestCheckpoint().orElseThrow(LedgerHttp::noCheckpoint);
    text(res, c.note().format());
  }

  private void checkpoints(ServerRequest req, ServerResponse res) {
    json(res, reader.checkpoints().stream().map(LedgerJson::checkpoint).toList());
  }

  private void record(ServerRequest req, ServerResponse res) {
    long index = number(req.path().pathParameters().get("index"), "index");
    LedgerEntry e =
        reader
            .get(index)
            .orElseThrow(
                () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no record " + index));
    json(res, LedgerJson.entry(e));
  }

  private void recordsByMessageId(ServerRequest req, ServerResponse res) {
    String id = req.query().contains("messageId") ? req.query().get("messageId") : "";
    if (id.isEmpty()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "give ?messageId=");
    }
    json(res, reader.byMessageId(id).stream().map(LedgerJson::entry).toList());
  }

  private void inclusion(ServerRequest req, ServerResponse res) {
    long index = number(query(req, "index"), "index");
    json(res, LedgerOps.inclusion(reader, index, optionalNumber(req, "size")));
  }

  private void consistency(ServerRequest req, ServerResponse res) {
    long first = number(query(req, "first"), "first");
    long second = number(query(req, "second"), "second");
    json(res, LedgerJson.consistency(first, second, reader.consistencyProof(first, second)));
  }

  private void exportRecords(ServerRequest req, ServerResponse res) throws IOException {
    long from = number(query(req, "from"), "from");
    int limit = (int) Math.min(MAX_PAGE, optionalNumber(req, "limit").orElse(MAX_PAGE));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (Ledger.Raw r : reader.rawRecords(from, limit)) {
      out.writeLong(r.index());
      out.writeInt(r.bytes().length);
      out.write(r.bytes());
    }
    res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
    res.send(bytes.toByteArray());
  }

  private void segments(ServerRequest req, ServerResponse res) {
    json(
        res,
        reader.archiveSegments().stream()
            .map(s -> java.util.Map.of("first", s.first(), "end", s.end(), "sha256", s.sha256()))
            .toList());
  }

  /** A retention segment as archived: gzip of framed records. */
  private void segment(ServerRequest req, ServerResponse res) throws IOException {
    long first = number(req.path().pathParameters().get("first"), "first");
    var s =
        reader.archiveSegments().stream()
            .filter(x -> x.first() == first)
            .findFirst()
            .orElseThrow(
                () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no segment at " + first));
    res.header(HeaderNames.CONTENT_TYPE, "application/gzip");
    try (var in = java.nio.file.Files.newInputStream(s.file());
        var out = res.outputStream()) {
      in.transferTo(out);
    }
  }

  private void exportLeaves(ServerRequest req, ServerResponse res) {
    long from = number(query(req, "from"), "from");
    long to = Math.min(from + MAX_PAGE, number(query(req, "to"), "to"));
    List<byte[]> leaves = reader.leafHashes(from, Math.max(from, to));
    byte[] out = new byte[leaves.size() * 32];
    for (int i = 0; i < leaves.size(); i++) {
      System.arraycopy(leaves.get(i), 0, out, i * 32, 32);
    }
    res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
    res.send(out);
  }

  private void subjectAccess(ServerRequest req, ServerResponse res) {
    PersonalId id = new PersonalId(req.path().pathParameters().get("personalId"));
    SubjectAccess.Report report = subjects.report(id);
    boolean html =
        "html".equals(req.query().contains("format") ? req.query().get("format") : "")
            || req.headers().first(HeaderNames.ACCEPT).orElse("").startsWith("text/html");
    if (html) {
      res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
      res.send(report.html().getBytes(StandardCharsets.UTF_8));
    } else {
      json(res, report.json());
    }
  }

  private static String query(ServerRequest req, String name) {
    if (!req.query().contains(name)) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "query parameter " + name + " missing");
    }
    return req.query().get(name);
  }

  private static java.util.OptionalLong optionalNumber(ServerRequest req, String name) {
    return req.query().contains(name)
        ? java.util.OptionalLong.of(number(req.query().get(name), name))
        : java.util.OptionalLong.empty();
  }

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

  /** The exception a problem document from this API stands for (client side). */
  static LgspException fromProblem(byte[] body) {
    try {
      java.util.Map<?, ?> p = Json.mapper().readValue(body, java.util.Map.class);
      ErrorCode code =
          ErrorCode.fromCode(String.valueOf(p.get("code"))).orElse(ErrorCode.INTERNAL_ERROR);
      return new LgspException(code, String.valueOf(p.get("detail")));
    } catch (IOException e) {
      return new LgspException(ErrorCode.INTERNAL_ERROR, "unreadable answer from the server");
    }
  }

  static LgspException noCheckpoint() {
    return new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no checkpoint published yet");
  }

  private static void text(ServerResponse res, String body) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }

  private static void json(ServerResponse res, Object body) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.write(body));
  }

  static void problem(ServerResponse res, LgspException e) {
    Problem p = e.toProblem();
    res.status(Status.create(e.code().httpStatus()));
    res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    res.send(p.toJsonBytes());
  }

  @Override
  public void close() {
    server.stop();
  }
}
