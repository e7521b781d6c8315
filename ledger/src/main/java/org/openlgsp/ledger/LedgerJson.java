package org.openlgsp.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openlgsp.core.Digests;

/** The JSON shapes of the ledger API and CLI (one definition for both). */
final class LedgerJson {
  private LedgerJson() {}

  static Map<String, Object> entry(LedgerEntry e) {
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

  static Map<String, Object> checkpoint(StoredCheckpoint c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", c.size());
    out.put("rootHash", c.checkpoint().head().rootBase64());
    out.put("createdAt", c.createdAt().toString());
    out.put("note", c.note().format());
    out.put("timestampToken", c.timestampToken().map(Digests::base64).orElse(""));
    return out;
  }

  static Map<String, Object> inclusion(
      long index, long size, byte[] leafHash, List<byte[]> path, StoredCheckpoint checkpoint) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("index", index);
    out.put("treeSize", size);
    out.put("leafHash", Digests.base64(leafHash));
    out.put("path", path.stream().map(Digests::base64).toList());
    out.put("checkpoint", checkpoint.note().format());
    return out;
  }

  static Map<String, Object> consistency(long first, long second, List<byte[]> path) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("first", first);
    out.put("second", second);
    out.put("path", path.stream().map(Digests::base64).toList());
    return out;
  }
}
