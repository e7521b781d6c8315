package org.openlgsp.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser over real HTTP for a sign-in that crosses sites: cookies kept per host and port (the
 * console's and the provider's apart), redirects and the console's refresh page followed by hand so
 * that each hop can be looked at or replayed.
 */
public final class OidcBrowser {
  private static final Pattern REFRESH =
      Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"");
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  public final Map<String, Map<String, String>> cookies = new HashMap<>();

  /** The answer to a request and the address it came from. */
  public record Page(URI at, HttpResponse<String> response) {
    public int status() {
      return response.statusCode();
    }

    public String body() {
      return response.body();
    }

    /** The console's refresh target after its callback (empty when the page is not one). */
    public java.util.Optional<String> refresh() {
      Matcher m = REFRESH.matcher(response.body());
      return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }
  }

  public Page get(URI uri) throws Exception {
    return send(uri, HttpRequest.newBuilder(uri).GET());
  }

  public Page post(URI uri, Map<String, String> form) throws Exception {
    return send(
        uri,
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(ConsoleClient.formBody(form))));
  }

  /** Follows redirects from {@code page} while they stay off {@code stopAt}'s path. */
  public Page follow(Page page, String stopAtPath) throws Exception {
    Page p = page;
    for (int hops = 0; hops < 10 && isRedirect(p); hops++) {
      URI next = p.at().resolve(p.response().headers().firstValue("Location").orElseThrow());
      if (next.getPath().equals(stopAtPath)) {
        return new Page(next, p.response());
      }
      p = get(next);
    }
    return p;
  }

  /**
   * From the console at {@code console} (e.g. {@code http://127.0.0.1:8480}) through its OIDC link
   * to the provider's redirect back, signing {@code subject} in at the provider with {@code amr}
   * and {@code acr} as it asserts them: the callback address, not yet visited.
   */
  public URI atProvider(String console, String subject, String amr, String acr) throws Exception {
    Page started = get(URI.create(console + "/login/oidc"));
    if (started.status() != 303) {
      throw new AssertionError(
          "the console did not send the browser to the provider: " + started.status());
    }
    Page form = follow(started, "/never");
    if (form.status() != 200 || !form.at().getPath().startsWith("/interaction/")) {
      throw new AssertionError("no interaction form at the provider: " + form.body());
    }
    Page back =
        follow(
            post(form.at(), Map.of("login", subject, "amr", amr, "acr", acr)),
            ConsoleOptions.Oidc.CALLBACK);
    if (!back.at().getPath().equals(ConsoleOptions.Oidc.CALLBACK)) {
      throw new AssertionError("the provider did not send the browser back: " + back.body());
    }
    return back.at();
  }

  /** {@link #atProvider}, then the console's answer to the callback. */
  public Page signIn(String console, String subject, String amr) throws Exception {
    return get(atProvider(console, subject, amr, ""));
  }

  static boolean isRedirect(Page p) {
    return p.status() == 302 || p.status() == 303;
  }

  private Page send(URI uri, HttpRequest.Builder b) throws Exception {
    Map<String, String> jar = cookies.computeIfAbsent(uri.getAuthority(), k -> new HashMap<>());
    if (!jar.isEmpty()) {
      b.header(
          "Cookie",
          String.join(
              "; ", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    for (String set : r.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('=')).strip();
      String value = pair.substring(pair.indexOf('=') + 1);
      String lower = set.toLowerCase(java.util.Locale.ROOT);
      boolean expired =
          value.isEmpty()
              || lower.contains("max-age=0")
              || lower.contains("expires=thu, 01 jan 1970");
      if (expired) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
    return new Page(uri, r);
  }
}
