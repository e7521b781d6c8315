package org.openlgsp.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.openlgsp.storage.Database;

/** Where the CLI reads a ledger: the node's database directly, or the node's auditor API. */
public interface LedgerSource extends AutoCloseable {
  /** The latest signed checkpoint, as a signed note. */
  String latestCheckpoint();

  EntryView record(long index);

  List<EntryView> byMessageId(String messageId);

  /** The inclusion proof of a record against the checkpoint of {@code size}, else the latest. */
  InclusionProof inclusion(long index, OptionalLong size);

  ConsistencyProof consistency(long first, long second);

  Optional<NoteVerifier> key();

  /** The subject-access report for a 12-digit personal ID. */
  SubjectAccessReport subjectAccess(String personalId);

  void export(Path dir, Consumer<String> progress);

  @Override
  void close();

  /** Reads a gateway's ledger database directly (safe beside the running node). */
  static LedgerSource local(Database db, SubjectHasher subjects) {
    return new LocalLedgerSource(db, LedgerReader.open(db), Optional.empty(), subjects);
  }

  /** As above, with the key that verifies the ledger's checkpoints. */
  static LedgerSource local(Database db, NoteVerifier key, SubjectHasher subjects) {
    return new LocalLedgerSource(db, LedgerReader.open(db), Optional.of(key), subjects);
  }

  /** The auditor API of a running node. */
  static LedgerSource http(String url, String token) {
    return new LedgerClient(url, token);
  }

  /** Parses a key given inline ({@code name+id+key}) or as a file holding one. */
  static NoteVerifier parseKey(String keyOrFile) {
    try {
      Path p = Path.of(keyOrFile);
      if (Files.isRegularFile(p)) {
        String text = Files.readString(p).strip();
        return text.startsWith("PRIVATE+KEY+")
            ? NoteKey.parse(text).verifier()
            : NoteVerifier.parse(text);
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      // fall through: treat as the key text itself
    }
    return NoteVerifier.parse(keyOrFile);
  }
}
