package org.openlgsp.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.ledger.TreeHead;
import org.openlgsp.storage.Database;

/**
 * A tenant moved out of an "LGSP as a Service" installation into a standalone one
 * (docs/federation.md, "Export and import"): {@link #export} writes one ZIP archive — {@value
 * #MANIFEST} (with the size and SHA-256 of every other entry), a consistent copy of the tenant's
 * SQLite database, its directory-signing certificate and key, its ledger and consent keys and its
 * ledger as {@code lgsp ledger export} writes it; {@link #importInto} checks all of it and writes a
 * standalone node folder whose ledger goes on where the tenant's stopped.
 */
public final class TenantArchive {
  /** The archive's first entry. */
  public static final String MANIFEST = "MANIFEST.json";

  /** The archive format this build writes and reads. */
  public static final String FORMAT = "openlgsp-tenant/1";

  static final String DATABASE = "data/registry.db";
  static final String SIGNING_CERT = "pki/registry-signing.pem";
  static final String SIGNING_KEY = "pki/registry-signing.key";
  static final String CONSENT_KEY = "consent.key";
  static final String LEDGER_EXPORT = "ledger-export";
  private static final long MAX_ENTRY = 64L * 1024 * 1024 * 1024;

  private TenantArchive() {}

  /** What the archive holds, listed before everything else. */
  public record Manifest(
      String format,
      String tenant,
      String instance,
      Instant exportedAt,
      List<TenantSettings.AdminToken> adminTokens,
      String directoryValidity,
      Ledger ledger,
      List<Entry> files) {
    public Manifest {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(exportedAt, "exportedAt");
      adminTokens = List.copyOf(Objects.requireNonNull(adminTokens, "adminTokens"));
      directoryValidity = directoryValidity == null ? "" : directoryValidity;
      Objects.requireNonNull(ledger, "ledger");
      files = List.copyOf(Objects.requireNonNull(files, "files"));
    }
  }

  /**
   * The tenant's ledger at export: its origin and verifier key, its size and its last checkpoint
   * (size 0 and an empty root when it had none).
   */
  public record Ledger(
      String origin, String verifierKey, long size, long checkpointSize, String checkpointRoot) {}

  /** One entry of the archive. */
  public record Entry(String path, long size, String sha256) {}

  /** An export: the archive, its manifest's SHA-256 (to pass on out of band) and the manifest. */
  public record Exported(Path archive, String manifestSha256, Manifest manifest) {}

  /** An import: the standalone node's configuration file and the manifest it was made from. */
  public record Imported(Path config, Manifest manifest) {}

