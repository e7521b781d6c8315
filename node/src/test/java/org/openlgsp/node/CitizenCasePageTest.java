package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The citizen's case page ({@code GET /tra-cuu}) on a started procedures node: the case's progress
 * for its code with the last four digits of the filer's personal ID, the same "not found" for a
 * wrong guess and an unknown code, no personal data, throttled guessing.
 */
@RequiresPeer(Peer.POSTGRES)
class CitizenCasePageTest extends ProceduresNodeFixture {
  static final String MOTHER_ID = "072190004321";
  static final String DOSSIER =
      "{\"me\":{\"hoTen\":\"Trần Thị Lan\",\"soDinhDanh\":\"" + MOTHER_ID + "\"}}";

  @Test
  void theCaseShowsForItsCodeAndTheFilersLastFourDigitsAndNothingElse() throws Exception {
    List<AutoCloseable> running = start(config(""));
    try {
      int port = apiPort(running);
      String code = file(port, DOSSIER);

      HttpResponse<String> shown = page(port, "maHoSo=" + code + "&soCuoi=4321");
      assertThat(shown.statusCode()).isEqualTo(200);
      assertThat(shown.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'"));
      assertThat(shown.body())
          .contains("Tra cứu hồ sơ liên thông", code, "Liên thông khai sinh, thường trú")
          .contains("id=\"trangThai\">Đang")
          .doesNotContain(MOTHER_ID, "Trần Thị Lan", "Không tìm thấy");

      String wrongDigits = page(port, "maHoSo=" + code + "&soCuoi=1234").body();
      String unknown = page(port, "maHoSo=000.00.00.H53-261207-ZZZZZZ&soCuoi=4321").body();
      assertThat(wrongDigits).contains("Không tìm thấy").doesNotContain("id=\"trangThai\"");
      assertThat(unknown.replace("000.00.00.H53-261207-ZZZZZZ", code))
          .as("an unknown code reads exactly as wrong digits")
          .isEqualTo(wrongDigits);

      assertThat(page(port, "lang=en&maHoSo=" + code + "&soCuoi=4321").body())
          .contains("Look up an inter-agency case", "Birth registration");
      assertThat(page(port, "maHoSo=%3Cscript%3Ealert(1)%3C/script%3E&soCuoi=4321").body())
          .doesNotContain("<script>")
          .contains("value=\"&lt;script>alert(1)&lt;/script>\""); // escaped as an attribute
    } finally {
      NodeRoles.closeAll(running);
    }
  }

  @Test
  void guessingIsThrottledPerAddressAndTheFormAloneIsNot() throws Exception {
    List<AutoCloseable> running = start(config(""));
    try {
      int port = apiPort(running);
      String code = file(port, DOSSIER);
      for (int i = 0; i < 10; i++) {
        assertThat(page(port, "maHoSo=" + code + "&soCuoi=" + (1000 + i)).statusCode())
            .isEqualTo(200);
      }
      HttpResponse<String> throttled = page(port, "maHoSo=" + code + "&soCuoi=4321");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.body()).contains("authentication.throttled");
      assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
      assertThat(page(port, "").statusCode()).as("the empty form still opens").isEqualTo(200);
    } finally {
      NodeRoles.closeAll(running);
    }
  }

  private HttpResponse<String> page(int port, String query) throws Exception {
    String q =
        query.isEmpty()
            ? ""
            : "?" + query.replace(" ", URLEncoder.encode(" ", StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tra-cuu" + q)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
