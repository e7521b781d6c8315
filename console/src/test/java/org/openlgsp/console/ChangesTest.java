package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The audit detail both consoles write: the request's note and the edge's detail. */
class ChangesTest {

  @Test
  void theNoteAndTheDetailAreJoinedEitherLeftOutWhenEmptyAndTheNoteIsTakenOnce() {
    Changes.beforeAfter("grant g", "revoked");
    assertThat(Changes.takeWith("grant of VN/GOV/1/DVC"))
        .isEqualTo("before: grant g; after: revoked; grant of VN/GOV/1/DVC");
    assertThat(Changes.takeWith("grant of VN/GOV/1/DVC")).isEqualTo("grant of VN/GOV/1/DVC");
    Changes.note("account admin");
    assertThat(Changes.takeWith("")).isEqualTo("account admin");
    assertThat(Changes.takeWith("")).isEmpty();
  }
}
