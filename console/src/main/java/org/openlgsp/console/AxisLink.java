package org.openlgsp.console;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.documents.DocumentHistory;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.SentItem;

/**
 * The document axis as the console asks it ({@code registry.console.documents}): always as one
 * agency, with that agency's own bearer token, so that the axis itself decides what the agency may
 * see. Every answer is bounded in time; an axis that does not answer is an {@link Outcome} the page
 * shows, never an exception with a stack trace.
 */
final class AxisLink {
  /** The axis's answers hold more than the console shows. */
  private static final ObjectMapper WIRE =
      Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The axis API's limit on one list (the axis caps {@code limit} at 1,000). */
  static final int MAX_LIST = 1000;

  /** What the axis answered: a value, nothing (not found, or not the agency's), or no answer. */
  sealed interface Outcome<T> {
    record Found<T>(T value) implements Outcome<T> {}

    record NotFound<T>() implements Outcome<T> {}

    record Unavailable<T>(String why) implements Outcome<T> {}
  }

  private final String url;
  private final Map<ClientId, String> tokens;
  private final WebClient http;

  private AxisLink(String url, Map<ClientId, String> tokens) {
    this.url = url;
    this.tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens)); // in order
    this.http =
        WebClient.builder()
            .connectTimeout(Gateways.TIMEOUT)
            .readTimeout(Gateways.TIMEOUT)
            .followRedirects(false)
            .proxy(Proxy.noProxy())
            .build();
  }

  /** The configured axis, each agency's token read from its file beside the configuration. */
  static Optional<AxisLink> of(Optional<ConsoleOptions.Documents> configured, Path base) {
    return configured.map(
        d -> {
          Map<ClientId, String> tokens = new LinkedHashMap<>();
          for (ConsoleOptions.Agency a : d.agencies()) {
            try {
              tokens.put(a.id(), d.link(a).token(base));
            } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  "registry.console.documents: " + a.member() + ": " + e.getMessage(), e);
            }
          }
          return new AxisLink(d.url(), tokens);
        });
  }

  /** The agencies the console may ask about, in configuration order. */
  List<ClientId> agencies() {
    return List.copyOf(tokens.keySet());
  }

  boolean knows(ClientId agency) {
    return tokens.containsKey(agency);
  }

  Outcome<List<InboxItem>> inbox(ClientId agency) {
    return list(agency, "/edoc/v1/inbox?limit=" + MAX_LIST, new TypeReference<>() {});
  }

  Outcome<List<SentItem>> sent(ClientId agency) {
    return list(agency, "/edoc/v1/sent?limit=" + MAX_LIST, new TypeReference<>() {});
  }

  /**
   * The history of {@code documentId} sent by {@code sender}, as {@code agency} may see it: a
   * document the agency neither sent nor received is not found, as one that does not exist.
   */
  Outcome<DocumentHistory> history(ClientId agency, String documentId, AgencyCode sender) {
    String path =
        "/edoc/v1/history"
            + Gateways.query(Map.of("documentId", documentId, "sender", sender.value()));
    return list(agency, path, new TypeReference<>() {});
  }

  private <T> Outcome<T> list(ClientId agency, String path, TypeReference<T> type) {
    String token = tokens.get(agency);
    if (token == null) {
      return new Outcome.NotFound<>();
    }
    try (HttpClientResponse r =
        http.get()
            .uri(URI.create(url + path))
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .header(HeaderNames.ACCEPT, "application/json")
            .request()) {
      int status = r.status().code();
      byte[] body = r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0];
      if (status == 404 || status == 403) {
        return new Outcome.NotFound<>();
      }
      if (status != 200) {
        return new Outcome.Unavailable<>("HTTP " + status + " " + Gateways.problemCode(body));
      }
      return new Outcome.Found<>(WIRE.readValue(body, type));
    } catch (IOException e) {
      return new Outcome.Unavailable<>("an answer the console cannot read");
    } catch (RuntimeException e) {
      // Helidon reports a refused connection or a timeout unchecked
      return new Outcome.Unavailable<>("unreachable");
    }
  }
}
