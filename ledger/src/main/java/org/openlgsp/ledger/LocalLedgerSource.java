package org.openlgsp.ledger;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.PersonalId;
import org.openlgsp.storage.Database;

/** A ledger read from its database directly. */
record LocalLedgerSource(
    Database db, LedgerReader reader, Optional<NoteVerifier> key, SubjectHasher subjects)
    implements LedgerSource {
  @Override
  public SubjectAccessReport subjectAccess(String personalId) {
    return new SubjectAccess(reader, subjects, ClientId::toString)
        .report(new PersonalId(personalId));
  }

  @Override
  public String latestCheckpoint() {
    return LedgerOps.latestCheckpoint(reader);
  }

  @Override
  public EntryView record(long index) {
    return LedgerOps.record(reader, index);
  }

  @Override
  public List<EntryView> byMessageId(String messageId) {
    return LedgerOps.byMessageId(reader, messageId);
  }

  @Override
  public InclusionProof inclusion(long index, OptionalLong size) {
    return LedgerOps.inclusion(reader, index, size);
  }

  @Override
  public ConsistencyProof consistency(long first, long second) {
    return LedgerOps.consistency(reader, first, second);
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
