package org.openlgsp.documents;

import com.fasterxml.jackson.core.type.TypeReference;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.nio.file.Files;
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
  private final WebClient http = AxisHttp.client(Duration.ofMinutes(10));

  public AxisClient(String axisUrl, String token) {
    String u = axisUrl.endsWith("/") ? axisUrl.substring(0, axisUrl.length() - 1) : axisUrl;
    this.base = u + AxisServer.BASE;
    this.token = token;
  }

  public Receipt send(byte[] edxml) {
    return json(call(request(Method.POST, "/packages"), r -> r.submit(edxml)), Receipt.class);
  }

  /** Sends a package file as it is read, never whole in memory. */
  public Receipt send(Path edxml) {
    if (!Files.isRegularFile(edxml)) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "no such file " + edxml);
    }
    return json(
        call(request(Method.POST, "/packages"), r -> AxisHttp.sendFile(r, PackageBody.of(edxml))),
        Receipt.class);
  }

  public List<InboxItem> inbox(int limit) {
    byte[] body =
        call(
            request(Method.GET, "/inbox").queryParam("limit", Integer.toString(limit)),
            HttpClientRequest::request);
    try {
      return Json.mapper().readValue(body, new TypeReference<List<InboxItem>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("unreadable inbox answer", e);
    }
  }

  public byte[] fetch(String deliveryId) {
    return call(request(Method.GET, "/inbox/" + deliveryId), HttpClientRequest::request);
  }

  public void acknowledge(String deliveryId) {
    call(request(Method.POST, "/inbox/" + deliveryId + "/ack"), HttpClientRequest::request);
  }

  public DocumentHistory history(String documentId, AgencyCode sender) {
    HttpClientRequest query =
        request(Method.GET, "/history")
            .queryParam("documentId", documentId)
            .queryParam("sender", sender.value());
    return json(call(query, HttpClientRequest::request), DocumentHistory.class);
  }

  public void webhook(String url) {
    call(request(Method.PUT, "/webhook"), r -> r.submit(Json.write(Map.of("url", url))));
  }

  private HttpClientRequest request(Method method, String path) {
    return http.method(method)
        .uri(base + path)
        .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
        .header(HeaderNames.CONTENT_TYPE, "application/xml");
  }

  /** How a prepared request is sent: bodiless, with bytes, or with a file. */
  private interface Send {
    HttpClientResponse apply(HttpClientRequest request) throws IOException;
  }

  private byte[] call(HttpClientRequest request, Send send) {
    try (HttpClientResponse res = send.apply(request)) {
      byte[] bytes = res.inputStream().readAllBytes();
      if (res.status().code() / 100 != 2) {
        throw refusal(res.status().code(), bytes);
      }
      return bytes;
    } catch (LgspException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Helidon reports a refused connection, a timeout or a broken answer unchecked
      throw new LgspException(ErrorCode.BACKEND_UNREACHABLE, "axis unreachable at " + base, e);
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
