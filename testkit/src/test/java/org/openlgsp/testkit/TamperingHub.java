package org.openlgsp.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.openlgsp.core.Certificates;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.TlsContexts;

/**
 * A malicious national hub for the cross-instance tests: it holds the hub node's real TLS key (so
 * Tây Ninh's gateway and the population database's gateway both take it for the hub), listens where
 * the hub node is registered, and relays the envelope between them with the changes it is told to
 * make — to the request on its way to the provider, to the answer on its way back. It keeps the
 * last request it sent so it can send it again (a replay).
 */
final class TamperingHub implements AutoCloseable {

  /** What travels through the hub: the relayed headers and the (sealed) body. */
  record Message(Map<String, String> headers, byte[] body) {
    Message {
      TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      copy.putAll(headers);
      headers = copy;
      body = body.clone();
    }

    Message withHeader(String name, String value) {
      TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      h.putAll(headers);
      h.put(name, value);
      return new Message(h, body);
    }

    Message withBody(byte[] newBody) {
      return new Message(headers, newBody);
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  /** The provider's answer to a request the hub sent on its own. */
  record Answer(int status, Map<String, String> headers, String body) {}

  private final HttpsServer server;
  private final HttpClient toProvider;
  private final String providerAddress;
  private volatile UnaryOperator<Message> onRequest = UnaryOperator.identity();
  private volatile UnaryOperator<Message> onAnswer = UnaryOperator.identity();
  private volatile String lastPath = "";
  private volatile Message lastRequest = new Message(Map.of(), new byte[0]);
  private final java.util.concurrent.atomic.AtomicInteger relayed =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Listens on {@code port} of loopback with the hub node's TLS key (files {@code pki/hub-tls.*} of
   * the national instance's work folder), taking only {@code consumerTls} and calling only {@code
   * providerAddress}, which must present {@code providerTls}.
   */
  TamperingHub(
      Path nationalWorkDir,
      int port,
      List<String> consumerTls,
      String providerAddress,
      List<String> providerTls)
      throws IOException {
    Credentials hubTls =
        new Credentials(
            Pem.privateKey(Files.readString(nationalWorkDir.resolve("pki/hub-tls.key"))),
            Pem.certificates(Files.readString(nationalWorkDir.resolve("pki/hub-tls.pem"))));
    this.providerAddress = providerAddress;
    toProvider =
        HttpClient.newBuilder().sslContext(TlsContexts.create(hubTls, pinned(providerTls))).build();
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(TlsContexts.create(hubTls, pinned(consumerTls))));
    server.createContext("/", this::relay);
    server.start();
  }

  /** From now on, changes each request before it goes on to the provider. */
  void alterRequests(UnaryOperator<Message> change) {
    onRequest = change;
  }

  /** From now on, changes each answer before it goes back to the consumer. */
  void alterAnswers(UnaryOperator<Message> change) {
    onAnswer = change;
  }

  /** Relays honestly again. */
  void behave() {
    onRequest = UnaryOperator.identity();
    onAnswer = UnaryOperator.identity();
  }

  /** How many requests it has relayed (not counting replays). */
  int relayedCount() {
    return relayed.get();
  }

  /** Sends the last request it relayed to the provider once more. */
  Answer replayLast() throws IOException, InterruptedException {
    HttpResponse<byte[]> r = send(lastPath, lastRequest);
    return new Answer(
        r.statusCode(),
        relayed(r.headers().map()),
        new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
    toProvider.close();
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = relayed(exchange.getRequestHeaders());
      // this hub staples nothing: the provider asks the CA's responder about its certificate
      headers.remove("X-Lgsp-Ocsp-Tls");
      Message request =
          onRequest.apply(new Message(headers, exchange.getRequestBody().readAllBytes()));
      lastPath = exchange.getRequestURI().getRawPath();
      lastRequest = request;
      relayed.incrementAndGet();
      HttpResponse<byte[]> in;
      try {
        in = send(lastPath, request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      Message answer = onAnswer.apply(new Message(relayed(in.headers().map()), in.body()));
      answer.headers().forEach((n, v) -> exchange.getResponseHeaders().set(n, v));
      byte[] body = answer.body();
      exchange.sendResponseHeaders(in.statusCode(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  private HttpResponse<byte[]> send(String path, Message request)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(providerAddress + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach(b::header);
    return toProvider.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The headers a hub relays (as the real hub gateway does): X-Road-*, X-Lgsp-*, Content-Type. */
  private static Map<String, String> relayed(Map<String, List<String>> headers) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (n, v) -> {
          String lower = n.toLowerCase(Locale.ROOT);
          if (!v.isEmpty()
              && (lower.startsWith("x-road-")
                  || lower.startsWith("x-lgsp-")
                  || lower.equals("content-type"))) {
            out.put(n, v.getFirst());
          }
        });
    return out;
  }

  private static PinnedTrustManager pinned(List<String> base64Certificates) {
    Set<String> fingerprints =
        Set.copyOf(
            base64Certificates.stream()
                .map(c -> Certificates.fingerprint(Certificates.fromBase64(c)))
                .toList());
    return new PinnedTrustManager(() -> fingerprints);
  }
}
