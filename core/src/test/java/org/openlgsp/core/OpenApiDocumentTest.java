package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  @Test
  void endpointsAreEveryOperationInDocumentOrderWithTemplateParametersAsWildcards() {
    OpenApiDocument doc =
        OpenApiDocument.parse(
            """
            openapi: 3.0.0
            paths:
              /pet:
                put: {}
                post: {}
                summary: not an operation
              /pet/{petId}/uploadImage:
                post: {}
              /store/order/{orderId}:
                parameters: []
                get: {}
                delete: {}
            """);
    assertThat(doc.isJson()).isFalse();
    assertThat(doc.endpoints())
        .extracting(e -> e.method() + " " + e.path())
        .containsExactly(
            "PUT /pet",
            "POST /pet",
            "POST /pet/*/uploadImage",
            "GET /store/order/*",
            "DELETE /store/order/*");
  }

  @Test
  void aDocumentWithoutPathsHasNoEndpointsAndJsonStaysJson() {
    OpenApiDocument doc = OpenApiDocument.parse("{\"openapi\":\"3.1.0\"}");
    assertThat(doc.isJson()).isTrue();
    assertThat(doc.endpoints()).isEmpty();
    assertThat(doc.anonymised()).isEqualTo("{\"openapi\":\"3.1.0\"}");
  }

  @Test
  void serverAddressesWithoutVariablesAreReducedToTheirPaths() {
    OpenApiDocument doc =
        OpenApiDocument.parse(
            "{\"openapi\":\"3.0.1\",\"servers\":[{\"url\":\"https://db.internal:9000/v2\"},"
                + "{\"url\":\"https://{env}.example.vn/v2\"},{\"url\":\"http://host\"}]}");
    assertThat(doc.anonymised())
        .isEqualTo(
            "{\"openapi\":\"3.0.1\",\"servers\":[{\"url\":\"/v2\"},"
                + "{\"url\":\"https://{env}.example.vn/v2\"},{\"url\":\"\"}]}");
  }

  @Test
  void anythingButAnOpenApi3DocumentIsRefused() {
    for (String text :
        new String[] {
          "swagger: '2.0'", "openapi: 3", "[1, 2]", "{broken", "openapi: 3.0.0\npaths: [a]", ""
        }) {
      assertThatThrownBy(() -> OpenApiDocument.parse(text))
          .as(text)
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
    }
  }

  @Test
  void aYamlAliasBombIsNotExpanded() {
    StringBuilder b = new StringBuilder("openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 60; i++) {
      b.append("a").append(i).append(": &a").append(i).append(" [");
      b.append(("*a" + (i - 1) + ", ").repeat(8)).append("*a").append(i - 1).append("]\n");
    }
    // refused, or read without expanding 9^60 nodes: either way quickly and small
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(5),
        () -> {
          try {
            assertThat(OpenApiDocument.parse(b.toString()).anonymised()).hasSizeLessThan(100_000);
          } catch (LgspException refused) {
            assertThat(refused.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED);
          }
        });
  }
}
