package org.openlgsp.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.openlgsp.core.KeyedHash;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.ledger.CheckpointPolicy;
import org.openlgsp.ledger.Checkpoints;
import org.openlgsp.ledger.CitizenTracker;
import org.openlgsp.ledger.ConsentLog;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerHttp;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.Records;
import org.openlgsp.ledger.SubjectAccess;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.ledger.TrackerReport;
import org.openlgsp.ledger.Witness;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.storage.Database;

/**
 * A registry keeping consents in its consent log and witnessing one gateway's ledger, with its
 * console on a free port (one account per role) and the audit-side pages' sources: a real gateway
 * ledger (records about {@link #CITIZEN} and another citizen, checkpoints cosigned by the
 * registry's witness) served by the gateway's real ledger API with its tracker token, and the
 * citizen data tracker asking it.
 */
final class AuditFixture implements AutoCloseable {
  static final String CITIZEN = "079090001234";
  static final String OTHER = "079090005678";
  static final String GATEWAY = "VN/GOV/000.00.00.H53/gw1";
  static final NoteKey GATEWAY_KEY = NoteKey.generate(GATEWAY, NoteKey.TYPE_ED25519);

  final Database db;
  final Path gatewayFile;
  final Database gatewayDb;
  final Registry registry;
  final ConsentLog consentLog;
  final Witness witness;
  final Ledger ledger;
  final Checkpoints checkpoints;
  final LedgerHttp ledgerApi;
  final Console console;
  final String consentId;

  AuditFixture(Path dir) {
    this(dir, ConsoleOptions.defaults().listening("127.0.0.1", 0));
  }

  /** As above, the console with {@code options} (e.g. gateways to ask). */
  AuditFixture(Path dir, ConsoleOptions options) {
    db = Database.sqlite(dir.resolve("registry.db"));
    gatewayFile = dir.resolve("gateway.db");
    gatewayDb = Database.sqlite(gatewayFile);
    consentLog =
        ConsentLog.open(
            db, NoteKey.generate("VN/registry/consents", NoteKey.TYPE_ED25519), Clock.systemUTC());
    registry =
        new Registry(
            db,
            RegistryOptions.defaults("VN"),
            ConsoleFixture.CA
                .issueCredentials(
                    CertificateProfile.DIRECTORY_SIGNING,
                    "registry",
                    "test",
                    List.of(),
                    Duration.ofDays(30))
                .signer(),
            Clock.systemUTC(),
            Optional.of(new KeyedHash(KeyedHash.newSecret())),
            Optional.of(consentLog));
    registry.addMember(ConsoleFixture.MPS, "Bộ Công an");
    registry.addMember(ConsoleFixture.TN, "UBND tỉnh Tây Ninh");
    Instant now = Instant.now();
    consentId =
        registry.addConsent(
            CITIZEN, "ho-ten", ConsoleFixture.TN, "1.001234", now, now.plus(Duration.ofDays(30)));
    registry.addConsent(
        OTHER, "ngay-sinh", ConsoleFixture.TN, "1.001234", now, now.plus(Duration.ofDays(30)));
    witness =
        new Witness(
            db,
            NoteKey.generate("VN/registry/witness", NoteKey.TYPE_COSIGNATURE),
            List.of(GATEWAY_KEY.verifier()),
            Clock.systemUTC());

    SubjectHasher subjects = new SubjectHasher(SubjectHasher.newSecret());
    ledger = Ledger.open(gatewayDb, LedgerOptions.defaults());
    ledger.append(Records.withSubject(Records.sample("m-0"), subjects.hash(CITIZEN)));
    ledger.append(Records.withSubject(Records.sample("m-1"), subjects.hash(OTHER)));
    ledger.append(Records.sample("m-2"));
    checkpoints =
        new Checkpoints(
            gatewayDb,
            ledger,
            GATEWAY_KEY,
            Timestamper.none(),
            CheckpointPolicy.defaults(),
            List.of(Checkpoints.WitnessClient.local("registry", witness)),
            Clock.systemUTC());
    checkpoints.publish();
    ledgerApi =
        LedgerHttp.builder(
                LedgerReader.open(gatewayDb),
                GATEWAY_KEY.verifier(),
                new SubjectAccess(
                    LedgerReader.open(gatewayDb), subjects, id -> "UBND tỉnh Tây Ninh"))
            .auditorToken(BearerTokens.hash("auditor-token"))
            .trackerToken(BearerTokens.hash("tracker-token"))
            .auditLog(DatabaseAuditLog.open(gatewayDb))
            .start("127.0.0.1", 0);
    CitizenTracker tracker =
        new CitizenTracker(
            List.of(
                new CitizenTracker.Gateway(
                    GATEWAY, "http://127.0.0.1:" + ledgerApi.port(), "tracker-token")),
            List::of,
            Optional.empty(),
            // generous: the first look-up loads the HTTP client on a machine that may be busy
            Duration.ofSeconds(30),
            new KeyedHash(KeyedHash.newSecret()),
            Clock.systemUTC(),
            Optional.empty(),
            id -> List.of(),
            prefix ->
                registry.auditLog(prefix, 0, 100).stream()
                    .filter(
                        a -> a.action().equals("tracker.lookup") && a.target().startsWith(prefix))
                    .map(
                        a ->
                            new TrackerReport.Lookup(
                                a.at(),
                                a.actor(),
                                a.target().substring(prefix.length()),
                                a.outcome()))
                    .toList());
    console =
        Console.start(
            registry,
            db,
            options,
            Clock.systemUTC(),
            new AuthenticationLimits(1000, Duration.ofMinutes(1)),
            new AuditSources(Optional.of(consentLog), Optional.of(witness), Optional.of(tracker)));
    for (ConsoleRole role : ConsoleRole.values()) {
      console
          .accounts()
          .create(
              ConsoleFixture.username(role),
              ConsoleFixture.PASSWORD,
              role,
              role == ConsoleRole.AGENCY_ADMIN ? Optional.of(ConsoleFixture.TN) : Optional.empty());
    }
  }

