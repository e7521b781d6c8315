package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.openlgsp.core.Json;
import org.openlgsp.ledger.Checkpoint;
import org.openlgsp.ledger.InclusionProof;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.Merkle;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.SubjectAccessReport;
import org.openlgsp.node.CheckpointTimestamps;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lgsp ledger ...}: checkpoints, records, proofs, export and offline verification. */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Inspect, prove and verify a gateway's verifiable ledger.",
    subcommands = {
      LedgerCommands.CheckpointCmd.class,
      LedgerCommands.RecordCmd.class,
      LedgerCommands.ProveCmd.class,
      LedgerCommands.ConsistencyCmd.class,
      LedgerCommands.ExportCmd.class,
      LedgerCommands.VerifyCmd.class,
      LedgerCommands.ArchiveCmd.class,
      LedgerCommands.SubjectCmd.class,
      LedgerCommands.VerifyReportCmd.class
    })
final class LedgerCommands {
  /** Where the ledger is: a node configuration (its database) or a node's auditor API. */
  static final class Where {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Gateway node configuration; reads its database directly.")
    Optional<Path> config;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description = "Auditor API of a running node, e.g. http://127.0.0.1:7443.")
    Optional<String> url;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "File holding the auditor token (else env LGSP_AUDITOR_TOKEN).")
    Optional<Path> tokenFile;

    boolean given() {
      return config.isPresent() || url.isPresent();
    }

    LedgerSource open() {
      if (config.isPresent() == url.isPresent()) {
        throw new IllegalArgumentException("give exactly one of --config FILE or --url URL");
      }
      if (config.isPresent()) {
        return LedgerFiles.source(config.get());
      }
      String token =
          tokenFile
              .map(Where::read)
              .orElseGet(() -> Optional.ofNullable(System.getenv("LGSP_AUDITOR_TOKEN")).orElse(""));
      if (token.isBlank()) {
        throw new IllegalArgumentException("give --token-file FILE or set LGSP_AUDITOR_TOKEN");
      }
      return LedgerSource.http(url.get(), token.strip());
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + p);
      }
    }
  }

  static int printJson(Object o) {
    System.out.println(new String(Json.write(o), java.nio.charset.StandardCharsets.UTF_8));
    return 0;
  }

  @Command(
      name = "checkpoint",
      mixinStandardHelpOptions = true,
      description = "Print the latest signed checkpoint (C2SP signed note).")
  static final class CheckpointCmd implements Callable<Integer> {
    @Mixin Where where;

    @Override
    public Integer call() {
      try (LedgerSource s = where.open()) {
        System.out.print(s.latestCheckpoint());
        return 0;
      }
    }
  }

  @Command(
      name = "record",
      mixinStandardHelpOptions = true,
      description = "Print a record by index or by message id.")
  static final class RecordCmd implements Callable<Integer> {
    @Mixin Where where;

    @ArgGroup(multiplicity = "1")
    Key key;

    static final class Key {
      @Option(names = "--index", description = "Record index (0-based).")
      Long index;

      @Option(names = "--message-id", description = "X-Road message id.")
      String messageId;
    }

    @Override
    public Integer call() {
      try (LedgerSource s = where.open()) {
        return printJson(key.index != null ? s.record(key.index) : s.byMessageId(key.messageId));
      }
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Print the inclusion proof of a record against a checkpoint (the latest by default) and"
              + " check it.")
  static final class ProveCmd implements Callable<Integer> {
    @Mixin Where where;

    @Option(names = "--index", required = true, description = "Record index.")
    long index;

    @Option(names = "--size", description = "Tree size of a published checkpoint.")
    Long size;

    @Option(names = "--key", description = "Trusted log key (name+id+key, or a file).")
    Optional<String> key;

    @Override
    public Integer call() {
      try (LedgerSource s = where.open()) {
        InclusionProof proof =
            s.inclusion(index, size == null ? OptionalLong.empty() : OptionalLong.of(size));
        printJson(proof);
        NoteVerifier trusted = key.map(LedgerSource::parseKey).or(s::key).orElseThrow();
        SignedNote note = SignedNote.parse(proof.checkpoint());
        Checkpoint cp = Checkpoint.parse(note.text());
        List<byte[]> path = proof.path().stream().map(p -> Base64.getDecoder().decode(p)).toList();
        byte[] leaf = Base64.getDecoder().decode(proof.leafHash());
        boolean ok =
            note.verifiedBy(trusted)
                && Merkle.verifyInclusion(index, cp.size(), leaf, path, cp.rootHash());
        System.out.println(
            ok
                ? "inclusion of record " + index + " verified against checkpoint " + cp.size()
                : "PROOF DOES NOT VERIFY");
        return ok ? 0 : 1;
      }
    }
  }

  @Command(
      name = "consistency",
      mixinStandardHelpOptions = true,
      description = "Print the consistency proof between two tree sizes.")
  static final class ConsistencyCmd implements Callable<Integer> {
    @Mixin Where where;

    @Option(names = "--first", required = true, description = "Older tree size.")
    long first;

    @Option(names = "--second", required = true, description = "Newer tree size.")
    long second;

    @Override
    public Integer call() {
      try (LedgerSource s = where.open()) {
        return printJson(s.consistency(first, second));
      }
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write records, leaf hashes, checkpoints and time-stamps to a folder.")
  static final class ExportCmd implements Callable<Integer> {
    @Mixin Where where;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Target folder.")
    Path out;

    @Override
    public Integer call() {
      try (LedgerSource s = where.open()) {
        s.export(out, System.err::println);
      }
      System.out.println("exported to " + out);
      return 0;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Recompute an export (or a live node's ledger) and check it against its signed"
              + " checkpoints. Exit 0 when sound, 1 otherwise.")
  static final class VerifyCmd implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "An export folder.")
    Optional<Path> dir;

    @Mixin Where where;

    @Option(
        names = "--key",
        description = "Trusted log key (name+id+key, or a file); default: the export's log.vkey.")
    List<String> keys = new ArrayList<>();

    @Option(
        names = "--checkpoint",
        paramLabel = "FILE",
        description = "Further checkpoint notes to check (e.g. kept by a witness).")
    List<Path> checkpoints = new ArrayList<>();

    @Option(
        names = "--tsa-cert",
        paramLabel = "FILE",
        description =
            "PEM certificate(s) of the time-stamp authority's CA: check every checkpoint's RFC 3161"
                + " token (covers the checkpoint, signed by a TSA chaining to these).")
    List<Path> tsaCerts = new ArrayList<>();

    @Option(
        names = "--witness",
        paramLabel = "KEY",
        description =
            "Trusted witness key (C2SP tlog-cosignature, type 0x04: name+id+key, or a file);"
                + " repeatable.")
    List<String> witnesses = new ArrayList<>();

    @Option(
        names = "--min-cosignatures",
        paramLabel = "N",
        description =
            "How many of the --witness keys must have cosigned the latest checkpoint (default: 1"
                + " when a witness is given, else 0).")
    Optional<Integer> minCosignatures = Optional.empty();

    @Override
    public Integer call() throws IOException {
      List<NoteVerifier> witnessKeys = witnesses.stream().map(LedgerSource::parseKey).toList();
      LedgerVerifier.Witnesses required =
          new LedgerVerifier.Witnesses(
              witnessKeys, minCosignatures.orElse(witnessKeys.isEmpty() ? 0 : 1));
      if (dir.isPresent() == where.given()) {
        throw new IllegalArgumentException("give an export folder or one of --config/--url");
      }
      Path folder = dir.orElse(null);
      if (folder == null) {
        folder = Files.createTempDirectory("lgsp-verify");
        try (LedgerSource s = where.open()) {
          s.export(folder, System.err::println);
        }
      }
      List<SignedNote> extra = new ArrayList<>();
      for (Path p : checkpoints) {
        extra.add(SignedNote.parse(Files.readString(p)));
      }
      Optional<org.openlgsp.ledger.spi.TimestampChecker> tsa =
          tsaCerts.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  CheckpointTimestamps.checker(
                      CheckpointTimestamps.certificates(
                          Path.of(""), tsaCerts.stream().map(Path::toString).toList())));
      LedgerVerifier.Result r =
          LedgerVerifier.verify(
              folder,
              keys.stream().map(LedgerSource::parseKey).toList(),
              extra,
              tsa,
              required,
              System.err::println);
      r.warnings().forEach(w -> System.out.println("warning: " + w));
      if (r.sound()) {
        System.out.printf(
            "SOUND: %d records recomputed, %d checkpoints verified%s%s%n",
            r.records(),
            r.checkpoints(),
            required.keys().isEmpty()
                ? ""
                : ", latest cosigned by " + r.cosignatures() + " trusted witnesses",
            tsa.isEmpty()
                ? ""
                : ", "
                    + r.timestampsVerified()
                    + " time-stamp tokens verified (latest "
                    + r.latestTimestamp().map(Object::toString).orElse("-")
                    + ")");
        return 0;
      }
      r.problems().forEach(p -> System.out.println("PROBLEM: " + p));
      if (r.firstBadIndex().isPresent()) {
        System.out.println("first bad index: " + r.firstBadIndex().getAsLong());
      }
      return 1;
    }
  }

  @Command(
      name = "archive",
      mixinStandardHelpOptions = true,
      description =
          "Retention: move signed records below a size into a compressed segment file and delete"
              + " them from the database (proofs, export and verify keep working).")
  static final class ArchiveCmd implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "Gateway node configuration (its database).")
    Path config;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Archive folder.")
    Path dir;

    @Option(
        names = "--up-to",
        description = "Archive records below this index (default: the latest checkpoint's size).")
    Long upTo;

    @Override
    public Integer call() {
      NodeConfig.GatewayRole g =
          NodeConfig.read(config)
              .gateway()
              .orElseThrow(() -> new IllegalArgumentException(config + " has no gateway role"));
      Path base = config.toAbsolutePath().getParent();
      try (org.openlgsp.storage.Database db =
          org.openlgsp.storage.Database.open(GatewayNode.resolveJdbc(base, g.database()))) {
        long limit =
            upTo != null
                ? upTo
                : org.openlgsp.ledger.LedgerReader.open(db)
                    .latestCheckpoint()
                    .map(org.openlgsp.ledger.StoredCheckpoint::size)
                    .orElse(0L);
        var segment =
            org.openlgsp.ledger.LedgerArchive.archive(db, dir, limit, System.err::println);
        System.out.println(
            segment
                .map(
                    s -> "archived records " + s.first() + ".." + (s.end() - 1) + " to " + s.file())
                .orElse("nothing to archive"));
        return 0;
      }
    }
  }

  @Command(
      name = "subject",
      mixinStandardHelpOptions = true,
      description =
          "Who accessed my data: every recorded access to a person's data, with inclusion proofs.")
  static final class SubjectCmd implements Callable<Integer> {
    @Mixin Where where;

    @Option(
        names = "--personal-id",
        required = true,
        description = "The 12-digit personal identification number.")
    String personalId;

    @Option(names = "--html", description = "Print the readable page instead of JSON.")
    boolean html;

    @Override
    public Integer call() {
      try (LedgerSource s = where.open()) {
        SubjectAccessReport report = s.subjectAccess(personalId);
        if (html) {
          System.out.println(report.html());
          return 0;
        }
        return printJson(report);
      }
    }
  }

  @Command(
      name = "verify-report",
      mixinStandardHelpOptions = true,
      description =
          "Check a citizen data tracker report (its JSON) offline: every access's recorded bytes,"
              + " inclusion proof and signed checkpoint, against the gateways' pinned checkpoint"
              + " keys. Exit 0 when sound, 1 otherwise.")
  static final class VerifyReportCmd implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The report's JSON (the tracker's answer).")
    Path file;

    @Option(
        names = "--key",
        required = true,
        description =
            "A gateway's checkpoint key (name+id+key, or a file); repeat for every gateway.")
    List<String> keys = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      org.openlgsp.ledger.TrackerReport report;
      try {
        report =
            org.openlgsp.core.Json.read(
                Files.readAllBytes(file), org.openlgsp.ledger.TrackerReport.class);
      } catch (RuntimeException e) {
        System.out.println("UNSOUND: " + file + " is not a tracker report");
        return 1;
      }
      org.openlgsp.ledger.TrackerReportVerifier.Result r =
          new org.openlgsp.ledger.TrackerReportVerifier(
                  keys.stream().map(LedgerSource::parseKey).toList())
              .verify(report);
      r.warnings().forEach(w -> System.out.println("warning: " + w));
      if (r.sound()) {
        System.out.printf(
            "SOUND: %d accesses, each included in a checkpoint signed by a pinned key%s%n",
            r.verifiedEntries(), report.complete() ? "" : " (report incomplete: see the warnings)");
        return 0;
      }
      r.problems().forEach(p -> System.out.println("PROBLEM: " + p));
      System.out.println("UNSOUND");
      return 1;
    }
  }
}
