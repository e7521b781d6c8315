package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.testkit.Federation;

/** {@code lgsp edoc ...} and {@code lgsp demo edoc} against running axis nodes. */
class EdocCommandLineTest {
  @TempDir Path dir;

  @Test
  void sendInboxGetStatusAndHistoryFromTheCommandLine() throws Exception {
    try (Federation fed = Federation.start(dir.resolve("fed"), Federation.Options.documents())) {
      Path provinceToken = Files.writeString(dir.resolve("province.token"), fed.provinceToken());
      Path departmentToken =
          Files.writeString(dir.resolve("department.token"), fed.departmentToken());
      DocumentPackage doc = Federation.sampleDocument("77", List.of(Federation.DEPARTMENT));
      doc.header().dueDate = "2026/11/01"; // before its promulgation: tolerated, and said so
      Path file = dir.resolve("cong-van.edxml");
      Files.write(file, EdxmlCodec.write(doc));
      Path pki = fed.workDir().resolve("pki");
      String axis = fed.provinceAxisUrl();

      CommandRun unsigned =
          CommandRun.run(
              "edoc",
              "send",
              "--axis",
              axis,
              "--token-file",
              provinceToken.toString(),
              file.toString());
      assertThat(unsigned.exit()).isEqualTo(2);
      assertThat(unsigned.err()).contains("document.invalid");

      CommandRun sent =
          CommandRun.run(
              "edoc",
              "send",
              "--axis",
              axis,
              "--token-file",
              provinceToken.toString(),
              "--sign-key",
              pki.resolve("province-document.key").toString(),
              "--sign-cert",
              pki.resolve("province-document.pem").toString(),
              file.toString());
      assertThat(sent.exit()).as(sent.err()).isZero();
      assertThat(sent.out())
          .contains("accepted: document " + doc.documentId())
          .contains(
              "tolerated: DueDate: before the promulgation date (DUE_DATE_BEFORE_PROMULGATION)");

      CommandRun inbox =
          CommandRun.run(
              "edoc", "inbox", "--axis", axis, "--token-file", departmentToken.toString());
      assertThat(inbox.out()).contains("1 waiting").contains(doc.documentId());
      Matcher m = Pattern.compile("([0-9a-f-]{36})  document").matcher(inbox.out());
      assertThat(m.find()).isTrue();

      Path saved = dir.resolve("received.edxml");
      CommandRun get =
          CommandRun.run(
              "edoc",
              "get",
              "--axis",
              axis,
              "--token-file",
              departmentToken.toString(),
              m.group(1),
              "-o",
              saved.toString(),
              "--ack");
      assertThat(get.exit()).as(get.err()).isZero();
      assertThat(EdxmlCodec.parse(Files.readAllBytes(saved)).pkg().fromOrganId())
          .isEqualTo("000.00.00.H41");

      CommandRun status =
          CommandRun.run(
              "edoc",
              "status",
              "--axis",
              axis,
              "--token-file",
              departmentToken.toString(),
              "--document-id",
              doc.documentId(),
              "--sender",
              "000.00.00.H41",
              "--from",
              "000.00.15.H41",
              "--code",
              "03");
      assertThat(status.exit()).as(status.err()).isZero();
      CommandRun badStatus =
          CommandRun.run(
              "edoc",
              "status",
              "--axis",
              axis,
              "--token-file",
              departmentToken.toString(),
              "--document-id",
              doc.documentId(),
              "--sender",
              "000.00.00.H41",
              "--from",
              "000.00.15.H41",
              "--code",
              "42");
      assertThat(badStatus.exit()).isEqualTo(2);
      assertThat(badStatus.err()).contains("document.invalid");

      CommandRun history =
          CommandRun.run(
              "edoc",
              "history",
              "--axis",
              axis,
              "--token-file",
              provinceToken.toString(),
              "--document-id",
              doc.documentId(),
              "--sender",
              "000.00.00.H41");
      assertThat(history.exit()).as(history.err()).isZero();
      assertThat(history.out())
          .contains("to 000.00.15.H41: delivery acknowledged, latest status 03")
          .contains("000.00.15.H41 03  accepted");
    }
  }
}
