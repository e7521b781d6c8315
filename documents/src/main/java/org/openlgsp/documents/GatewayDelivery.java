package org.openlgsp.documents;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
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
  // the gateway answers once the package went through both gateways and the peer axis
  private final WebClient http = AxisHttp.client(Duration.ofMinutes(10));
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
  public void deliver(AgencyCode recipient, PackageBody packageFile) throws Exception {
    Answer res = post(recipient, packageFile, currentToken());
    // The gateway refuses an expired token in X-Road's format (400, this X-Road-Error), or as 401
    // problem details; either way a fresh token is worth one more try.
    if (res.status() == 401 || res.xroadError().equals(ErrorCode.TOKEN_INVALID.xroadType())) {
      token = null;
      res = post(recipient, packageFile, currentToken());
    }
    if (res.status() != 200 && res.status() != 201) {
      throw new IOException(
          "axis of " + recipient + " answered HTTP " + res.status() + ": " + brief(res.body()));
    }
  }

  private record Answer(int status, String xroadError, String body) {}

  private Answer post(AgencyCode recipient, PackageBody file, String bearer) throws IOException {
    try (HttpClientResponse res =
        AxisHttp.sendFile(
            http.post(gatewayUrl + "/r1/" + serviceFor(recipient) + "/relay")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + bearer)
                .header(HeaderNames.create("X-Road-Client"), client.encoded())
                .header(HeaderNames.CONTENT_TYPE, "application/xml"),
            file)) {
      return new Answer(
          res.status().code(),
          res.headers().first(HeaderNames.create("X-Road-Error")).orElse(""),
          res.as(String.class));
    }
  }

  private String currentToken() throws IOException {
    String t = token;
    if (t != null) {
      return t;
    }
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(oauthClientId, StandardCharsets.UTF_8)
            + "&client_secret="
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    byte[] answer;
    try (HttpClientResponse res =
        http.post(gatewayUrl + "/token")
            .readTimeout(Duration.ofSeconds(30))
            .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
            .submit(form.getBytes(StandardCharsets.UTF_8))) {
      if (res.status().code() != 200) {
        throw new IOException(
            "gateway refused the axis's credentials: HTTP " + res.status().code());
      }
      answer = res.as(byte[].class);
    }
    t = Json.read(answer, JsonNode.class).get("access_token").asText();
    token = t;
    return t;
  }

  private static String brief(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}
