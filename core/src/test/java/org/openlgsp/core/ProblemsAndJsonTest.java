package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemsAndJsonTest {
  @Test
  void errorCodesAreUniqueDottedAndClientVisibleStatuses() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).doesNotHaveDuplicates();
    assertThat(ErrorCode.values())
        .allSatisfy(
            c -> {
              assertThat(c.code()).matches("[a-z]+(\\.[a-z_]+)+");
              assertThat(c.httpStatus()).isBetween(400, 599);
              assertThat(c.xroadType()).matches("(Client|Server)\\..+");
              assertThat(ErrorCode.fromCode(c.code())).contains(c);
            });
    assertThat(ErrorCode.fromCode("no.such")).isEmpty();
  }

  @Test
  void problemIsRfc9457Json() throws Exception {
    Problem p = Problem.of(ErrorCode.ACCESS_DENIED, "no grant");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = Json.mapper().readValue(p.toJsonBytes(), Map.class);
    assertThat(json)
        .containsEntry("type", "https://openlgsp.org/problems/access.denied")
        .containsEntry("title", "Access denied")
        .containsEntry("status", 403)
        .containsEntry("detail", "no grant")
        .containsEntry("code", "access.denied")
        .doesNotContainKey("errors");
    Problem many = Problem.of(ErrorCode.REQUEST_MALFORMED, "2 problems", List.of("a", "b"));
    assertThat(new String(many.toJsonBytes(), StandardCharsets.UTF_8))
        .contains("\"errors\":[\"a\",\"b\"]");
  }

  @Test
  void aProblemReadsBackAsWrittenWithOrWithoutItsErrorList() {
    Problem single = Problem.of(ErrorCode.ACCESS_DENIED, "no grant");
    Problem many = Problem.of(ErrorCode.DOCUMENT_INVALID, "two", List.of("a", "b"));
    assertThat(Json.read(single.toJsonBytes(), Problem.class)).isEqualTo(single);
    assertThat(Json.read(many.toJsonBytes(), Problem.class)).isEqualTo(many);
  }

  @Test
  void aClientRaisesAProblemAgainWithItsCodeAndDetail() {
    LgspException e =
        LgspException.fromProblem(
            Problem.of(ErrorCode.ACCESS_DENIED, "no grant").toJsonBytes(), "unreadable");
    assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
    assertThat(e.detail()).isEqualTo("no grant");

    LgspException unknown =
        LgspException.fromProblem(
            "{\"code\":\"no.such\"}".getBytes(StandardCharsets.UTF_8), "unreadable");
    assertThat(unknown.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(unknown.detail()).isEqualTo(ErrorCode.INTERNAL_ERROR.title());

    for (String notAProblem : List.of("", "<html>bad gateway</html>", "[1]", "\"text\"")) {
      LgspException e2 =
          LgspException.fromProblem(
              notAProblem.getBytes(StandardCharsets.UTF_8), "registry answered 502");
      assertThat(e2.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
      assertThat(e2.detail()).isEqualTo("registry answered 502");
    }
  }

  @Test
  void untrustedJsonFailuresAreMalformedRequests() {
    record Sample(String name, int count) {}
    for (String bad :
        List.of("{", "[]", "{\"name\":\"x\",\"count\":1,\"extra\":true}", "{\"name\":\"x\"}")) {
      assertThatThrownBy(() -> Json.read(bad.getBytes(StandardCharsets.UTF_8), Sample.class))
          .isInstanceOf(LgspException.class)
          .extracting(e -> ((LgspException) e).code())
          .isEqualTo(ErrorCode.REQUEST_MALFORMED);
    }
    String deep = "[".repeat(200) + "]".repeat(200);
    assertThatThrownBy(() -> Json.read(deep.getBytes(StandardCharsets.UTF_8), Object.class))
        .isInstanceOf(LgspException.class);
  }

  @Test
  void outputIsDeterministic() {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put("b", 1);
    m.put("a", 2);
    assertThat(Json.writeString(m)).isEqualTo("{\"a\":2,\"b\":1}");
  }

  @Test
  void constantTimeEqualsComparesContent() {
    assertThat(Digests.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
    assertThat(Digests.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
    assertThat(Digests.constantTimeEquals(new byte[] {1}, new byte[] {1, 2})).isFalse();
  }
}
