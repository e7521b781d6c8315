package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.Digests;

class SigningInputTest {
  static SigningInput.Request request(String path, String query) {
    return new SigningInput.Request(
        "GET",
        "VN/GOV/000.00.00.G01/CSDLQGDC/citizens",
        path,
        query,
        "VN/GOV/000.00.00.H53/DVC",
        "msg-1",
        "req-1",
        "VN079090001111",
        "HS-1",
        "",
        "application/json",
        1_790_000_000_000L,
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  }

  @Test
  void requestInputIsTheDocumentedLineLayout() {
    String text = new String(request("/citizens/1", "a=1").bytes(), StandardCharsets.UTF_8);
    assertThat(text)
        .isEqualTo(
            "lgsp-request/1\nGET\nVN/GOV/000.00.00.G01/CSDLQGDC/citizens\n/citizens/1\na=1\n"
                + "VN/GOV/000.00.00.H53/DVC\nmsg-1\nreq-1\nVN079090001111\nHS-1\n\n"
                + "application/json\n1790000000000\n"
                + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
  }

  @Test
  void requestHashIsBase64Sha512OfTheInput() {
    SigningInput.Request r = request("/x", "");
    assertThat(r.hash()).isEqualTo(Digests.base64(Digests.sha512(r.bytes()))).hasSize(88);
  }

  @Test
  void movingTextBetweenFieldsChangesTheInput() {
    assertThat(request("/citizens/1", "").bytes()).isNotEqualTo(request("/citizens", "1").bytes());
  }

  @Test
  void fieldsWithLineBreaksAreRefused() {
    assertThatThrownBy(() -> request("/a\nb", "").bytes())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void responseInputCoversStatusHashAndError() {
    var a = new SigningInput.Response(200, "h", "m", "r", "", 1, "d", "");
    var b = new SigningInput.Response(403, "h", "m", "r", "", 1, "d", "");
    var c = new SigningInput.Response(200, "h", "m", "r", "", 1, "d", "Server.X");
    assertThat(new String(a.bytes(), StandardCharsets.UTF_8))
        .isEqualTo("lgsp-response/1\n200\nh\nm\nr\n\n1\nd\n\n");
    assertThat(a.bytes()).isNotEqualTo(b.bytes()).isNotEqualTo(c.bytes());
  }
}
