package org.openlgsp.ledger;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.RuntimeUnknownHostException;
import io.helidon.webclient.api.WebClient;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;

/**
 * The client of a node's auditor API ({@code /ledger/v1}, see {@link LedgerHttp}), with the auditor
 * token; answers are read into the records the API writes, and a refusal comes back as the
 * problem's code and detail. 5 s to connect, 2 minutes for each read (an export page is large).
 */
final class LedgerClient implements LedgerSource {
  private static final int PAGE = 10_000;
  private final String base;
  private final String token;
  private final WebClient http =
      WebClient.builder()
          .connectTimeout(Duration.ofSeconds(5))
          .readTimeout(Duration.ofMinutes(2))
          .followRedirects(false)
          .build();

  public LedgerClient(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  @FunctionalInterface
  private interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /** GETs {@code path} with {@code query} and reads a 200 answer's body; else the problem. */
  private <T> T get(String path, Map<String, String> query, BodyReader<T> reader) {
    HttpClientRequest request =
        http.get().uri(base + path).header(HeaderNames.AUTHORIZATION, "Bearer " + token);
    query.forEach(request::queryParam);
    try (HttpClientResponse r = request.request()) {
      if (r.status().code() != 200) {
        throw LgspException.fromProblem(
            bytes(r), "unreadable answer from the server (" + r.status().code() + ")");
      }
      return reader.read(r.entity().hasEntity() ? r.inputStream() : InputStream.nullInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException | RuntimeUnknownHostException e) {
      throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage());
    }
  }

  private static byte[] bytes(HttpClientResponse r) {
    return r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0];
  }

  private byte[] get(String path, Map<String, String> query) {
    return get(path, query, InputStream::readAllBytes);
  }

  private String text(String path) {
    return new String(get(path, Map.of()), StandardCharsets.UTF_8);
  }

  private <T> T json(String path, Map<String, String> query, Class<T> type) {
    return Json.read(get(path, query), type);
  }

  @Override
  public String latestCheckpoint() {
    return text("/ledger/v1/checkpoint");
  }

  @Override
  public EntryView record(long index) {
    return json("/ledger/v1/records/" + index, Map.of(), EntryView.class);
  }

  @Override
  public List<EntryView> byMessageId(String messageId) {
    return List.of(json("/ledger/v1/records", Map.of("messageId", messageId), EntryView[].class));
  }

  @Override
  public InclusionProof inclusion(long index, OptionalLong size) {
    return json(
        "/ledger/v1/proofs/inclusion",
        size.isPresent()
            ? Map.of("index", Long.toString(index), "size", Long.toString(size.getAsLong()))
            : Map.of("index", Long.toString(index)),
        InclusionProof.class);
  }

  @Override
  public ConsistencyProof consistency(long first, long second) {
    return json(
        "/ledger/v1/proofs/consistency",
        Map.of("first", Long.toString(first), "second", Long.toString(second)),
        ConsistencyProof.class);
  }

  @Override
  public SubjectAccessReport subjectAccess(String personalId) {
    if (!PersonalId.isValid(personalId)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "a personal identification number has exactly 12 digits");
    }
    return json(
        "/ledger/v1/subjects/" + personalId + "/accesses", Map.of(), SubjectAccessReport.class);
  }

  @Override
  public Optional<NoteVerifier> key() {
    return Optional.of(NoteVerifier.parse(text("/ledger/v1/vkey")));
  }

  /** Pulls the same files {@link LedgerExport} writes, page by page. */
  @Override
  public void export(Path dir, Consumer<String> progress) {
    try {
      Path cps = dir.resolve("checkpoints");
      Files.createDirectories(cps);
      for (CheckpointView c : json("/ledger/v1/checkpoints", Map.of(), CheckpointView[].class)) {
        SignedNote.parse(c.note());
        Files.writeString(cps.resolve(String.format("%020d.note", c.size())), c.note());
        Optional<byte[]> tsr = c.timestamp();
        if (tsr.isPresent()) {
          Files.write(cps.resolve(String.format("%020d.tsr", c.size())), tsr.get());
        }
      }
      Files.writeString(dir.resolve("log.vkey"), key().orElseThrow() + "\n");
      long records;
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(
                  Files.newOutputStream(dir.resolve("records.bin")), 1 << 16))) {
        records = exportRecords(out, progress);
      }
      try (OutputStream out = Files.newOutputStream(dir.resolve("leaves.bin"))) {
        for (long from = 0; ; from += PAGE) {
          byte[] page =
              get(
                  "/ledger/v1/export/leaves",
                  Map.of("from", Long.toString(from), "to", Long.toString(from + PAGE)));
          out.write(page);
          if (page.length < PAGE * 32) {
            break;
          }
        }
      }
      Files.writeString(
          dir.resolve("MANIFEST.txt"),
          "openlgsp-ledger-export/v1\nsource " + base + "\nrecords " + records + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the export to " + dir, e);
    }
  }

  /** Archived segments first, then the records still in the database; returns how many. */
  private long exportRecords(DataOutputStream out, Consumer<String> progress) throws IOException {
    long records = 0;
    long next = 0;
    for (SegmentView seg : json("/ledger/v1/export/segments", Map.of(), SegmentView[].class)) {
      get(
          "/ledger/v1/export/segments/" + seg.first(),
          Map.of(),
          body -> {
            try (InputStream in = new GZIPInputStream(body)) {
              return in.transferTo(out); // same framing as records.bin
            }
          });
      next = seg.end();
      records += seg.end() - seg.first();
    }
    while (true) {
      byte[] page =
          get(
              "/ledger/v1/export/records",
              Map.of("from", Long.toString(next), "limit", Integer.toString(PAGE)));
      if (page.length == 0) {
        return records;
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(page));
      while (in.available() > 0) {
        long index = in.readLong();
        byte[] record = in.readNBytes(in.readInt());
        out.writeInt(record.length);
        out.write(record);
        next = index + 1;
        records++;
      }
      if (records % 1_000_000 < PAGE) {
        progress.accept("downloaded " + records + " records");
      }
    }
  }

  @Override
  public void close() {}
}