  ConsoleClient signedIn(ConsoleRole role) throws Exception {
    ConsoleClient c = new ConsoleClient("http://127.0.0.1:" + console.port());
    c.signIn(ConsoleFixture.username(role), ConsoleFixture.PASSWORD, console.accounts());
    return c;
  }

  /**
   * The gateway's ledger exported to {@code to} as {@code lgsp ledger export --config} does, from a
   * database handle of its own (closing the export's source closes it).
   */
  Path exportGatewayLedger(Path to) {
    try (LedgerSource source =
        LedgerSource.local(
            Database.sqlite(gatewayFile),
            GATEWAY_KEY.verifier(),
            new SubjectHasher(SubjectHasher.newSecret()))) {
      source.export(to, p -> {});
    }
    return to;
  }

  /** A ZIP of {@code export}'s files, as an auditor would zip the folder. */
  static byte[] zip(Path export) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out);
        var files = Files.walk(export)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        z.putNextEntry(
            new ZipEntry("export/" + export.relativize(p).toString().replace('\\', '/')));
        z.write(Files.readAllBytes(p));
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** Posts a multipart/form-data form (its fields, then one file) with {@code c}'s cookies. */
  static HttpResponse<String> postMultipart(
      ConsoleClient c, String path, Map<String, String> fields, String fileName, byte[] file)
      throws Exception {
    String boundary = "----lgsp-test-" + System.nanoTime();
    List<byte[]> parts = new ArrayList<>();
    fields.forEach(
        (k, v) ->
            parts.add(
                ("--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\""
                        + k
                        + "\"\r\n\r\n"
                        + v
                        + "\r\n")
                    .getBytes(StandardCharsets.UTF_8)));
    parts.add(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"export\"; filename=\""
                + fileName
                + "\"\r\nContent-Type: application/zip\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    parts.add(file);
    parts.add(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(c.base + path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArrays(parts));
    if (!c.cookies.isEmpty()) {
      b.header(
          "Cookie",
          String.join(
              "; ",
              c.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    console.close();
    ledgerApi.close();
    checkpoints.close();
    ledger.close();
    consentLog.close();
    gatewayDb.close();
    db.close();
  }
}
