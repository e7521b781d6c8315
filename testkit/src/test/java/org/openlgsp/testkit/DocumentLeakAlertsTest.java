package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.Packages;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;

/**
 * {@code documents.alerts}: a document axis started from its file turns its leak findings into
 * {@code dataLeak} alerts of the alerts module, delivered to the configured webhook like a
 * gateway's: a blocked mark (refused package) and an alerted ID (passed package, named by its id),
 * never the matched text; a clean package raises nothing.
 */
class DocumentLeakAlertsTest {
  static final String CCCD = "001204012345";

  @TempDir Path dir;

  private static byte[] packageWith(String number, String content, byte[] pdf) {
    DocumentPackage doc = Federation.sampleDocument(number, List.of(Federation.DEPARTMENT));
    doc.header().content = content;
    Packages.attach(doc, "van-ban.pdf", "application/pdf", pdf);
    return EdxmlCodec.write(doc);
  }

  @Test
  void blockedAndAlertedFindingsReachTheWebhookAsDataLeakAlerts() throws Exception {
    Files.writeString(dir.resolve("hook.secret"), "webhook-secret-from-a-file-0123\n");
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    List<String> delivered = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        x -> {
          delivered.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    hook.start();
    int port = AxisFiles.freePort();
    AxisClient province = new AxisClient("http://127.0.0.1:" + port, "province-token");
    try (DocumentsNode axis =
        AxisFiles.start(
            dir,
            port,
            "province-token",
            "trustAnchors: [agency-ca.pem]\n  signatureRequired: false\n"
                + "  leaks: [{detector: classification, action: block},"
                + " {detector: cccd, action: alert}]\n"
                + "  alerts: {webhooks: [{url: 'http://127.0.0.1:"
                + hook.getAddress().getPort()
                + "/hook', secretFile: hook.secret}]}",
            Clock.systemUTC())) {
      byte[] clean = DocumentAttachmentLeaksTest.pdf("Giấy mời họp");
      assertThat(province.send(packageWith("11", "Giấy mời", clean)).leaks()).isEmpty();
      byte[] marked = DocumentAttachmentLeaksTest.pdf("Báo cáo này là TUYỆT MẬT.");
      assertThatThrownBy(() -> province.send(packageWith("12", "Báo cáo", marked)))
          .isInstanceOf(LgspException.class);
      String passed =
          province.send(packageWith("13", "Công dân số định danh " + CCCD, clean)).packageId();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  delivered.stream().anyMatch(b -> b.contains("classification:block"))
                      && delivered.stream().anyMatch(b -> b.contains("cccd:alert")));
      assertThat(delivered)
          .hasSize(2)
          .allSatisfy(
              b ->
                  assertThat(b)
                      .contains("dataLeak", "HIGH", Federation.PROVINCE.value())
                      .doesNotContain(CCCD, "TUYỆT", "TUY\\u1ec6T"));
      assertThat(delivered)
          .filteredOn(b -> b.contains("cccd:alert"))
          .singleElement()
          .satisfies(b -> assertThat(b).contains(passed, "(passed)"));
      assertThat(delivered)
          .filteredOn(b -> b.contains("classification:block"))
          .singleElement()
          .satisfies(b -> assertThat(b).contains("(refused)"));
    } finally {
      hook.stop(0);
    }
  }
}
