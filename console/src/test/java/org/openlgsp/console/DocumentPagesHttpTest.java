package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.StatusCode;
import org.openlgsp.storage.TestDatabases;

/**
 * The document axis pages over HTTP against a real axis (its HTTP API on a free port): each agency
 * sees only its own documents, whatever the request names, and a missing token or an axis that does
 * not answer is a clear page.
 */
class DocumentPagesHttpTest {
  static final AgencyCode TN = AxisFixture.TN;
  static final AgencyCode MPS = AxisFixture.MPS;
  static final AgencyCode OTHER = AxisFixture.OTHER;

  @TempDir Path dir;
  AxisFixture axis;
  ConsoleFixture f;

  @BeforeEach
  void start() throws Exception {
    axis = new AxisFixture(dir);
    f = axis.console(1000);
  }

  @AfterEach
  void stop() {
    f.close();
    axis.close();
  }

  private DocumentPackage send(AgencyCode from, AgencyCode to, String number, String subject) {
    return axis.send(from, to, number, subject);
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
    axis.report(ours, MPS, StatusCode.ACCEPTED, "Đã vào sổ");
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);

    HttpResponse<String> sent = tn.get("/documents/sent");
    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body())
        .contains("Văn bản đã gửi")
        .contains("Về việc triển khai trục liên thông")
        .contains(MPS.value())
        .contains("<span class=\"state\">Chờ nhận</span>") // MPS has not fetched it yet
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
    assertThat(admin.get(mps).body())
        .contains("Inbox")
        .contains("Delivery state")
        .contains("Waiting in the inbox");
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
    axis.server.close();

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
