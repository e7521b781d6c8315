package org.openlgsp.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/** Calls the registry's admin API; a refusal comes back as the problem's code and detail. */
public final class RegistryClient {
  private final String baseUrl;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public RegistryClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  public String post(String path, Map<String, ?> body) {
    return send("POST", path, Json.writeString(body));
  }

  public String get(String path) {
    return send("GET", path, null);
  }

  public String delete(String path) {
    return send("DELETE", path, null);
  }

  public void addMember(String id, String name) {
    post("/api/v1/members", Map.of("id", id, "name", name));
  }

  public void addSigningCertificate(String member, String pem) {
    post("/api/v1/members/signing-certificates", Map.of("member", member, "certificate", pem));
  }

  public void addNode(String id, String address, String tlsPem) {
    post("/api/v1/nodes", Map.of("id", id, "address", address, "tlsCertificates", List.of(tlsPem)));
  }

  public void addSystem(String id, String name, String node) {
    post("/api/v1/systems", Map.of("id", id, "name", name, "node", node));
  }

  public void addService(String id, String backendUrl, String subjectLocator) {
    post(
        "/api/v1/services",
        Map.of("id", id, "backendUrl", backendUrl, "subjectLocator", subjectLocator));
  }

  public String grant(String client, String service, List<String> methods, List<String> paths) {
    String body =
        post(
            "/api/v1/grants",
            Map.of(
                "client", client, "service", service, "methods", methods, "pathPatterns", paths));
    return (String)
        Json.read(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.class).get("id");
  }

  private String send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) {
        throw refusal(r);
      }
      return r.body();
    } catch (IOException e) {
      throw new LgspException(
          ErrorCode.PEER_UNREACHABLE, "registry " + baseUrl + " unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LgspException(ErrorCode.PEER_UNREACHABLE, "interrupted");
    }
  }

  private static LgspException refusal(HttpResponse<String> r) {
    try {
      Map<?, ?> p = Json.mapper().readValue(r.body(), Map.class);
      ErrorCode code =
          ErrorCode.fromCode(String.valueOf(p.get("code"))).orElse(ErrorCode.INTERNAL_ERROR);
      return new LgspException(code, String.valueOf(p.get("detail")));
    } catch (IOException e) {
      return new LgspException(ErrorCode.INTERNAL_ERROR, "registry answered " + r.statusCode());
    }
  }
}
