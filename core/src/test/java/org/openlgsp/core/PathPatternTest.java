package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {
  @ParameterizedTest
  @ValueSource(strings = {"/", "/citizens", "/citizens/*", "/citizens/**", "/a/*/b/**", "/%2F~x"})
  void theTextFormRoundTrips(String text) {
    assertThat(PathPattern.parse(text)).hasToString(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "citizens", "//", "/a/", "/a//b", "/**/a", "/a b", "/a/?x", "/***"})
  void malformedTextIsRefusedAsAMalformedRequest(String text) {
    assertThatThrownBy(() -> PathPattern.parse(text))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED))
        .hasMessageContaining("path pattern");
  }

  @Test
  void longerThan512CharactersIsRefused() {
    assertThatThrownBy(() -> PathPattern.parse("/" + "a".repeat(512)))
        .isInstanceOf(LgspException.class);
    assertThat(PathPattern.parse("/" + "a".repeat(511))).isNotNull();
  }

  @Test
  void theRootHasNoSegments() {
    assertThat(PathPattern.parse("/").segments()).isEmpty();
    assertThat(PathPattern.parse("/a/*").segments()).containsExactly("a", "*");
    assertThatThrownBy(() -> new PathPattern(List.of("**", "a"))).isInstanceOf(LgspException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "/citizens/*, /citizens/1, true",
    "/citizens/*, /citizens/1/cards, false",
    "/citizens/*, /citizens, false",
    "/citizens/**, /citizens/1/cards, true",
    "/citizens/**, /citizens, true",
    "/citizens/*/cards, /citizens/9/cards, true",
    "/citizens/*/cards, /citizens/9/photos, false",
    "/citizens/1, /citizens/1, true",
    "/citizens/1, /citizens/1%2Fadmin, false",
    "/*, /, false",
    "/, /, true",
    "/, '', true",
    "/citizens/*, /citizens/, false",
    "/citizens/*/cards, /citizens//cards, false",
    "/citizens/*, /%63itizens/1, true",
    "/citizens/*, /citizens/..%2fhouseholds, false",
    "/citizens/*, /citizens/%2e%2e%2fhouseholds, false",
    "/citizens/*, /citizens/%252e%252e%252fhouseholds, false",
    "/citizens/*, /citizens/..%5chouseholds, false",
    "/citizens/*, /citizens/a%00, false",
    "/citizens/**, /citizens/%2e%2e/households, false",
    "/citizens/**, /citizens/..;/households, false",
    "/citizens/*, /citizens/%zz, false",
  })
  void patternsMatchWholeDecodedSegments(String pattern, String path, boolean expected) {
    assertThat(PathPattern.parse(pattern).matches(path)).isEqualTo(expected);
  }
}
