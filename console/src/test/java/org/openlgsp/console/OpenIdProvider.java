package org.openlgsp.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;

/**
 * panva's {@code oidc-provider} (peer {@code oidc}) run by Node.js as a child process from {@code
 * test-peers/oidc/provider.mjs}: its clients as given, keys for RS256, ES256 and EdDSA made at
 * start, and an interaction form that signs in whichever subject is posted to it.
 */
public final class OpenIdProvider implements AutoCloseable {
  /** Where every test client may send the browser back: loopback, any port (RFC 8252). */
  public static final String REDIRECT = "http://127.0.0.1/login/oidc/callback";

  public final String issuer;
  private final Process process;

  private OpenIdProvider(Process process, String issuer) {
    this.process = process;
    this.issuer = issuer;
  }

  /**
   * A native client (so any loopback port of {@link #REDIRECT}) signing ID tokens with {@code alg}.
   */
  public static Map<String, Object> client(String id, String secret, String alg) {
    return Map.of(
        "client_id", id,
        "client_secret", secret,
        "application_type", "native",
        "redirect_uris", List.of(REDIRECT, REDIRECT.replace("127.0.0.1", "localhost")),
        "id_token_signed_response_alg", alg);
  }

  /** Starts the provider with {@code clients}, its configuration written into {@code dir}. */
  public static OpenIdProvider start(Path dir, List<Map<String, Object>> clients) throws Exception {
    Peers.require(Peer.OIDC);
    Path peer = Peers.oidcProvider().orElseThrow();
    Path config = dir.resolve("oidc-provider.json");
    new ObjectMapper().writeValue(config.toFile(), Map.of("clients", clients));
    Process p =
        new ProcessBuilder("node", peer.resolve("provider.mjs").toString(), config.toString())
            .redirectError(dir.resolve("oidc-provider.log").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("issuer ")) {
        throw new IllegalStateException("the OpenID provider did not start: " + line);
      }
      return new OpenIdProvider(p, line.substring("issuer ".length()).strip());
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
