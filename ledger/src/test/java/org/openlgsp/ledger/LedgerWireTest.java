package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;

/**
 * The ledger API's records write the JSON its clients have always read: the same field names and
 * shapes as the maps it used to build (spelled out here), and they read back equal.
 */
class LedgerWireTest {
  @TempDir Path dir;

  @Test
  void recordsWriteTheFormerJsonAndReadBackEqual() {
    NoteKey key = NoteKey.generate("VN/GOV/000.00.00.H53/gw1", NoteKey.TYPE_ED25519);
    try (Database db = Database.sqlite(dir.resolve("l.db"));
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      ledger.append(Records.sample("w-0"));
      ledger.append(Records.sample("w-1"));
      ledger.append(Records.sample("w-2"));
      StoredCheckpoint cp = checkpoints(db, ledger, key, Optional.of(new byte[] {1, 2, 3}));
      LedgerReader reader = LedgerReader.open(db);
      LedgerEntry entry = reader.get(1).orElseThrow();

      assertSameJson(EntryView.of(entry), formerEntry(entry), EntryView.class);
      assertSameJson(CheckpointView.of(cp), formerCheckpoint(cp), CheckpointView.class);
      InclusionProof inclusion = LedgerOps.inclusion(reader, 1, OptionalLong.empty());
      Map<String, Object> formerInclusion = new LinkedHashMap<>();
      formerInclusion.put("index", 1L);
      formerInclusion.put("treeSize", 3L);
      formerInclusion.put("leafHash", Digests.base64(entry.leafHash()));
      formerInclusion.put(
          "path", reader.inclusionProof(1, 3).stream().map(Digests::base64).toList());
      formerInclusion.put("checkpoint", cp.note().format());
      assertSameJson(inclusion, formerInclusion, InclusionProof.class);
      Map<String, Object> formerConsistency = new LinkedHashMap<>();
      formerConsistency.put("first", 1L);
      formerConsistency.put("second", 3L);
      formerConsistency.put(
          "path", reader.consistencyProof(1, 3).stream().map(Digests::base64).toList());
      assertSameJson(
          LedgerOps.consistency(reader, 1, 3), formerConsistency, ConsistencyProof.class);
      assertSameJson(
          new SegmentView(0, 2, "abc"),
          Map.of("first", 0L, "end", 2L, "sha256", "abc"),
          SegmentView.class);
    }
  }

  @Test
  void aSubjectAccessReportWritesTheFormerJsonWithEitherProof() {
    NoteKey key = NoteKey.generate("VN/GOV/000.00.00.H53/gw1", NoteKey.TYPE_ED25519);
    SubjectHasher hasher = new SubjectHasher(new byte[32]);
    String citizen = "079090001234";
    try (Database db = Database.sqlite(dir.resolve("s.db"));
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      ledger.append(Records.withSubject(Records.sample("s-0"), hasher.hash(citizen)));
      checkpoints(db, ledger, key, Optional.empty());
      ledger.append(Records.withSubject(Records.sample("s-1"), hasher.hash(citizen)));
      LedgerReader reader = LedgerReader.open(db);
      SubjectAccessReport report =
          new SubjectAccess(reader, hasher, id -> "Bộ Công an")
              .report(new org.openlgsp.core.PersonalId(citizen));

      Map<String, Object> former = new LinkedHashMap<>();
      former.put("subject", "*********234");
      former.put("accessCount", 2);
      former.put(
          "accesses",
          List.of(
              formerAccess(
                  reader.get(0).orElseThrow(),
                  Json.read(
                      Json.write(LedgerOps.inclusion(reader, 0, OptionalLong.empty())), Map.class)),
              formerAccess(
                  reader.get(1).orElseThrow(),
                  Map.of("pending", "recorded; not yet covered by a published checkpoint"))));
      assertSameJson(report, former, SubjectAccessReport.class);
      assertThat(report.html())
          .contains("included in checkpoint of size 1")
          .contains("recorded; not yet covered by a published checkpoint")
          .doesNotContain(citizen);
    }
  }

  private static <T> void assertSameJson(T value, Map<String, ?> former, Class<T> type) {
    byte[] json = Json.write(value);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(new String(Json.write(former), StandardCharsets.UTF_8));
    assertThat(Json.read(json, type)).isEqualTo(value);
  }

  /** Publishes a checkpoint, time-stamped with {@code token} when given. */
  private static StoredCheckpoint checkpoints(
      Database db, Ledger ledger, NoteKey key, Optional<byte[]> token) {
    Timestamper tsa =
        new Timestamper() {
          @Override
          public String name() {
            return "fixed";
          }

          @Override
          public Optional<byte[]> timestamp(byte[] digest) {
            return token;
          }
        };
    return new Checkpoints(
            db, ledger, key, tsa, CheckpointPolicy.defaults(), List.of(), Clock.systemUTC())
        .publish();
  }

  /** As the auditor API wrote a record before it had records of its own. */
  private static Map<String, Object> formerEntry(LedgerEntry e) {
    ExchangeRecord r = e.record();
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("messageId", r.messageId());
    rec.put("requestId", r.requestId());
    rec.put("side", r.side().name());
    rec.put("node", r.node().toString());
    rec.put("client", r.client().toString());
    rec.put("service", r.service().toString());
    rec.put("method", r.method());
    rec.put("path", r.path());
    rec.put("status", r.status());
    rec.put("requestTime", r.requestTime().toString());
    rec.put("responseTime", r.responseTime().toString());
    rec.put("requestBodyDigest", r.requestBodyDigest());
    rec.put("responseBodyDigest", r.responseBodyDigest());
    rec.put("userId", r.userId());
    rec.put("issue", r.issue());
    rec.put("errorCode", r.errorCode());
    rec.put("subjectHash", r.subjectHash());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("index", e.index());
    out.put("recordedAt", e.recordedAt().toString());
    out.put("leafHash", Digests.base64(e.leafHash()));
    out.put("canonical", Digests.base64(r.canonical()));
    out.put("record", rec);
    return out;
  }

  private static Map<String, Object> formerCheckpoint(StoredCheckpoint c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", c.size());
    out.put("rootHash", c.checkpoint().head().rootBase64());
    out.put("createdAt", c.createdAt().toString());
    out.put("note", c.note().format());
    out.put("timestampToken", c.timestampToken().map(Digests::base64).orElse(""));
    return out;
  }

  private static Map<String, Object> formerAccess(LedgerEntry e, Map<?, ?> proof) {
    ExchangeRecord r = e.record();
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("index", e.index());
    item.put("time", r.requestTime().toString());
    item.put("agency", "Bộ Công an");
    item.put("agencyCode", r.client().memberId().toString());
    item.put("system", r.client().toString());
    item.put("service", r.service().toString());
    item.put("side", r.side().name());
    item.put("officer", r.userId());
    item.put("purpose", r.issue());
    item.put("status", r.status());
    item.put("leafHash", Digests.base64(e.leafHash()));
    item.put("record", Digests.base64(r.canonical())); // since the citizen data tracker
    item.put("proof", proof);
    return item;
  }
}
