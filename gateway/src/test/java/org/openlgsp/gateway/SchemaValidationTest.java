package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.OpenApiDocument;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality.Violation;

/** How an exchange finds its schema in an OpenAPI document, and what is not checked. */
class SchemaValidationTest {
  static final String YAML_31 =
      """
      openapi: 3.1.0
      info: {title: t, version: "1"}
      x-openlgsp-data-time-fields: [CapNhatLuc]
      paths:
        /citizens/me:
          get:
            responses:
              "200":
                content:
                  application/json:
                    schema: {type: object, required: [me]}
        /citizens/{id}:
          get:
            responses:
              "200":
                content:
                  application/problem+json; charset=utf-8:
                    schema: {type: object, required: [HoTen]}
              4XX:
                content:
                  application/json:
                    schema: {type: object, required: [code]}
              default:
                content:
                  "*/*":
                    schema: {type: object, required: [error]}
        /remote:
          post:
            requestBody:
              content:
                application/json:
                  schema: {$ref: "http://127.0.0.1:1/schema.json"}
      """;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  final SchemaValidation v = SchemaValidation.of(OpenApiDocument.parse(YAML_31));

  @Test
  void aLiteralPathWinsOverATemplateAndTheStatusThenItsRangeThenDefaultIsUsed() {
    assertThat(v.response("GET", "/citizens/me", 200, "application/json", b("{}")).violations())
        .containsExactly(new Violation("response", "/me", "required"));
    assertThat(
            v.response("GET", "/citizens/079", 200, "application/problem+json", b("{}"))
                .violations())
        .containsExactly(new Violation("response", "/HoTen", "required"));
    assertThat(v.response("GET", "/citizens/079", 404, "application/json", b("{}")).violations())
        .containsExactly(new Violation("response", "/code", "required"));
    assertThat(v.response("GET", "/citizens/079", 503, "application/json", b("{}")).violations())
        .containsExactly(new Violation("response", "/error", "required"));
  }

  @Test
  void whatTheDocumentDoesNotDescribeOrIsNotJsonIsNotCheckedAndBrokenJsonIsAViolation() {
    assertThat(v.response("GET", "/elsewhere", 200, "application/json", b("{}")).checked())
        .isFalse();
    assertThat(v.response("POST", "/citizens/me", 200, "application/json", b("{}")).checked())
        .isFalse();
    assertThat(v.response("GET", "/citizens/me", 200, "text/plain", b("me")).checked()).isFalse();
    assertThat(
            v.response("GET", "/citizens/me", 200, "application/json", b("{\"me\":")).violations())
        .containsExactly(new Violation("response", "", "json"));
  }

  @Test
  void aReferenceOutsideTheDocumentIsNeverFetchedAndTheBodyIsLeftUnchecked() {
    SchemaValidation.Outcome o = v.request("POST", "/remote", "application/json", b("{}"));

    assertThat(o.checked()).isFalse();
    assertThat(o.violations()).isEmpty();
  }

  @Test
  void theOldestDataTimeOfAnAnswerIsFoundUnderTheDefaultAndTheDocumentsNames() {
    String body =
        """
        {"me": {"ThoiDiemDuLieu": "2026-11-30T10:00:00+07:00"},
         "list": [{"CapNhatLuc": "2026-11-01T00:00:00"}, {"ThoiDiemDuLieu": "not a time"}]}""";

    assertThat(v.response("GET", "/citizens/me", 200, "application/json", b(body)).dataTime())
        .hasValue(Instant.parse("2026-10-31T17:00:00Z")); // no offset: read as UTC+7
  }
}
