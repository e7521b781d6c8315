package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestLogTest {
  @AfterEach
  void clear() {
    RequestLog.end();
  }

  @Test
  void aRequestWithoutAnAcceptableIdGetsAFreshVersion4Uuid() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = RequestLog.begin(i % 2 == 0 ? Optional.empty() : Optional.of("bad id\n"));
      UUID parsed = UUID.fromString(id);
      assertThat(parsed.version()).isEqualTo(4);
      assertThat(parsed.variant()).isEqualTo(2);
      assertThat(seen.add(id)).as("ids repeat").isTrue();
    }
  }

  @Test
  void theCallersAcceptableIdIsKept() {
    assertThat(RequestLog.begin(Optional.of("req-7"))).isEqualTo("req-7");
  }
}
