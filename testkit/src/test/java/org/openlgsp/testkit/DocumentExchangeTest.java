package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.BusinessType;
import org.openlgsp.documents.DocumentHistory;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.Receipt;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.documents.StatusCode;
import org.openlgsp.documents.StatusEntry;

/**
 * Documents between two agencies behind two real gateways: the province's axis forwards through its
 * gateway as signed exchanges, statuses come back the same way.
 */
class DocumentExchangeTest {
  /** How long a crossing through both gateways may take on a loaded machine. */
  static final Duration DELIVERY = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static Federation fed;
  static AxisClient province;
  static AxisClient department;
  static AxisClient government;

  @BeforeAll
  static void start() {
    fed = Federation.start(dir, Federation.Options.documents());
    province = new AxisClient(fed.provinceAxisUrl(), fed.provinceToken());
    department = new AxisClient(fed.provinceAxisUrl(), fed.departmentToken());
    government = new AxisClient(fed.governmentAxisUrl(), fed.governmentToken());
  }

  @AfterAll
  static void stop() {
    fed.close();
  }

  static InboxItem awaitInbox(AxisClient client, String documentId, String statusCode) {
    return await()
        .atMost(DELIVERY)
        .until(
            () ->
                client.inbox(1000).stream()
                    .filter(
                        i -> i.documentId().equals(documentId) && i.statusCode().equals(statusCode))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void bothAxesKeepAPackageWithPersonalDataEncryptedAtRest() throws Exception {
    String id = "001204012345";
    String name = "Lê Thị Thu Hằng";
    String attachment = "Họ và tên: " + name + "\nSố định danh cá nhân: " + id;
    DocumentPackage doc =
        Federation.sampleDocument(
            "1031", List.of(Federation.DEPARTMENT, Federation.GOVERNMENT_OFFICE));
    doc.header().subject = "Về việc xác nhận nhân thân cho bà " + name;
    Packages.attach(
        doc,
        "xac-nhan.txt",
        "text/plain",
        attachment.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] signed = SignedPackages.sign(doc, fed.provinceKey());
    province.send(signed);
    InboxItem atGovernment = awaitInbox(government, doc.documentId(), "");
    assertThat(atGovernment.subject()).contains(name);
    assertThat(government.fetch(atGovernment.deliveryId())).isEqualTo(signed);

    // every file of both axes, package folders and SQLite databases with their WAL, read raw
    String base64 =
        java.util.Base64.getEncoder()
            .encodeToString(attachment.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .substring(0, 32);
    List<Path> axisFiles;
    try (var files = java.nio.file.Files.walk(fed.workDir().resolve("data"))) {
      axisFiles =
          files
              .filter(java.nio.file.Files::isRegularFile)
              .filter(f -> f.toString().contains("-axis"))
              .toList();
    }
    assertThat(axisFiles).anyMatch(f -> f.toString().endsWith(".edxml"));
    for (Path f : axisFiles) {
      String raw =
          new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(raw)
          .as(f.toString())
          .doesNotContain(id)
          .doesNotContain(name)
          .doesNotContain(base64);
    }
  }

  @Test
  void documentStatusesRecallAndDuplicateAcrossTwoGateways() throws Exception {
    long[] ledgersBefore = fed.ledgerSizes();
    DocumentPackage doc =
        Federation.sampleDocument(
            "1024", List.of(Federation.DEPARTMENT, Federation.GOVERNMENT_OFFICE));
    byte[] signed = SignedPackages.sign(doc, fed.provinceKey());

    Receipt receipt = province.send(signed);
    assertThat(receipt.recipients())
        .containsExactly(Federation.DEPARTMENT.value(), Federation.GOVERNMENT_OFFICE.value());

    // local recipient at once, remote one through both gateways
    InboxItem atDepartment = awaitInbox(department, doc.documentId(), "");
    InboxItem atGovernment = awaitInbox(government, doc.documentId(), "");
    assertThat(government.fetch(atGovernment.deliveryId())).isEqualTo(signed);
    government.acknowledge(atGovernment.deliveryId());
    department.acknowledge(atDepartment.deliveryId());

    for (StatusCode code :
        List.of(
            StatusCode.ARRIVED,
            StatusCode.ACCEPTED,
            StatusCode.ASSIGNED,
            StatusCode.IN_PROGRESS,
            StatusCode.COMPLETED)) {
      government.send(
          EdxmlCodec.write(
              Packages.status(
                  doc,
                  Federation.GOVERNMENT_OFFICE,
                  code,
                  code.meaning(),
                  "Văn thư VPCP",
                  Instant.now())));
      awaitInbox(province, doc.documentId(), code.code());
    }
    DocumentHistory h = province.history(doc.documentId(), Federation.PROVINCE);
    assertThat(h.statuses())
        .filteredOn(s -> s.reporter().equals(Federation.GOVERNMENT_OFFICE.value()))
        .extracting(StatusEntry::statusCode)
        .containsExactly("01", "03", "04", "05", "06");
    assertThat(h.recipients().get(Federation.GOVERNMENT_OFFICE.value()))
        .isEqualTo(new DocumentHistory.RecipientState("forwarded", "06"));

    // recall: the sender asks (13) and revokes, the Government Office agrees (15)
    province.send(
        EdxmlCodec.write(
            Packages.status(
                doc,
                Federation.PROVINCE,
                StatusCode.RECALL_REQUESTED,
                "Ban hành nhầm",
                "Văn thư",
                Instant.now())));
    awaitInbox(government, doc.documentId(), "13");
    DocumentPackage revoke =
        Federation.sampleDocument(
            "1024-TH", List.of(Federation.DEPARTMENT, Federation.GOVERNMENT_OFFICE));
    Packages.actOn(revoke, BusinessType.REVOKE, doc.documentId(), "Ban hành nhầm");
    province.send(SignedPackages.sign(revoke, fed.provinceKey()));
    await()
        .atMost(DELIVERY)
        .until(
            () -> government.inbox(1000).stream().anyMatch(i -> i.businessType().equals("REVOKE")));
    government.send(
        EdxmlCodec.write(
            Packages.status(
                doc,
                Federation.GOVERNMENT_OFFICE,
                StatusCode.RECALL_AGREED,
                "Đồng ý thu hồi",
                "Văn thư VPCP",
                Instant.now())));
    awaitInbox(province, doc.documentId(), "15");
    DocumentHistory after = province.history(doc.documentId(), Federation.PROVINCE);
    assertThat(after.actions())
        .extracting(DocumentHistory.BusinessAction::businessType)
        .containsExactly("REVOKE");
    assertThat(after.recipients().get(Federation.GOVERNMENT_OFFICE.value()).latestStatus())
        .isEqualTo("15");

    // the same package again is recognised, not delivered twice
    Receipt again = province.send(signed);
    assertThat(again.duplicate()).isTrue();
    assertThat(again.packageId()).isEqualTo(receipt.packageId());
    // a second delivery would arrive within half a second
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                government.inbox(1000).stream()
                    .noneMatch(
                        i ->
                            i.documentId().equals(doc.documentId())
                                && i.kind().equals("document")));

    // every crossing was a gateway exchange, written to both ledgers
    long[] ledgersAfter = fed.ledgerSizes();
    assertThat(ledgersAfter[0] - ledgersBefore[0]).isGreaterThanOrEqualTo(9);
    assertThat(ledgersAfter[1] - ledgersBefore[1]).isGreaterThanOrEqualTo(9);
  }
}
