package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * The document axis pages over HTTP against a real axis (its HTTP API on a free port): each agency
 * sees only its own documents, whatever the request names, and a missing token or an axis that does
 * not answer is a clear page.
 */
class DocumentPagesHttpTest {
  static final AgencyCode TN = AgencyCode.parse(ConsoleFixture.TN.memberCode());
  static final AgencyCode MPS = AgencyCode.parse(ConsoleFixture.MPS.memberCode());
  static final AgencyCode OTHER = AgencyCode.parse("000.00.00.H41");
  static final CertificateAuthority SIGNERS =
      CertificateAuthority.createRoot("Console documents test CA", Duration.ofDays(1));

  @TempDir Path dir;
  Database axisDb;
  DocumentAxis axis;
  AxisServer server;
  ConsoleFixture f;
  SigningKey key;

  @BeforeEach
  void start() throws Exception {
    axisDb = TestDatabases.sqlite(Files.createDirectories(dir.resolve("axis-db")));
    axis =
        new DocumentAxis(
                axisDb,
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
    f = console("http://127.0.0.1:" + server.port());
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

  private ConsoleFixture console(String axisUrl) throws Exception {
    ConsoleOptions.Documents documents =
        new ConsoleOptions.Documents(
            axisUrl,
            List.of(
                new ConsoleOptions.Agency(
                    ConsoleFixture.TN.encoded(), dir.resolve("tn.token").toString()),
                new ConsoleOptions.Agency(
                    ConsoleFixture.MPS.encoded(), dir.resolve("mps.token").toString())));
    Path consoleDb = Files.createDirectories(dir.resolve("console-db-" + System.nanoTime()));
    return new ConsoleFixture(
        TestDatabases.sqlite(consoleDb),
        1000,
        // five rows a page (the least): paging is seen with six documents
        new ConsoleOptions(null, null, null, null, null, null, 5, null, Optional.of(documents)));
  }

  @AfterEach
  void stop() {
    f.close();
    server.close();
    axis.close();
    axisDb.close();
  }

  private DocumentPackage send(AgencyCode from, AgencyCode to, String number, String subject) {
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

  private static String history(DocumentPackage doc, AgencyCode sender) {
    return "/documents/history?documentId="
        + URLEncoder.encode(doc.documentId(), StandardCharsets.UTF_8)
        + "&sender="
        + sender.value();
  }

  @Test
  void anAgencyAdministratorSeesItsOwnSentDocumentsAndTheirStatusHistoryOnly() throws Exception {
    DocumentPackage ours = send(TN, MPS, "101", "Về việc triển khai trục liên thông");
    DocumentPackage theirs = send(MPS, OTHER, "202", "Văn bản mật của Bộ Công an");
    axis.submit(
        MPS,
        new ByteArrayInputStream(
            EdxmlCodec.write(
                Packages.status(
                    ours, MPS, StatusCode.ACCEPTED, "Đã vào sổ", "Văn thư", Instant.now()))));
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);

    HttpResponse<String> sent = tn.get("/documents/sent");
    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body())
        .contains("Văn bản đã gửi")
        .contains("Về việc triển khai trục liên thông")
        .contains(MPS.value())
        .doesNotContain(theirs.header().subject);

    HttpResponse<String> page = tn.get(history(ours, TN));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Lịch sử trạng thái văn bản").contains("Đã vào sổ");
    assertThat(page.body()).contains("<td class=\"status\">03</td>");

    // another agency's document: neither listed nor reachable by a crafted address, even naming
    // that agency
    HttpResponse<String> crafted = tn.get(history(theirs, MPS));
    assertThat(crafted.statusCode()).isEqualTo(404);
    assertThat(crafted.body())
        .contains("Không tìm thấy văn bản")
        .doesNotContain(theirs.header().subject);
    HttpResponse<String> naming =
        tn.get(history(theirs, MPS) + "&agency=" + ConsoleFixture.MPS.encoded());
    assertThat(naming.statusCode()).isEqualTo(404);
    HttpResponse<String> inbox = tn.get("/documents?agency=" + ConsoleFixture.MPS.encoded());
    assertThat(inbox.body())
        .contains(ConsoleFixture.TN.encoded())
        .doesNotContain(ConsoleFixture.MPS.encoded() + "</code>")
        .doesNotContain(theirs.header().subject);
  }

  @Test
  void thePlatformAdministratorChoosesAnAgencyAndPagesThroughItsInbox() throws Exception {
    for (int i = 1; i <= 6; i++) {
      send(TN, MPS, "30" + i, "Công văn số " + i);
    }
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    String mps = "/documents?agency=" + URLEncoder.encode(ConsoleFixture.MPS.encoded(), UTF);

    HttpResponse<String> first = admin.get(mps);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("Văn bản đến").contains("id=\"next-documents\"");
    assertThat(first.body().split("class=\"document\"", -1)).hasSize(6); // a page of 5
    HttpResponse<String> second = admin.get(mps + "&page=2");
    assertThat(second.body().split("class=\"document\"", -1)).hasSize(2);
    assertThat(second.body()).doesNotContain("id=\"next-documents\"");
    // TN's own inbox is empty: the six went to MPS
    assertThat(admin.get("/documents").body()).doesNotContain("class=\"document\"");
    // and in English on request
    admin.get("/lang?to=en&back=/documents");
    assertThat(admin.get(mps).body()).contains("Inbox").contains("Delivery state");
  }

  private static final java.nio.charset.Charset UTF = StandardCharsets.UTF_8;

  @Test
  void anAgencyWithoutATokenIsAClearPage() throws Exception {
    ConsoleClient auditor = f.signedIn(ConsoleRole.AUDITOR);

    HttpResponse<String> r = auditor.get("/documents?agency=VN/GOV/000.00.00.H41");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("chưa được cấu hình mã truy cập trục liên thông văn bản");
    assertThat(auditor.get("/documents/sent?agency=not-an-agency").statusCode()).isEqualTo(404);
  }

  @Test
  void anAxisThatDoesNotAnswerIsAClearPageWithoutAStackTrace() throws Exception {
    ConsoleClient officer = f.signedIn(ConsoleRole.SECURITY_OFFICER);
    server.close();

    for (String path :
        List.of(
            "/documents",
            "/documents/sent",
            "/documents/history?documentId=x&sender=" + TN.value())) {
      HttpResponse<String> r = officer.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(502);
      assertThat(r.body())
          .as(path)
          .contains("Trục liên thông văn bản hiện không phản hồi")
          .doesNotContain("Exception")
          .doesNotContain("org.openlgsp");
    }
  }

  @Test
  void withoutAnAxisConfiguredThePagesSaySo() throws Exception {
    try (ConsoleFixture plain =
        new ConsoleFixture(
            TestDatabases.sqlite(Files.createDirectories(dir.resolve("plain"))), 1000)) {
      HttpResponse<String> r = plain.signedIn(ConsoleRole.PLATFORM_ADMIN).get("/documents");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("chưa được cấu hình để kết nối trục liên thông văn bản");
    }
  }

  @Test
  void thePagesNeedASignedInAccount() throws Exception {
    for (String path : List.of("/documents", "/documents/sent", "/documents/history")) {
      assertThat(f.client().get(path).statusCode()).as(path).isEqualTo(401);
    }
  }
}
