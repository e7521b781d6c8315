package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.ServiceId;

class GrantMatcherTest {
  static final ClientId CLIENT = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  static final ServiceId SERVICE = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");

  static Directory.Grant grant(List<String> methods, List<String> paths) {
    return new Directory.Grant(
        CLIENT, SERVICE, methods, paths.stream().map(PathPattern::parse).toList());
  }

  @Test
  void noGrantMeansDenied() {
    assertThat(GrantMatcher.admits(List.of(), "GET", "/citizens/1")).isFalse();
  }

  @Test
  void emptyListsAdmitEveryMethodAndPath() {
    assertThat(GrantMatcher.admits(List.of(grant(List.of(), List.of())), "DELETE", "/x/y"))
        .isTrue();
  }

  @Test
  void methodsNarrowTheGrant() {
    var g = List.of(grant(List.of("GET"), List.of()));
    assertThat(GrantMatcher.admits(g, "GET", "/a")).isTrue();
    assertThat(GrantMatcher.admits(g, "POST", "/a")).isFalse();
  }

  @Test
  void pathPatternsNarrowTheGrant() {
    var g = List.of(grant(List.of(), List.of("/citizens/*")));
    assertThat(GrantMatcher.admits(g, "GET", "/citizens/1")).isTrue();
    assertThat(GrantMatcher.admits(g, "GET", "/citizens/1/cards")).isFalse();
    assertThat(GrantMatcher.admits(g, "GET", "")).isFalse();
  }

  @Test
  void anyOfSeveralGrantsSuffices() {
    var g = List.of(grant(List.of("GET"), List.of("/a/*")), grant(List.of("POST"), List.of("/b")));
    assertThat(GrantMatcher.admits(g, "POST", "/b")).isTrue();
    assertThat(GrantMatcher.admits(g, "POST", "/a/1")).isFalse();
  }
}
