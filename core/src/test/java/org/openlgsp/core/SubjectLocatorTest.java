package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectLocatorTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "path:2",
        "path:99",
        "query:so_dinh-danh.v1",
        "json:/SoDinhDanh,path:2",
        "query:id,path:1",
        "json:/a/b:c/0,query:id,path:3,json:/x"
      })
  void theTextFormRoundTrips(String text) {
    assertThat(SubjectLocator.parse(text)).hasToString(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "path:0",
        "path:01",
        "path:100",
        "path:",
        "path:2,",
        ",path:2",
        "json:/a,json:/b,path:1,path:2,query:x",
        "file:/etc",
        "query:",
        "query:a b",
        "query:a:b",
        "json:",
        "json:a",
        "json:/a//b",
        "json:/a b",
        " path:2",
        "PATH:2"
      })
  void malformedTextIsRefusedAsAMalformedRequest(String text) {
    assertThatThrownBy(() -> SubjectLocator.parse(text))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED))
        .hasMessageContaining("subject locator");
  }

  @Test
  void placesAreTypedAndKeepTheirOrder() {
    assertThat(SubjectLocator.parse("json:/id,path:2,query:q").places())
        .containsExactly(
            new SubjectLocator.JsonPointer("/id"),
            new SubjectLocator.PathSegment(2),
            new SubjectLocator.QueryParameter("q"));
    assertThat(SubjectLocator.parse("")).isEqualTo(SubjectLocator.NONE);
    assertThat(SubjectLocator.NONE.isEmpty()).isTrue();
  }

  @Test
  void theConstructorsValidateToo() {
    assertThatThrownBy(() -> new SubjectLocator.PathSegment(0)).isInstanceOf(LgspException.class);
    assertThatThrownBy(() -> new SubjectLocator.QueryParameter(""))
        .isInstanceOf(LgspException.class);
    assertThatThrownBy(() -> new SubjectLocator.JsonPointer("id"))
        .isInstanceOf(LgspException.class);
    SubjectLocator.Place one = new SubjectLocator.PathSegment(1);
    assertThatThrownBy(() -> new SubjectLocator(List.of(one, one, one, one, one)))
        .isInstanceOf(LgspException.class);
  }
}
