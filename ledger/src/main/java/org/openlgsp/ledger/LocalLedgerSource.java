package org.openlgsp.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.openlgsp.core.Json;
import org.openlgsp.storage.Database;

/** A ledger read from its database directly. */
record LocalLedgerSource(
    Database db,
    LedgerReader reader,
    Optional<NoteVerifier> key,
    org.openlgsp.ledger.SubjectHasher subjects)
    implements LedgerSource {
  @Override
  public String subjectReport(String personalId, boolean html) {
    SubjectAccess.Report r =
        new SubjectAccess(reader, subjects, id -> id.toString())
            .report(new org.openlgsp.core.PersonalId(personalId));
    return html ? r.html() : new String(Json.write(r.json()), StandardCharsets.UTF_8);
  }

  @Override
  public String latestCheckpoint() {
    return reader.latestCheckpoint().orElseThrow(LedgerHttp::noCheckpoint).note().format();
  }

  @Override
  public Object record(long index) {
    return LedgerJson.entry(LedgerOps.record(reader, index));
  }

  @Override
  public Object byMessageId(String messageId) {
    return reader.byMessageId(messageId).stream().map(LedgerJson::entry).toList();
  }

  @Override
  public Object inclusion(long index, OptionalLong size) {
    return LedgerOps.inclusion(reader, index, size);
  }

  @Override
  public Object consistency(long first, long second) {
    return LedgerJson.consistency(first, second, reader.consistencyProof(first, second));
  }

  @Override
  public void export(Path dir, Consumer<String> progress) {
    LedgerExport.write(db, key, dir, progress);
  }

  @Override
  public void close() {
    db.close();
  }
}
