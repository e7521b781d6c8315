package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathSegmentsTest {
  @Test
  void segmentsAreDecodedOnce() {
    assertThat(PathSegments.decode("/citizens/Nguy%E1%BB%85n/%25"))
        .containsExactly("citizens", "Nguyễn", "%");
    assertThat(PathSegments.decode("")).isEmpty();
    assertThat(PathSegments.decode("/")).isEmpty();
    assertThat(PathSegments.decode("/a/")).containsExactly("a", "");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/..",
        "/a/.",
        "/%2e%2E",
        "/%2E",
        "/..;x",
        "/a%2fb",
        "/a%2Fb",
        "/a%5cb",
        "/a%5Cb",
        "/a%00",
        "/a%0d%0a",
        "/a%7f",
        "/%252e%252e",
        "/%252f",
        "/%25%32%65"
      })
  void pathsThatCouldMeanAnotherResourceAreUnsafe(String raw) {
    assertThatThrownBy(() -> PathSegments.decode(raw))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PATH_UNSAFE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%zz", "/%2", "/a%", "/%c3%28", "/%ff"})
  void brokenEncodingsAreMalformed(String raw) {
    assertThatThrownBy(() -> PathSegments.decode(raw))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
  }
}
