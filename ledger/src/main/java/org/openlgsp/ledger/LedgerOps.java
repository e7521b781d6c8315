package org.openlgsp.ledger;

import java.util.List;
import java.util.OptionalLong;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Ledger queries shared by the HTTP API and the CLI's direct-database mode. */
final class LedgerOps {
  private LedgerOps() {}

  /**
   * An inclusion proof against a published checkpoint: the one of {@code size} when given, else the
   * latest, so the proof can be checked with the checkpoint alone.
   */
  static InclusionProof inclusion(LedgerReader reader, long index, OptionalLong size) {
    StoredCheckpoint cp =
        (size.isPresent() ? reader.checkpointAt(size.getAsLong()) : reader.latestCheckpoint())
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.RESOURCE_NOT_FOUND,
                        size.isPresent()
                            ? "no checkpoint of size " + size.getAsLong()
                            : "no checkpoint published yet"));
    if (index >= cp.size()) {
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND,
          "record " + index + " is not covered by the checkpoint of size " + cp.size() + " yet");
    }
    List<byte[]> path = reader.inclusionProof(index, cp.size());
    byte[] leaf = reader.leafHashes(index, index + 1).get(0);
    return InclusionProof.of(index, cp.size(), leaf, path, cp);
  }

  static ConsistencyProof consistency(LedgerReader reader, long first, long second) {
    return ConsistencyProof.of(first, second, reader.consistencyProof(first, second));
  }

  static EntryView record(LedgerReader reader, long index) {
    return EntryView.of(
        reader
            .get(index)
            .orElseThrow(
                () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no record " + index)));
  }

  static List<EntryView> byMessageId(LedgerReader reader, String messageId) {
    return reader.byMessageId(messageId).stream().map(EntryView::of).toList();
  }

  static String latestCheckpoint(LedgerReader reader) {
    return reader.latestCheckpoint().orElseThrow(LedgerOps::noCheckpoint).note().format();
  }

  static LgspException noCheckpoint() {
    return new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no checkpoint published yet");
  }
}
