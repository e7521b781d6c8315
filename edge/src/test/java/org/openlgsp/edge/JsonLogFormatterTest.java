package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
  final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void leaveTheRequest() {
    RequestLog.end();
  }

  private JsonNode format(String message, Throwable thrown) throws Exception {
    LogRecord event = new LogRecord(Level.WARNING, message);
    event.setLoggerName("org.openlgsp.gateway.Test");
    event.setThrown(thrown);
    String line = new JsonLogFormatter().format(event);
    assertThat(line).endsWith(System.lineSeparator());
    assertThat(line.strip()).doesNotContain("\n");
    return json.readTree(line);
  }

  @Test
  void aLineInsideARequestCarriesItsRequestAndMessageIds() throws Exception {
    RequestLog.begin(Optional.of("req-7"));
    RequestLog.messageId("msg-42");

    JsonNode line = format("peer answered", null);

    assertThat(line.get("requestId").asText()).isEqualTo("req-7");
    assertThat(line.get("messageId").asText()).isEqualTo("msg-42");
    assertThat(line.get("level").asText()).isEqualTo("WARNING");
    assertThat(line.get("logger").asText()).isEqualTo("org.openlgsp.gateway.Test");
    assertThat(line.has("error")).isFalse();
  }

  @Test
  void aLineOutsideARequestHasNoIds() throws Exception {
    JsonNode line = format("started", null);
    assertThat(line.has("requestId")).isFalse();
    assertThat(line.has("messageId")).isFalse();
  }

  @Test
  void anOfferedRequestIdThatIsNotAPlainTokenIsReplaced() {
    String id = RequestLog.begin(Optional.of("abc\"}\n{\"level\":\"SEVERE"));
    assertThat(id).matches("[0-9a-f-]{36}");
  }

  @Test
  void credentialsAndPersonalIdsThatSlipIntoAMessageAreScrubbed() throws Exception {
    JsonNode line =
        format(
            "called with Authorization: Bearer tok-9f8e7d for 079203004567",
            new IllegalStateException("basic dXNlcjpwYXNz refused for 001099012345"));
    String text = line.toString();
    assertThat(text)
        .doesNotContain("tok-9f8e7d")
        .doesNotContain("079203004567")
        .doesNotContain("dXNlcjpwYXNz")
        .doesNotContain("001099012345");
    assertThat(line.get("message").asText()).contains("Bearer (redacted)");
    assertThat(line.get("error").asText()).startsWith("java.lang.IllegalStateException: basic");
  }
}
