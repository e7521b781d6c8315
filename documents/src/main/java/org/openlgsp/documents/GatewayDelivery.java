package org.openlgsp.documents;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;

/**
 * Delivers packages to remote axis nodes through this node's own gateway (X-Road r1): the package
 * becomes a signed gateway-to-gateway exchange, recorded in both gateways' ledgers. The recipient
 * {@code 000.00.NN.XNN} is reached at the axis service of its level-1 body, {@code
 * INSTANCE/GOV/000.00.00.XNN/SUBSYSTEM/SERVICE}, whose backend is that node's relay listener.
 */
public final class GatewayDelivery implements RemoteDelivery {
  private final String gatewayUrl;
  private final ClientId client;
  private final String oauthClientId;
  private final String secret;
  private final String subsystem;
  private final String service;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private volatile String token;

  /**
   * @param gatewayUrl the gateway's local-system HTTP listener, e.g. {@code http://127.0.0.1:8080}
   * @param client the axis's own system id at its gateway, e.g. {@code VN/GOV/000.00.00.H41/EDOC}
   */
  public GatewayDelivery(
      String gatewayUrl,
      ClientId client,
      String oauthClientId,
      String secret,
      String subsystem,
      String service) {
    this.gatewayUrl =
        gatewayUrl.endsWith("/") ? gatewayUrl.substring(0, gatewayUrl.length() - 1) : gatewayUrl;
    this.client = Objects.requireNonNull(client, "client");
    this.oauthClientId = Objects.requireNonNull(oauthClientId, "oauthClientId");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.subsystem = Objects.requireNonNull(subsystem, "subsystem");
    this.service = Objects.requireNonNull(service, "service");
  }

  /** The axis service that serves {@code recipient}. */
  public String serviceFor(AgencyCode recipient) {
    String level1 = "000.00.00." + recipient.value().substring(10);
    return client.instance() + "/GOV/" + level1 + "/" + subsystem + "/" + service;
  }

  @Override
  public void deliver(AgencyCode recipient, Path packageFile) throws Exception {
    HttpResponse<String> res = post(recipient, packageFile, currentToken());
    if (res.statusCode() == 401) {
      token = null;
      res = post(recipient, packageFile, currentToken());
    }
    if (res.statusCode() != 200 && res.statusCode() != 201) {
      throw new IOException(
          "axis of " + recipient + " answered HTTP " + res.statusCode() + ": " + brief(res.body()));
    }
  }

  private HttpResponse<String> post(AgencyCode recipient, Path file, String bearer)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(gatewayUrl + "/r1/" + serviceFor(recipient) + "/relay"))
            .timeout(Duration.ofMinutes(10))
            .header("Authorization", "Bearer " + bearer)
            .header("X-Road-Client", client.encoded())
            .header("Content-Type", "application/xml")
            .POST(HttpRequest.BodyPublishers.ofFile(file))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private String currentToken() throws IOException, InterruptedException {
    String t = token;
    if (t != null) {
      return t;
    }
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(oauthClientId, StandardCharsets.UTF_8)
            + "&client_secret="
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    HttpResponse<byte[]> res =
        http.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl + "/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (res.statusCode() != 200) {
      throw new IOException("gateway refused the axis's credentials: HTTP " + res.statusCode());
    }
    t = Json.read(res.body(), JsonNode.class).get("access_token").asText();
    token = t;
    return t;
  }

  private static String brief(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}
