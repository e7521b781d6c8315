package org.openlgsp.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.ProblemWriter;
import org.openlgsp.edge.RequestLog;
import org.openlgsp.edge.spi.ErrorResponse;
import org.openlgsp.edge.spi.ErrorWriter;

/**
 * The error format of the client listener (docs/protocol.md, "Errors on the r1 API"): X-Road's REST
 * error body (PR-REST 1.0, section 4.6 "Error handling") in JSON, or in XML when the client's
 * {@code Accept} prefers {@code application/xml}, {@code text/xml} or {@code text/*}, with X-Road's
 * status convention (400 for a {@code Client.*} type, 500 for every other, 429 kept); RFC 9457
 * problem details with OpenLGSP's finer statuses when the client prefers {@code
 * application/problem+json}. {@code /token} is OpenLGSP's own OAuth2 endpoint and always answers
 * problem details.
 */
final class XRoadErrors implements ErrorWriter {
  static final XRoadErrors INSTANCE = new XRoadErrors();
  static final String JSON = "application/json; charset=utf-8";
  private static final XMLOutputFactory XML_OUT = XMLOutputFactory.newFactory();

  private XRoadErrors() {}

  /** The body X-Road clients parse, plus OpenLGSP's stable code. */
  record Body(
      @JsonProperty("type") String type,
      @JsonProperty("message") String message,
      @JsonProperty("detail") String detail,
      @JsonProperty("code") String code) {}

  enum Format {
    JSON,
    APPLICATION_XML,
    TEXT_XML,
    PROBLEM
  }

  @Override
  public ErrorResponse render(LgspException failure) {
    return render(failure, "", "");
  }

  @Override
  public ErrorResponse render(LgspException failure, String path, String accept) {
    if (path.equals("/token")) {
      return ProblemWriter.withXRoadError().render(failure);
    }
    return render(failure, format(accept));
  }

  static ErrorResponse render(LgspException failure, Format format) {
    if (format == Format.PROBLEM) {
      return ProblemWriter.withXRoadError().render(failure);
    }
    ErrorCode code = failure.code();
    Body body =
        new Body(
            code.xroadType(),
            failure.detail(),
            // X-Road puts an id the operator can find in the logs here (PR-REST 4.6, example 5):
            // ours is the request id every log line of this request carries
            RequestLog.requestId().orElseGet(() -> UUID.randomUUID().toString()),
            code.code());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Road-Error", code.xroadType());
    if (code == ErrorCode.SERVER_OVERLOADED) {
      headers.put("Retry-After", "1");
    }
    if (failure instanceof org.openlgsp.core.RetryLater later) {
      headers.put("Retry-After", Long.toString(later.retryAfterSeconds()));
    }
    byte[] bytes;
    switch (format) {
      case APPLICATION_XML, TEXT_XML -> {
        headers.put(
            "Content-Type",
            (format == Format.TEXT_XML ? "text/xml" : "application/xml") + "; charset=utf-8");
        bytes = xml(body);
      }
      default -> {
        headers.put("Content-Type", JSON);
        bytes = Json.write(body);
      }
    }
    return new ErrorResponse(status(code), headers, bytes);
  }

  /**
   * X-Road's convention (PR-REST 4.6): a client's mistake is 400, anything else 500; except 429
   * (rate limits, quotas, throttled authentication), which stays 429 so that a client backs off for
   * its {@code Retry-After} instead of treating it as a malformed request (RFC 6585, 4).
   */
  static int status(ErrorCode code) {
    if (code.httpStatus() == 429) {
      return 429;
    }
    return code.xroadType().startsWith("Client.") ? 400 : 500;
  }

  /**
   * The format the client's {@code Accept} prefers. Ties go to problem details (only asked for by
   * name), then XML (X-Road answers XML whenever an XML type is acceptable), then JSON, X-Road's
   * default.
   */
  static Format format(String accept) {
    double problem = 0;
    double appXml = 0;
    double textXml = 0;
    double json = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = quality(parts);
      switch (type) {
        case "application/problem+json" -> problem = Math.max(problem, q);
        case "application/xml" -> appXml = Math.max(appXml, q);
        case "text/xml", "text/*" -> textXml = Math.max(textXml, q);
        case "application/json", "application/*", "*/*" -> json = Math.max(json, q);
        default -> {}
      }
    }
    double xml = Math.max(appXml, textXml);
    if (problem > 0 && problem >= xml && problem >= json) {
      return Format.PROBLEM;
    }
    if (xml > 0 && xml >= json) {
      return appXml >= textXml ? Format.APPLICATION_XML : Format.TEXT_XML;
    }
    return Format.JSON;
  }

  private static double quality(String[] parameters) {
    for (int i = 1; i < parameters.length; i++) {
      String p = parameters[i].trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).trim());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }

  private static byte[] xml(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      XMLStreamWriter w = XML_OUT.createXMLStreamWriter(out, "UTF-8");
      w.writeStartDocument("UTF-8", "1.0");
      w.writeStartElement("error");
      element(w, "type", body.type());
      element(w, "message", body.message());
      element(w, "detail", body.detail());
      element(w, "code", body.code());
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write an XML error body", e);
    }
    return out.toByteArray();
  }

  private static void element(XMLStreamWriter w, String name, String text)
      throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(xmlSafe(text));
    w.writeEndElement();
  }

  /** XML 1.0 cannot carry most control characters, even escaped: they become spaces. */
  private static String xmlSafe(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c ->
                b.appendCodePoint(
                    c == 0x9
                            || c == 0xA
                            || c == 0xD
                            || (c >= 0x20
                                && c != 0xFFFE
                                && c != 0xFFFF
                                && (c < 0xD800 || c > 0xDFFF))
                        ? c
                        : ' '));
    return b.toString();
  }
}
