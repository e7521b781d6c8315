package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.ErrorResponse;

/** The r1 error format as {@code Accept} chooses it (docs/protocol.md, "Errors on the r1 API"). */
class XRoadErrorsTest {
  @Test
  void acceptChoosesTheFormatByQualityWithXRoadsPreferenceForXmlOnATie() {
    assertThat(XRoadErrors.format("")).isEqualTo(XRoadErrors.Format.JSON);
    assertThat(XRoadErrors.format("*/*")).isEqualTo(XRoadErrors.Format.JSON);
    assertThat(XRoadErrors.format("image/png")).isEqualTo(XRoadErrors.Format.JSON);
    assertThat(XRoadErrors.format("application/xml")).isEqualTo(XRoadErrors.Format.APPLICATION_XML);
    assertThat(XRoadErrors.format("TEXT/XML; charset=utf-8"))
        .isEqualTo(XRoadErrors.Format.TEXT_XML);
    assertThat(XRoadErrors.format("text/*")).isEqualTo(XRoadErrors.Format.TEXT_XML);
    assertThat(XRoadErrors.format("application/json, application/xml"))
        .isEqualTo(XRoadErrors.Format.APPLICATION_XML);
    assertThat(XRoadErrors.format("application/xml;q=0.1, application/json"))
        .isEqualTo(XRoadErrors.Format.JSON);
    assertThat(XRoadErrors.format("application/xml;q=0"))
        .as("q=0 means not acceptable")
        .isEqualTo(XRoadErrors.Format.JSON);
    assertThat(XRoadErrors.format("application/problem+json"))
        .isEqualTo(XRoadErrors.Format.PROBLEM);
    assertThat(XRoadErrors.format("application/problem+json;q=0.5, application/json"))
        .isEqualTo(XRoadErrors.Format.JSON);
    assertThat(XRoadErrors.format("application/xml;q=nonsense, ;;;=,"))
        .isEqualTo(XRoadErrors.Format.JSON);
  }

  @Test
  void clientTypesAre400EveryOtherTypeIs500AndTooManyRequestsStays429() {
    for (ErrorCode code : ErrorCode.values()) {
      ErrorResponse r = XRoadErrors.INSTANCE.render(new LgspException(code, "why"), "/r1/x", "");
      assertThat(r.status())
          .as(code.code())
          .isEqualTo(
              code.httpStatus() == 429 ? 429 : code.xroadType().startsWith("Client.") ? 400 : 500);
      assertThat(r.headers()).containsEntry("X-Road-Error", code.xroadType());
    }
    ErrorResponse overloaded =
        XRoadErrors.INSTANCE.render(
            new LgspException(ErrorCode.SERVER_OVERLOADED, "busy"), "/r1/x", "");
    assertThat(overloaded.headers()).containsEntry("Retry-After", "1");
    ErrorResponse limited =
        XRoadErrors.INSTANCE.render(
            new org.openlgsp.core.RetryLater(
                ErrorCode.RATE_LIMITED, "slow down", java.time.Duration.ofMillis(2001)),
            "/r1/x",
            "application/xml");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers())
        .containsEntry("Retry-After", "3") // rounded up: waiting 2 s would be too early
        .containsEntry("X-Road-Error", "Client.TooManyRequests");
    assertThat(new String(limited.body(), StandardCharsets.UTF_8))
        .contains("<code>rate.limited</code>");
  }

  @Test
  void xmlCarriesTextThatXmlCannotHoldAsSpacesAndEscapesMarkup() {
    ErrorResponse r =
        XRoadErrors.INSTANCE.render(
            new LgspException(ErrorCode.REQUEST_MALFORMED, "<a>&\u0001\uD800"),
            "/r1/x",
            "text/xml");
    String xml = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(xml).contains("<message>&lt;a&gt;&amp;  </message>");
    assertThat(r.headers()).containsEntry("Content-Type", "text/xml; charset=utf-8");
  }

  @Test
  void theTokenEndpointAnswersProblemDetailsWhateverTheClientAccepts() {
    ErrorResponse r =
        XRoadErrors.INSTANCE.render(
            new LgspException(ErrorCode.TOKEN_INVALID, "no"), "/token", "application/xml");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers()).containsEntry("Content-Type", "application/problem+json");
  }
}
