package org.openlgsp.demo;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.openlgsp.cli.EdocCommands;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.Receipt;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.documents.StatusCode;
import org.openlgsp.testkit.DocumentExchangeWait;
import org.openlgsp.testkit.Federation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lgsp demo edoc}: the People's Committee of Nghệ An sends a signed official document to its
 * Department of Home Affairs and to the Government Office (behind another gateway); both walk it
 * through its statuses, which the sender sees.
 */
@Command(
    name = "edoc",
    mixinStandardHelpOptions = true,
    description = {
      "Start two document axis nodes behind two gateways and send a signed edXML document from a"
          + " provincial People's Committee to its department and to the Government Office, then"
          + " walk it through its statuses (01 → 03 → 04 → 05 → 06)."
    })
final class EdocDemoCommand implements Callable<Integer> {
  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Work folder (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".lgsp", "demo-edoc");

  @Override
  public Integer call() throws Exception {
    System.out.println(
        "OpenLGSP document axis demo, everything on 127.0.0.1, SQLite in " + dir.toAbsolutePath());
    System.out.println();
    try (Federation fed =
        Federation.start(dir, Federation.Options.documents().withOut(System.out))) {
      AxisClient province = new AxisClient(fed.provinceAxisUrl(), fed.provinceToken());
      AxisClient department = new AxisClient(fed.provinceAxisUrl(), fed.departmentToken());
      AxisClient government = new AxisClient(fed.governmentAxisUrl(), fed.governmentToken());
      DocumentPackage doc =
          Packages.document(
              new Packages.NewDocument(
                  Federation.PROVINCE,
                  "UBND tỉnh Nghệ An",
                  List.of(Federation.DEPARTMENT, Federation.GOVERNMENT_OFFICE),
                  "2468",
                  "UBND-VX",
                  LocalDate.now(),
                  "V/v triển khai kết nối trục liên thông văn bản",
                  "Đề nghị Sở Nội vụ chủ trì, phối hợp triển khai; báo cáo Văn phòng Chính phủ.",
                  "Lê Hồng Vinh",
                  Federation.AGENCY_NAMES),
              Instant.now());
      Packages.attach(
          doc,
          "cong-van-2468.pdf",
          "application/pdf",
          "%PDF-1.7 demo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] signed = SignedPackages.sign(doc, fed.provinceKey());
      System.out.println();
      System.out.println(
          "1) SEND  UBND tỉnh Nghệ An signs (ECDSA, enveloped XML-DSig) and sends "
              + doc.documentId());
      Receipt r = province.send(signed);
      System.out.println(
          "   → stored durably before the receipt: package "
              + r.packageId()
              + ", recipients "
              + r.recipients());
      Receipt dup = province.send(signed);
      System.out.println(
          "   same package again → duplicate="
              + dup.duplicate()
              + " (same package "
              + dup.packageId()
              + ")");

      System.out.println();
      System.out.println("2) RECEIVE");
      InboxItem atDept = await(department, doc.documentId(), "");
      System.out.println(
          "   Sở Nội vụ inbox (same axis): " + atDept.documentId() + " — " + atDept.subject());
      InboxItem atGov = await(government, doc.documentId(), "");
      System.out.println(
          "   Văn phòng Chính phủ inbox (other gateway, signed exchange): "
              + atGov.documentId()
              + ", "
              + atGov.size()
              + " bytes");
      department.acknowledge(atDept.deliveryId());
      government.acknowledge(atGov.deliveryId());

      System.out.println();
      System.out.println("3) STATUSES travel back to the sender");
      for (StatusCode code :
          List.of(
              StatusCode.ARRIVED,
              StatusCode.ACCEPTED,
              StatusCode.ASSIGNED,
              StatusCode.IN_PROGRESS,
              StatusCode.COMPLETED)) {
        report(department, doc, Federation.DEPARTMENT, code);
        report(government, doc, Federation.GOVERNMENT_OFFICE, code);
        await(province, doc.documentId(), code.code());
        System.out.println("   " + code.code() + " " + code.meaning());
      }
      // wait until both recipients' final status is in
      DocumentExchangeWait.until(
          () ->
              province.history(doc.documentId(), Federation.PROVINCE).recipients().values().stream()
                  .allMatch(s -> s.latestStatus().equals("06")));

      System.out.println();
      System.out.println("4) HISTORY as the sender sees it (lgsp edoc history)");
      EdocCommands.print(province.history(doc.documentId(), Federation.PROVINCE));
      long[] ledgers = fed.ledgerSizes();
      System.out.println();
      System.out.printf(
          "Ledgers: Nghệ An gateway %d records, Government Office gateway %d records%n",
          ledgers[0], ledgers[1]);
    }
    return 0;
  }

  private static void report(
      AxisClient client, DocumentPackage doc, AgencyCode from, StatusCode code) {
    client.send(
        EdxmlCodec.write(
            Packages.status(doc, from, code, code.description(), "Văn thư", Instant.now())));
  }

  private static InboxItem await(AxisClient client, String documentId, String status)
      throws InterruptedException {
    InboxItem[] found = new InboxItem[1];
    DocumentExchangeWait.until(
        () -> {
          for (InboxItem i : client.inbox(1000)) {
            if (i.documentId().equals(documentId) && i.statusCode().equals(status)) {
              found[0] = i;
              return true;
            }
          }
          return false;
        });
    return found[0];
  }
}
