package org.openlgsp.ledger;

import java.nio.file.Path;

/** File names of a ledger export folder. */
final class ExportFiles {
  static final String FORMAT = "openlgsp-ledger-export/v1";
  static final String MANIFEST = "MANIFEST.txt";
  static final String VKEY = "log.vkey";
  static final String RECORDS = "records.bin";
  static final String LEAVES = "leaves.bin";
  static final String CHECKPOINTS = "checkpoints";

  private ExportFiles() {}

  static Path note(Path dir, long size) {
    return dir.resolve(CHECKPOINTS).resolve(String.format("%020d.note", size));
  }

  static Path timestamp(Path dir, long size) {
    return dir.resolve(CHECKPOINTS).resolve(String.format("%020d.tsr", size));
  }
}
