package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

class R1TargetTest {
  @Test
  void splitsServiceIdPathAndQuery() {
    R1Target t = R1Target.parse("/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/v1/c/1", "full=true");
    assertThat(t.service().toString()).isEqualTo("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    assertThat(t.path()).isEqualTo("/v1/c/1");
    assertThat(t.query()).isEqualTo("full=true");
    assertThat(t.pathAndQuery()).isEqualTo("/v1/c/1?full=true");
  }

  @Test
  void serviceWithoutPathHasEmptyPath() {
    R1Target t = R1Target.parse("/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens", "");
    assertThat(t.path()).isEmpty();
    assertThat(t.pathAndQuery()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "/r2/VN/GOV/000.00.00.G01/S/s, PROTOCOL_UNSUPPORTED",
    "/rest/VN/GOV/000.00.00.G01/S/s, REQUEST_MALFORMED",
    "/r1/VN/GOV/000.00.00.G01/S, IDENTIFIER_INVALID",
    "/r1/VN/GOV/bad/S/s, IDENTIFIER_INVALID",
    "/r1/VN/GOV/000.00.00.G01/S/s/a/%zz, REQUEST_MALFORMED",
    "/r1/VN/GOV/000.00.00.G01/S/s/a/%c3%28, REQUEST_MALFORMED",
    "/r1/VN/GOV//S/s, IDENTIFIER_INVALID",
  })
  void refusesWithThePreciseCode(String path, ErrorCode code) {
    assertThatThrownBy(() -> R1Target.parse(path, ""))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(code);
  }

  @Test
  void refusesOverlongUris() {
    String path = "/r1/VN/GOV/000.00.00.G01/S/s/" + "a".repeat(R1Target.MAX_URI_LENGTH);
    assertThatThrownBy(() -> R1Target.parse(path, "")).hasMessageContaining("longer than");
  }
}
