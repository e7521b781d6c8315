package org.openlgsp.ledger;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/**
 * The client of a node's auditor API ({@code /ledger/v1}, see {@link LedgerHttp}), with the auditor
 * token; a refusal comes back as the problem's code and detail.
 */
public final class LedgerClient implements LedgerSource {
  private final String base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public LedgerClient(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  private byte[] get(String path) {
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofMinutes(2))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw LedgerHttp.fromProblem(r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private Object json(String path) {
    return Json.read(get(path), Object.class);
  }

  @Override
  public String latestCheckpoint() {
    return new String(get("/ledger/v1/checkpoint"), StandardCharsets.UTF_8);
  }

  @Override
  public Object record(long index) {
    return json("/ledger/v1/records/" + index);
  }

  @Override
  public Object byMessageId(String messageId) {
    return json(
        "/ledger/v1/records?messageId=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8));
  }

  @Override
  public Object inclusion(long index, OptionalLong size) {
    return json(
        "/ledger/v1/proofs/inclusion?index="
            + index
            + (size.isPresent() ? "&size=" + size.getAsLong() : ""));
  }

  @Override
  public Object consistency(long first, long second) {
    return json("/ledger/v1/proofs/consistency?first=" + first + "&second=" + second);
  }

  @Override
  public String subjectReport(String personalId, boolean html) {
    if (!org.openlgsp.core.PersonalId.isValid(personalId)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "a personal identification number has exactly 12 digits");
    }
    return new String(
        get("/ledger/v1/subjects/" + personalId + "/accesses" + (html ? "?format=html" : "")),
        StandardCharsets.UTF_8);
  }

  @Override
  public Optional<NoteVerifier> key() {
    return Optional.of(
        NoteVerifier.parse(new String(get("/ledger/v1/vkey"), StandardCharsets.UTF_8)));
  }

  /** Pulls the same files {@link LedgerExport} writes, page by page. */
  @Override
  @SuppressWarnings("unchecked")
  public void export(Path dir, Consumer<String> progress) {
    try {
      Path cps = dir.resolve("checkpoints");
      Files.createDirectories(cps);
      List<Map<String, Object>> all = (List<Map<String, Object>>) json("/ledger/v1/checkpoints");
      for (Map<String, Object> c : all) {
        long size = ((Number) c.get("size")).longValue();
        String note = (String) c.get("note");
        SignedNote.parse(note);
        Files.writeString(cps.resolve(String.format("%020d.note", size)), note);
        String tsr = (String) c.get("timestampToken");
        if (!tsr.isEmpty()) {
          Files.write(
              cps.resolve(String.format("%020d.tsr", size)),
              java.util.Base64.getDecoder().decode(tsr));
        }
      }
      Files.writeString(dir.resolve("log.vkey"), key().orElseThrow() + "\n");
      long records = 0;
      try (DataOutputStream out =
          new DataOutputStream(
              new java.io.BufferedOutputStream(
                  Files.newOutputStream(dir.resolve("records.bin")), 1 << 16))) {
        long next = 0;
        for (Map<String, Object> seg :
            (List<Map<String, Object>>) json("/ledger/v1/export/segments")) {
          long first = ((Number) seg.get("first")).longValue();
          byte[] gz = get("/ledger/v1/export/segments/" + first);
          try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz))) {
            in.transferTo(out); // same framing as records.bin
          }
          next = ((Number) seg.get("end")).longValue();
          records += next - first;
        }
        while (true) {
          byte[] page = get("/ledger/v1/export/records?from=" + next + "&limit=10000");
          if (page.length == 0) {
            break;
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
          if (records % 1_000_000 < 10_000) {
            progress.accept("downloaded " + records + " records");
          }
        }
      }
      try (OutputStream out = Files.newOutputStream(dir.resolve("leaves.bin"))) {
        for (long from = 0; ; from += 10_000) {
          byte[] page = get("/ledger/v1/export/leaves?from=" + from + "&to=" + (from + 10_000));
          out.write(page);
          if (page.length < 10_000 * 32) {
            break;
          }
        }
      }
      Files.writeString(
          dir.resolve("MANIFEST.txt"),
          "openlgsp-ledger-export/v1\nsource " + base + "\nrecords " + records + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the export to " + dir, e);
    }
  }

  @Override
  public void close() {}
}
