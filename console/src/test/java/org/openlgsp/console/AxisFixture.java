package org.openlgsp.console;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.DocumentAxis;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.RemoteDelivery;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.documents.SignerTrust;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.documents.StatusCode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * A real document axis (its HTTP API on a free port) with three local agencies, Tây Ninh and the
 * Ministry of Public Security of {@link ConsoleFixture} with their tokens in files, and a third
 * without, and a console whose {@code documents} names it (five rows a page).
 */
final class AxisFixture implements AutoCloseable {
  static final AgencyCode TN = AgencyCode.parse(ConsoleFixture.TN.memberCode());
  static final AgencyCode MPS = AgencyCode.parse(ConsoleFixture.MPS.memberCode());
  static final AgencyCode OTHER = AgencyCode.parse("000.00.00.H41");
  static final CertificateAuthority SIGNERS =
      CertificateAuthority.createRoot("Console documents test CA", Duration.ofDays(1));

  final Path dir;
  final Database db;
  final DocumentAxis axis;
  final AxisServer server;
  final SigningKey key;

  AxisFixture(Path dir) throws Exception {
    this.dir = dir;
    db = TestDatabases.sqlite(Files.createDirectories(dir.resolve("axis-db")));
    axis =
        new DocumentAxis(
                db,
                AxisOptions.defaults(dir.resolve("axis")),
                SignerTrust.anchoredAt(List.of(SIGNERS.certificate()), Clock.systemUTC()),
                Set.of(TN, MPS, OTHER),
                RemoteDelivery.NONE,
                Clock.systemUTC())
            .start();
    server =
        AxisServer.start(
            axis,
            Map.of(
                TN, AxisServer.hashToken("tn-axis-token-0123456789"),
                MPS, AxisServer.hashToken("mps-axis-token-0123456789")),
            "127.0.0.1",
            0,
            Optional.empty(),
            0);
    Files.writeString(dir.resolve("tn.token"), "tn-axis-token-0123456789\n");
    Files.writeString(dir.resolve("mps.token"), "mps-axis-token-0123456789\n");
    var pair = KeyPairs.ecP256();
    key =
        new SigningKey(
            pair.getPrivate(),
            SIGNERS.issue(
                CertificateProfile.MEMBER_SIGNING,
                "Văn thư",
                "OpenLGSP test",
                pair.getPublic(),
                List.of(),
                Duration.ofDays(1)));
  }

  /** A console asking this axis for Tây Ninh and the ministry. */
  ConsoleFixture console(int failuresPerSource) throws Exception {
    ConsoleOptions.Documents documents =
        new ConsoleOptions.Documents(
            "http://127.0.0.1:" + server.port(),
            List.of(
                new ConsoleOptions.Agency(
                    ConsoleFixture.TN.encoded(), dir.resolve("tn.token").toString()),
                new ConsoleOptions.Agency(
                    ConsoleFixture.MPS.encoded(), dir.resolve("mps.token").toString())));
    Path consoleDb = Files.createDirectories(dir.resolve("console-db"));
    return new ConsoleFixture(
        TestDatabases.sqlite(consoleDb),
        failuresPerSource,
        // five rows a page (the least): paging is seen with six documents
        new ConsoleOptions(
                null, null, null, null, null, null, 5, null, null, Optional.of(documents))
            .listening("127.0.0.1", 0));
  }

  /** A signed document from {@code from} to {@code to}, submitted as {@code from}'s system. */
  DocumentPackage send(AgencyCode from, AgencyCode to, String number, String subject) {
    DocumentPackage doc =
        Packages.document(
            new Packages.NewDocument(
                from,
                "Cơ quan " + from.value(),
                List.of(to),
                number,
                "UBND-VP",
                LocalDate.of(2026, 12, 7),
                subject,
                "Nội dung " + number,
                "Nguyễn Văn A"),
            Instant.parse("2026-12-07T03:00:00Z"));
    axis.submit(from, new ByteArrayInputStream(SignedPackages.sign(doc, key)));
    return doc;
  }

  /** {@code reporter}'s status on {@code doc}, submitted as its system. */
  void report(DocumentPackage doc, AgencyCode reporter, StatusCode code, String description) {
    axis.submit(
        reporter,
        new ByteArrayInputStream(
            EdxmlCodec.write(
                Packages.status(doc, reporter, code, description, "Văn thư", Instant.now()))));
  }

  @Override
  public void close() {
    server.close();
    axis.close();
    db.close();
  }
}
