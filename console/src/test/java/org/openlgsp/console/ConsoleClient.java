package org.openlgsp.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;

/**
 * A browser-like client of the console over real HTTP: cookies kept by name, redirects not
 * followed, the latest page's anti-forgery token remembered; {@link #signIn} goes through the
 * pre-session token, the password and the TOTP set-up or code as a browser does. Public for the
 * node module's tests (console test jar).
 */
public final class ConsoleClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern SECRET = Pattern.compile("id=\"secret\">([A-Z2-7]+)<");
  final String base;
  public final Map<String, String> cookies = new HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  public String csrf = "";
  private final Map<String, byte[]> secrets = new HashMap<>();

  public ConsoleClient(String base) {
    this.base = base;
  }

  public HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formBody(form))));
  }

  /** {@code form} as an application/x-www-form-urlencoded body. */
  static String formBody(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
  }

  /** Posts {@code form} with this session's anti-forgery token. */
  public HttpResponse<String> postWithToken(String path, Map<String, String> form)
      throws Exception {
    Map<String, String> f = new HashMap<>(form);
    f.put("csrf", csrf);
    return post(path, f);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    if (!cookies.isEmpty()) {
      b.header(
          "Cookie",
          String.join(
              "; ",
              cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    for (String set : r.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('='));
      String value = pair.substring(pair.indexOf('=') + 1);
      if (value.isEmpty()) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    Matcher m = CSRF.matcher(r.body());
    if (m.find()) {
      csrf = m.group(1);
    }
    return r;
  }

  /** Password, then the TOTP set-up or code; returns the last answer (303 to / when done). */
  public HttpResponse<String> signIn(String username, String password, Accounts accounts)
      throws Exception {
    get("/login");
    HttpResponse<String> r =
        post("/login", Map.of("csrf", csrf, "username", username, "password", password));
    if (r.statusCode() != 303) {
      return r;
    }
    String next = r.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> form = get(next);
    byte[] secret;
    if (next.equals("/login/enrol")) {
      Matcher m = SECRET.matcher(form.body());
      if (!m.find()) {
        throw new AssertionError("no secret on the set-up page: " + form.body());
      }
      secret = Base32.decode(pad(m.group(1)));
      secrets.put(username, secret);
    } else {
      secret = secrets.get(username);
    }
    HttpResponse<String> done =
        post(next, Map.of("csrf", csrf, "code", accounts.currentCode(secret, Instant.now())));
    get("/"); // the signed-in session's token
    return done;
  }

  byte[] secret(String username) {
    return secrets.get(username);
  }

  private static String pad(String base32) {
    return base32 + "=".repeat((8 - base32.length() % 8) % 8);
  }
}
