package org.openlgsp.console;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The OpenID provider over Helidon's WebClient, the product's one HTTP client (timeouts, no
 * redirects followed, answers capped): the Nimbus SDK's {@link ResourceRetriever} for the discovery
 * document and the JWK set, and the sender of its token requests.
 */
final class OidcHttp implements ResourceRetriever {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final int MAX_BYTES = 512 * 1024;

  private final WebClient http =
      WebClient.builder()
          .connectTimeout(TIMEOUT)
          .readTimeout(TIMEOUT)
          .followRedirects(false)
          .proxy(Proxy.noProxy())
          .build();

  /** A document at {@code url} answered 200, at most {@link #MAX_BYTES}. */
  @Override
  public Resource retrieveResource(URL url) throws IOException {
    HttpClientRequest req =
        http.method(Method.GET).uri(uri(url)).header(HeaderNames.ACCEPT, "application/json");
    try (HttpClientResponse r = req.request()) {
      if (r.status().code() != 200) {
        throw new IOException("HTTP " + r.status().code() + " from " + url);
      }
      return new Resource(
          new String(body(r), StandardCharsets.UTF_8),
          r.headers().contentType().map(t -> t.text()).orElse(null));
    } catch (RuntimeException e) {
      throw new IOException("no answer from " + url + ": " + e.getMessage(), e);
    }
  }

  /** Sends {@code request} (a token request) and gives the SDK the answer to parse. */
  HTTPResponse send(HTTPRequest request) throws IOException {
    HttpClientRequest req =
        http.method(Method.create(request.getMethod().name())).uri(uri(request.getURL()));
    for (Map.Entry<String, List<String>> h : request.getHeaderMap().entrySet()) {
      for (String value : h.getValue()) {
        req.header(HeaderNames.create(h.getKey()), value);
      }
    }
    byte[] body =
        request.getBody() == null
            ? new byte[0]
            : request.getBody().getBytes(StandardCharsets.UTF_8);
    try (HttpClientResponse r = req.submit(body)) {
      HTTPResponse answer = new HTTPResponse(r.status().code());
      for (String name : List.of("Content-Type", "WWW-Authenticate", "Cache-Control")) {
        r.headers().first(HeaderNames.create(name)).ifPresent(v -> answer.setHeader(name, v));
      }
      answer.setBody(new String(body(r), StandardCharsets.UTF_8));
      return answer;
    } catch (RuntimeException e) {
      throw new IOException("no answer from " + request.getURL() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] body(HttpClientResponse r) throws IOException {
    if (!r.entity().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = r.entity().inputStream()) {
      byte[] b = in.readNBytes(MAX_BYTES + 1);
      if (b.length > MAX_BYTES) {
        throw new IOException("an answer larger than " + MAX_BYTES + " bytes");
      }
      return b;
    }
  }

  private static URI uri(URL url) throws IOException {
    try {
      return url.toURI();
    } catch (URISyntaxException e) {
      throw new IOException("not a URI: " + url, e);
    }
  }
}
