package org.openlgsp.ledger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.RuntimeUnknownHostException;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;

/**
 * The witness protocol over HTTP, after C2SP tlog-witness: {@code POST
 * /ledger/v1/witness/add-checkpoint} with body {@code "old <size>\n"}, one base64 consistency-proof
 * hash per line, a blank line, then the signed checkpoint. 200 answers the cosignature line; 409
 * with content type {@code text/x.tlog.size} answers the size the witness knows; a fork or a bad
 * signature is a problem.
 */
public final class WitnessHttp {
  static final String SIZE_TYPE = "text/x.tlog.size";
  static final int MAX_BODY = 64 * 1024;

  private WitnessHttp() {}

  static String body(long oldSize, List<byte[]> proof, SignedNote note) {
    StringBuilder b = new StringBuilder("old ").append(oldSize).append('\n');
    proof.forEach(h -> b.append(Base64.getEncoder().encodeToString(h)).append('\n'));
    return b.append('\n').append(note.format()).toString();
  }

  /**
   * The witness's public routes (no bearer token: a log's signature is its credential, and what a
   * witness has seen is public by design): {@code POST /ledger/v1/witness/add-checkpoint}, {@code
   * GET /ledger/v1/witness/vkey} (its cosignature key) and {@code GET
   * /ledger/v1/witness/checkpoint?origin=O} (the latest checkpoint of log O it cosigned, with that
   * cosignature, for an auditor's {@code verify --checkpoint}).
   */
  public static List<Route> routes(Witness witness) {
    String open = "a log's signature is its credential; what a witness has seen is public";
    return List.of(
        Route.post("/ledger/v1/witness/add-checkpoint")
            .publicAccess(open)
            .audit(
                Audit.recordedElsewhere(
                    "the witness keeps the latest checkpoint it cosigned of each log"))
            .handle(c -> serve(witness, c)),
        Route.get("/ledger/v1/witness/vkey")
            .publicAccess(open)
            .audit(Audit.notAudited("a public key"))
            .handle(c -> LedgerHttp.text(c, witness.verifier() + "\n")),
        Route.get("/ledger/v1/witness/checkpoint")
            .publicAccess(open)
            .audit(Audit.notAudited("public cosigned checkpoints"))
            .handle(c -> latest(witness, c)));
  }

  private static void latest(Witness witness, Call c) {
    String origin = c.request().query().first("origin").orElse("");
    if (origin.isEmpty()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "query parameter origin missing");
    }
    SignedNote note =
        witness
            .latest(origin)
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.RESOURCE_NOT_FOUND,
                        "this witness has cosigned no checkpoint of " + origin));
    LedgerHttp.text(c, note.format());
  }

  /** Serves add-checkpoint for a local witness. */
  private static void serve(Witness witness, Call c) throws IOException {
    byte[] raw = c.body().readNBytes(MAX_BODY + 1);
    if (raw.length > MAX_BODY) {
      throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "add-checkpoint body too large");
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    int blank = text.indexOf("\n\n");
    if (!text.startsWith("old ") || blank < 0) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "expected old <size>, proof, checkpoint");
    }
    String[] head = text.substring(0, blank).split("\n");
    long old = LedgerHttp.number(head[0].substring(4), "old size");
    List<byte[]> proof = new ArrayList<>();
    for (int i = 1; i < head.length; i++) {
      try {
        proof.add(Base64.getDecoder().decode(head[i]));
      } catch (IllegalArgumentException e) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "proof line is not base64");
      }
    }
    SignedNote note;
    try {
      note = SignedNote.parse(text.substring(blank + 2));
    } catch (IllegalArgumentException e) {
      // the parser's message may quote the body: it is never passed on
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "checkpoint is not a signed note");
    }
    try {
      SignedNote.Line line = witness.cosign(old, proof, note);
      String formatted = note.with(line).format();
      LedgerHttp.text(c, formatted.substring(formatted.lastIndexOf("\n\u2014 ") + 1));
    } catch (Witness.StaleSize e) {
      c.response().status(Status.CONFLICT_409);
      c.response().header(HeaderNames.CONTENT_TYPE, SIZE_TYPE);
      c.response().send(e.knownSize() + "\n");
    }
  }

  /**
   * Asks a remote witness at {@code url} (its listener's base URL) to cosign: 5 s to connect, 10 s
   * for each read of the answer.
   */
  public static Checkpoints.WitnessClient client(String name, String url) {
    WebClient http =
        WebClient.builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(10))
            .followRedirects(false)
            .build();
    String endpoint =
        (url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
            + "/ledger/v1/witness/add-checkpoint";
    return new Checkpoints.WitnessClient() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public SignedNote.Line cosign(long oldSize, List<byte[]> proof, SignedNote note) {
        int status;
        String type;
        byte[] answer;
        try (HttpClientResponse r =
            http.post()
                .uri(endpoint)
                .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .submit(body(oldSize, proof, note).getBytes(StandardCharsets.UTF_8))) {
          status = r.status().code();
          type = r.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
          answer = r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0];
        } catch (UncheckedIOException | RuntimeUnknownHostException e) {
          throw new IllegalStateException("witness " + name + " unreachable: " + e.getMessage());
        }
        String text = new String(answer, StandardCharsets.UTF_8);
        if (status == 409 && type.startsWith(SIZE_TYPE)) {
          throw new Witness.StaleSize(LedgerHttp.number(text.strip(), "witness size"));
        }
        if (status != 200) {
          throw LgspException.fromProblem(answer, "witness " + name + " answered " + status);
        }
        List<SignedNote.Line> lines = SignedNote.parse(note.text() + "\n" + text).signatures();
        return lines.get(lines.size() - 1);
      }
    };
  }
}
