package org.openlgsp.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A local system's {@code POST /token} with client credentials, for tests in several modules. */
public final class TokenRequests {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TokenRequests() {}

  /** The status the gateway's client listener on {@code port} answers to these credentials. */
  public static int status(int port, String clientId, String secret) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id="
                            + clientId
                            + "&client_secret="
                            + secret))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