  /**
   * Exports tenant {@code tenantId} of the installation configured by {@code cfg} (files relative
   * to {@code base}) into the archive {@code out}. The installation may be running: the database is
   * copied from one consistent snapshot ({@code VACUUM INTO}).
   */
  public static Exported export(NodeConfig cfg, Path base, String tenantId, Path out) {
    TenantSettings t =
        cfg.tenants().stream()
            .filter(x -> x.id().equals(tenantId))
            .findFirst()
            .orElseThrow(
                () -> new NodeConfig.ConfigException("no tenant " + tenantId + " in this node"));
    String jdbc = GatewayNode.resolveJdbc(base, t.database());
    if (!jdbc.startsWith("jdbc:sqlite:")) {
      throw new NodeConfig.ConfigException(
          "tenant "
              + tenantId
              + ": export of a PostgreSQL tenant is not built yet; copy its schema with pg_dump");
    }
    if (Files.exists(out)) {
      throw new NodeConfig.ConfigException(out + " exists; choose a new file");
    }
    Path staging = temporaryFolder(out);
    try {
      Path dbCopy = staging.resolve(DATABASE);
      Files.createDirectories(dbCopy.getParent());
      try (Database db = Database.open(jdbc);
          java.sql.Connection c = db.connection();
          java.sql.PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, dbCopy.toString());
        vacuum.execute();
      }
      NoteKey ledgerKey = TenantRegistries.ledgerKey(t, base);
      copy(base.resolve(t.signing().certificate().orElseThrow()), staging.resolve(SIGNING_CERT));
      copy(base.resolve(t.signing().key().orElseThrow()), staging.resolve(SIGNING_KEY));
      copy(base.resolve(t.ledgerKey()), staging.resolve(ledgerKeyPath(t.instance())));
      LedgerFiles.consentKey(base.resolve(t.consentKey()), true);
      copy(base.resolve(t.consentKey()), staging.resolve(CONSENT_KEY));
      Ledger ledger;
      try (Database snapshot = Database.open("jdbc:sqlite:" + dbCopy)) {
        org.openlgsp.ledger.LedgerSource.local(
                snapshot,
                ledgerKey.verifier(),
                new org.openlgsp.ledger.SubjectHasher(
                    org.openlgsp.ledger.SubjectHasher.newSecret()))
            .export(staging.resolve(LEDGER_EXPORT), s -> {});
        LedgerReader reader = LedgerReader.open(snapshot);
        Optional<StoredCheckpoint> last = reader.latestCheckpoint();
        ledger =
            new Ledger(
                ledgerKey.name(),
                ledgerKey.verifier().toString(),
                reader.size(),
                last.map(StoredCheckpoint::size).orElse(0L),
                last.map(l -> Digests.base64(l.checkpoint().rootHash())).orElse(""));
      }
      Manifest manifest =
          new Manifest(
              FORMAT,
              t.id(),
              t.instance(),
              Instant.now(),
              t.adminTokens(),
              t.directoryValidity().map(java.time.Duration::toString).orElse(""),
              ledger,
              entries(staging));
      byte[] manifestBytes = Json.write(manifest);
      writeZip(staging, manifestBytes, manifest, out);
      return new Exported(out, Digests.hex(Digests.sha256(manifestBytes)), manifest);
    } catch (IOException | java.sql.SQLException e) {
      throw new NodeConfig.ConfigException(
          "cannot export tenant " + tenantId + ": " + e.getMessage());
    } finally {
      deleteTree(staging);
    }
  }

  /**
   * Checks {@code archive} and, only when all of it holds, writes the standalone node folder {@code
   * into} (which must not exist): its {@code node.yaml} runs the tenant's registry on {@code
   * host:port} with the tenant's instance, first administrator's token, directory key, database and
   * ledger.
   *
   * @param expectedManifestSha256 the SHA-256 (hex) the exporting operator printed; when given,
   *     another manifest is refused
   * @throws NodeConfig.ConfigException {@code tenant archive invalid: …}; nothing is left in {@code
   *     into}
   */
  public static Imported importInto(
      Path archive, Path into, Optional<String> expectedManifestSha256, String host, int port) {
    if (Files.exists(into)) {
      throw new NodeConfig.ConfigException(into + " exists; import into a new folder");
    }
    Path staging = temporaryFolder(into);
    try {
      Manifest m = unpack(archive, staging, expectedManifestSha256);
      checkLedger(m, staging);
      Files.writeString(staging.resolve("node.yaml"), standaloneConfig(m, host, port));
      Files.move(staging, into, StandardCopyOption.ATOMIC_MOVE);
      return new Imported(into.resolve("node.yaml"), m);
    } catch (IOException e) {
      throw invalid("cannot read " + archive + ": " + e.getMessage());
    } finally {
      deleteTree(staging);
    }
  }

  private static Manifest unpack(Path archive, Path staging, Optional<String> expected)
      throws IOException {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      ZipEntry first = zip.getNextEntry();
      if (first == null || !first.getName().equals(MANIFEST)) {
        throw invalid("the first entry is not " + MANIFEST);
      }
      byte[] manifestBytes = zip.readNBytes(1024 * 1024);
      String digest = Digests.hex(Digests.sha256(manifestBytes));
      if (expected.isPresent() && !expected.get().equalsIgnoreCase(digest)) {
        throw invalid("the manifest's SHA-256 is " + digest + ", not the one given");
      }
      Manifest m;
      try {
        m = Json.read(manifestBytes, Manifest.class);
      } catch (RuntimeException e) {
        throw invalid("the manifest is not readable");
      }
      if (!FORMAT.equals(m.format())) {
        throw invalid("format " + m.format() + " is not " + FORMAT);
      }
      Map<String, Entry> listed = new HashMap<>();
      for (Entry e : m.files()) {
        safePath(e.path());
        listed.put(e.path(), e);
      }
      ZipEntry next;
      while ((next = zip.getNextEntry()) != null) {
        if (next.isDirectory()) {
          continue;
        }
        Entry e = listed.remove(next.getName());
        if (e == null) {
          throw invalid("entry " + next.getName() + " is not listed in the manifest (or twice)");
        }
        Path target = staging.resolve(e.path()).normalize();
        Files.createDirectories(target.getParent());
        MessageDigest sha = sha256();
        long written;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
          written = copyAtMost(zip, out, e.size());
        }
        if (written != e.size() || !Digests.hex(sha.digest()).equals(e.sha256())) {
          throw invalid(
              "entry " + e.path() + " is not the one the manifest lists (size or SHA-256)");
        }
      }
      if (!listed.isEmpty()) {
        throw invalid("missing from the archive: " + listed.keySet().stream().sorted().toList());
      }
      return m;
    } catch (java.util.zip.ZipException e) {
      throw invalid("not a readable ZIP archive: " + e.getMessage());
    }
  }

  /**
   * The ledger export verifies against its checkpoints under the archive's ledger key (the one the
   * manifest names), and the database's ledger is the one the last checkpoint signs.
   */
  private static void checkLedger(Manifest m, Path staging) throws IOException {
    NoteKey key;
    try {
      key = NoteKey.parse(Files.readString(staging.resolve(ledgerKeyPath(m.instance()))));
    } catch (IllegalArgumentException e) {
      throw invalid("the ledger key is not readable");
    }
    NoteVerifier verifier = key.verifier();
    if (!verifier.toString().equals(m.ledger().verifierKey())
        || !key.name().equals(m.instance() + "/registry/consents")) {
      throw invalid("the ledger key is not the one the manifest names");
    }
    if (m.ledger().size() > 0) { // an empty ledger has no checkpoint to verify against
      LedgerVerifier.Result r =
          LedgerVerifier.verify(
              staging.resolve(LEDGER_EXPORT), List.of(verifier), List.of(), s -> {});
      if (!r.sound() || r.records() != m.ledger().size()) {
        throw invalid("the ledger export does not verify: " + String.join("; ", r.problems()));
      }
    }
    try (Database db = Database.open("jdbc:sqlite:" + staging.resolve(DATABASE))) {
      LedgerReader reader = LedgerReader.open(db);
      if (reader.size() != m.ledger().size()) {
        throw invalid(
            "the database's ledger holds " + reader.size() + " records, not " + m.ledger().size());
      }
      if (m.ledger().checkpointSize() > 0) {
        StoredCheckpoint last =
            reader
                .checkpointAt(m.ledger().checkpointSize())
                .orElseThrow(() -> invalid("the database lacks the last checkpoint"));
        TreeHead head = reader.headAt(m.ledger().checkpointSize());
        if (!last.note().verifiedBy(verifier)
            || !Digests.base64(head.rootHash()).equals(m.ledger().checkpointRoot())
            || !java.util.Arrays.equals(head.rootHash(), last.checkpoint().rootHash())) {
          throw invalid("the database's ledger is not the one its last checkpoint signs");
        }
      }
    }
  }

  private static String standaloneConfig(Manifest m, String host, int port) {
    StringBuilder y = new StringBuilder();
    y.append("# the tenant ").append(m.tenant()).append(" imported from an LGSP as a Service\n");
    y.append(
        "# installation (lgsp tenant import); its other administrators' tokens are listed in\n");
    y.append("# MANIFEST.json of the archive: a standalone registry takes one admin token\n");
    y.append("instance: ").append(m.instance()).append('\n');
    y.append("registry:\n");
    y.append("  host: ").append(host).append('\n');
    y.append("  port: ").append(port).append('\n');
    y.append("  database: jdbc:sqlite:").append(DATABASE).append('\n');
    y.append("  adminTokenSha256: ").append(m.adminTokens().getFirst().tokenSha256()).append('\n');
    y.append("  signing: {certificate: ").append(SIGNING_CERT);
    y.append(", key: ").append(SIGNING_KEY).append("}\n");
    y.append("  consentKey: ").append(CONSENT_KEY).append('\n');
    if (!m.directoryValidity().isEmpty()) {
      y.append("  directoryValidity: ").append(m.directoryValidity()).append('\n');
    }
    return y.toString();
  }

  /** Where a standalone registry of {@code instance} keeps its consent log's key. */
  static String ledgerKeyPath(String instance) {
    return LedgerFiles.consentLogKeyFile(instance);
  }

  private static List<Entry> entries(Path staging) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String path = staging.relativize(f).toString().replace('\\', '/');
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(f);
            OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
          in.transferTo(out);
        }
        entries.add(new Entry(path, Files.size(f), Digests.hex(sha.digest())));
      }
    }
    return entries;
  }

  private static void writeZip(Path staging, byte[] manifest, Manifest m, Path out)
      throws IOException {
    Path tmp = out.resolveSibling(out.getFileName() + ".part");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
      zip.putNextEntry(new ZipEntry(MANIFEST));
      zip.write(manifest);
      zip.closeEntry();
      for (Entry e : m.files()) {
        zip.putNextEntry(new ZipEntry(e.path()));
        Files.copy(staging.resolve(e.path()), zip);
        zip.closeEntry();
      }
    }
    ownerOnly(tmp); // it holds private keys
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void safePath(String path) {
    if (!path.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
        || Stream.of(path.split("/")).anyMatch(s -> s.equals("..") || s.equals("."))
        || path.equals(MANIFEST)
        || path.equals("node.yaml")) {
      throw invalid("entry path not allowed: " + path);
    }
  }

  private static long copyAtMost(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > limit || total > MAX_ENTRY) {
        return total; // larger than listed: refused by the caller
      }
      out.write(buf, 0, n);
    }
    return total;
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
  }

  private static Path temporaryFolder(Path next) {
    try {
      Path parent = next.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path dir = Files.createTempDirectory(parent, "." + next.getFileName() + ".");
      ownerOnly(dir);
      return dir;
    } catch (IOException e) {
      throw new NodeConfig.ConfigException("cannot write next to " + next + ": " + e.getMessage());
    }
  }

  private static void ownerOnly(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(
          p,
          java.nio.file.attribute.PosixFilePermissions.fromString(
              Files.isDirectory(p) ? "rwx------" : "rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: left to its defaults
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary folder, named after the target; the operator can remove it
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static NodeConfig.ConfigException invalid(String why) {
    return new NodeConfig.ConfigException("tenant archive invalid: " + why);
  }
}
