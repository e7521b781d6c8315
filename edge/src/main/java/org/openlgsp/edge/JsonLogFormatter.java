package org.openlgsp.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

/**
 * One JSON object a line per log event: {@code timestamp}, {@code level}, {@code logger}, {@code
 * message}, {@code instance} when the node names it ({@code gateway.instance}), {@code requestId}
 * and {@code messageId} when the event happened while serving a request ({@link RequestLog}), and
 * {@code error} (the exception's class and message, no stack) when there is one.
 *
 * <p>What the project logs never carries secrets, tokens, PINs or personal IDs (request lines name
 * the route's template, not the path). As a second line of defence the message and error are
 * scrubbed of bearer/basic credentials and of 12-digit runs, the shape of a citizen's personal ID.
 */
public final class JsonLogFormatter extends Formatter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CREDENTIALS =
      Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");
  private static final Pattern PERSONAL_ID = Pattern.compile("(?<!\\d)\\d{12}(?!\\d)");

  private final java.util.Optional<String> instance;

  public JsonLogFormatter() {
    this(java.util.Optional.empty());
  }

  /** Lines that also name {@code instance}: the process among several instances of one node. */
  public JsonLogFormatter(java.util.Optional<String> instance) {
    this.instance = java.util.Objects.requireNonNull(instance, "instance");
  }

  @Override
  public String format(LogRecord event) {
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", event.getInstant().toString());
    line.put("level", event.getLevel().getName());
    line.put("logger", event.getLoggerName() == null ? "" : event.getLoggerName());
    instance.ifPresent(name -> line.put("instance", name));
    line.put("message", scrub(formatMessage(event)));
    RequestLog.requestId().ifPresent(id -> line.put("requestId", id));
    RequestLog.messageId().ifPresent(id -> line.put("messageId", id));
    Throwable t = event.getThrown();
    if (t != null) {
      line.put(
          "error",
          scrub(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage())));
    }
    try {
      return JSON.writeValueAsString(line) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      return "{\"level\":\"SEVERE\",\"message\":\"log event not writable\"}"
          + System.lineSeparator();
    }
  }

  static String scrub(String text) {
    String s = CREDENTIALS.matcher(text).replaceAll("$1 (redacted)");
    return PERSONAL_ID.matcher(s).replaceAll("(12 digits redacted)");
  }
}
