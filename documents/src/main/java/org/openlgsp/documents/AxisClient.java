package org.openlgsp.documents;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/** A document system's client of its axis's HTTP API ({@code /edoc/v1}). */
public final class AxisClient {
  private final String base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public AxisClient(String axisUrl, String token) {
    String u = axisUrl.endsWith("/") ? axisUrl.substring(0, axisUrl.length() - 1) : axisUrl;
    this.base = u + AxisServer.BASE;
    this.token = token;
  }

  public Receipt send(byte[] edxml) {
    return json(
        call("POST", "/packages", HttpRequest.BodyPublishers.ofByteArray(edxml)), Receipt.class);
  }

  public Receipt send(Path edxml) {
    try {
      return json(
          call("POST", "/packages", HttpRequest.BodyPublishers.ofFile(edxml)), Receipt.class);
    } catch (java.io.FileNotFoundException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "no such file " + edxml);
    }
  }

  public List<InboxItem> inbox(int limit) {
    byte[] body = call("GET", "/inbox?limit=" + limit, HttpRequest.BodyPublishers.noBody());
    try {
      return Json.mapper().readValue(body, new TypeReference<List<InboxItem>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("unreadable inbox answer", e);
    }
  }

  public byte[] fetch(String deliveryId) {
    return call("GET", "/inbox/" + deliveryId, HttpRequest.BodyPublishers.noBody());
  }

  public void acknowledge(String deliveryId) {
    call("POST", "/inbox/" + deliveryId + "/ack", HttpRequest.BodyPublishers.noBody());
  }

  public DocumentHistory history(String documentId, AgencyCode sender) {
    String q =
        "?documentId="
            + URLEncoder.encode(documentId, StandardCharsets.UTF_8)
            + "&sender="
            + sender.value();
    return json(
        call("GET", "/history" + q, HttpRequest.BodyPublishers.noBody()), DocumentHistory.class);
  }

  public void webhook(String url) {
    call("PUT", "/webhook", HttpRequest.BodyPublishers.ofByteArray(Json.write(Map.of("url", url))));
  }

  private byte[] call(String method, String path, HttpRequest.BodyPublisher body) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofMinutes(10))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/xml")
            .method(method, body)
            .build();
    try {
      HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes;
      try (InputStream in = res.body()) {
        bytes = in.readAllBytes();
      }
      if (res.statusCode() / 100 != 2) {
        throw refusal(res.statusCode(), bytes);
      }
      return bytes;
    } catch (IOException e) {
      throw new LgspException(ErrorCode.BACKEND_UNREACHABLE, "axis unreachable at " + base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LgspException(ErrorCode.BACKEND_UNREACHABLE, "interrupted");
    }
  }

  private static LgspException refusal(int status, byte[] body) {
    try {
      com.fasterxml.jackson.databind.JsonNode p =
          Json.read(body, com.fasterxml.jackson.databind.JsonNode.class);
      ErrorCode code = ErrorCode.fromCode(p.path("code").asText()).orElse(ErrorCode.INTERNAL_ERROR);
      String detail = p.path("detail").asText("axis answered HTTP " + status);
      if (code == ErrorCode.DOCUMENT_INVALID) {
        List<String> errors = new java.util.ArrayList<>();
        p.path("errors").forEach(e -> errors.add(e.asText()));
        return new InvalidPackageException(errors);
      }
      return new LgspException(code, detail);
    } catch (RuntimeException e) {
      return new LgspException(ErrorCode.BACKEND_UNREACHABLE, "axis answered HTTP " + status);
    }
  }

  private static <T> T json(byte[] body, Class<T> type) {
    return Json.read(body, type);
  }
}
