package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;

/**
 * The engine as a local system of the node's consumer gateway: a bearer token from {@code POST
 * /token} (kept until shortly before it expires) and r1 calls {@code /r1/{serviceId}/{path}}.
 */
final class GatewayClient {
  private final ProceduresOptions.GatewayLink link;
  private final Clock clock;
  private final WebClient http;
  private volatile String token = "";
  private volatile Instant tokenExpires = Instant.EPOCH;

  /** A gateway's answer: status, body, and the headers a step records. */
  record Reply(int status, byte[] body, String messageId) {}

  GatewayClient(ProceduresOptions.GatewayLink link, Clock clock) {
    this.link = link;
    this.clock = clock;
    this.http =
        WebClient.builder()
            .followRedirects(false)
            .connectTimeout(Duration.ofSeconds(5))
            .keepAlive(true)
            .build();
  }

  Reply call(
      ServiceId service,
      String method,
      String path,
      byte[] body,
      Map<String, String> headers,
      Duration timeout) {
    HttpClientRequest r =
        http.method(Method.create(method))
            .uri(link.url() + "/r1/" + service.encoded() + path)
            .readTimeout(timeout)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token())
            .header(HeaderNames.create("X-Road-Client"), link.client().toString())
            .header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
            .header(HeaderNames.ACCEPT, "application/json");
    headers.forEach((k, v) -> r.header(HeaderNames.create(k), v));
    try (HttpClientResponse res = r.submit(body)) {
      if (res.status().code() == 401) {
        tokenExpires = Instant.EPOCH; // the gateway forgot it (restart): the next try asks again
      }
      return new Reply(
          res.status().code(),
          res.as(byte[].class),
          res.headers().first(HeaderNames.create("X-Road-Id")).orElse(""));
    }
  }

  private String token() {
    Instant now = clock.instant();
    if (now.isBefore(tokenExpires)) {
      return token;
    }
    synchronized (this) {
      if (clock.instant().isBefore(tokenExpires)) {
        return token;
      }
      String form =
          "grant_type=client_credentials&client_id="
              + URLEncoder.encode(link.oauthClientId(), StandardCharsets.UTF_8)
              + "&client_secret="
              + URLEncoder.encode(link.secret(), StandardCharsets.UTF_8);
      try (HttpClientResponse r =
          http.post(link.url() + "/token")
              .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
              .submit(form.getBytes(StandardCharsets.UTF_8))) {
        byte[] answer = r.as(byte[].class);
        if (r.status().code() != 200) {
          throw new StepFailure("the gateway's token endpoint answered " + r.status().code(), true);
        }
        JsonNode t = Json.read(answer, JsonNode.class);
        token = t.path("access_token").asText();
        long seconds = t.path("expires_in").asLong(300);
        tokenExpires = clock.instant().plusSeconds(Math.max(seconds - 30, 1));
        return token;
      }
    }
  }
}
