package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(admits(List.of(), "GET", "/citizens/1")).isFalse();
  }

  @Test
  void emptyListsAdmitEveryMethodAndPath() {
    assertThat(admits(List.of(grant(List.of(), List.of())), "DELETE", "/x/y")).isTrue();
  }

  @Test
  void methodsNarrowTheGrant() {
    var g = List.of(grant(List.of("GET"), List.of()));
    assertThat(admits(g, "GET", "/a")).isTrue();
    assertThat(admits(g, "POST", "/a")).isFalse();
  }

  @Test
  void pathPatternsNarrowTheGrant() {
    var g = List.of(grant(List.of(), List.of("/citizens/*")));
    assertThat(admits(g, "GET", "/citizens/1")).isTrue();
    assertThat(admits(g, "GET", "/citizens/1/cards")).isFalse();
    assertThat(admits(g, "GET", "")).isFalse();
  }

  @Test
  void anyOfSeveralGrantsSuffices() {
    var g = List.of(grant(List.of("GET"), List.of("/a/*")), grant(List.of("POST"), List.of("/b")));
    assertThat(admits(g, "POST", "/b")).isTrue();
    assertThat(admits(g, "POST", "/a/1")).isFalse();
  }

  /** On a provider whose service takes no raw paths (the default). */
  private static boolean admits(List<Directory.Grant> grants, String method, String rawPath) {
    return GrantMatcher.admits(grants, method, rawPath, false);
  }

  @Test
  void anUnsafePathIsRefusedWithItsOwnCodeUnlessTheServiceTakesRawPathsAndTheGrantIsUnrestricted() {
    List<Directory.Grant> open = List.of(grant(List.of("GET"), List.of()));
    List<Directory.Grant> narrowed = List.of(grant(List.of(), List.of("/files/**")));
    for (String unsafe : List.of("/files/a%2Fb", "/files/..", "/files/%252e", "/files/a%5cb")) {
      for (var grants : List.of(open, narrowed)) {
        assertThatThrownBy(() -> GrantMatcher.admits(grants, "GET", unsafe, false))
            .isInstanceOfSatisfying(
                org.openlgsp.core.LgspException.class,
                e -> assertThat(e.code()).isEqualTo(org.openlgsp.core.ErrorCode.PATH_UNSAFE));
      }
      assertThat(GrantMatcher.admits(open, "GET", unsafe, true)).isTrue();
      // a path pattern never matches such a path; nor does a grant for another method
      assertThatThrownBy(() -> GrantMatcher.admits(narrowed, "GET", unsafe, true))
          .isInstanceOf(org.openlgsp.core.LgspException.class);
      assertThatThrownBy(() -> GrantMatcher.admits(open, "POST", unsafe, true))
          .isInstanceOf(org.openlgsp.core.LgspException.class);
    }
  }
}
