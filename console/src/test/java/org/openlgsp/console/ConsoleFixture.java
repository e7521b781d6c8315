package org.openlgsp.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.storage.Database;

/**
 * A registry with two agencies (MPS providing citizens, TN providing procedures), each granted to
 * the other, and its console on a free port with one account per role; {@link Client} signs in over
 * real HTTP as a browser does (pre-session token, password, TOTP set-up) and keeps its cookies.
 */
final class ConsoleFixture implements AutoCloseable {
  static final CertificateAuthority CA =
      CertificateAuthority.createRoot("Console test CA", Duration.ofDays(30));
  static final ClientId MPS = ClientId.parse("VN/GOV/000.00.00.G01");
  static final ClientId TN = ClientId.parse("VN/GOV/000.00.00.H53");
  static final ClientId POPULATION = ClientId.parse("VN/GOV/000.00.00.G01/CSDLQGDC");
  static final ClientId PORTAL = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  static final ServiceId CITIZENS = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
  static final ServiceId PROCEDURES = ServiceId.parse("VN/GOV/000.00.00.H53/DVC/procedures");
  static final String PASSWORD = "correct horse battery staple";

  final Database db;
  final Registry registry;
  final Console console;
  final String mpsGrant;
  final String tnGrant;

  ConsoleFixture(Database db, int failuresPerSource) {
    this.db = db;
    Credentials signer =
        CA.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "registry",
            "test",
            List.of(),
            Duration.ofDays(30));
    registry = new Registry(db, RegistryOptions.defaults("VN"), signer.signer(), Clock.systemUTC());
    registry.addTrustAnchor(CA.certificate());
    registry.addMember(MPS, "Bộ Công an");
    registry.addMember(TN, "UBND tỉnh Tây Ninh");
    NodeId mpsNode = NodeId.parse("VN/GOV/000.00.00.G01/gw1");
    NodeId tnNode = NodeId.parse("VN/GOV/000.00.00.H53/gw1");
    registry.addNode(mpsNode, "https://127.0.0.1:5501", List.of(tls("mps-gw")));
    registry.addNode(tnNode, "https://127.0.0.1:5500", List.of(tls("tn-gw")));
    registry.addSystem(POPULATION, "CSDL quốc gia về dân cư", mpsNode);
    registry.addSystem(PORTAL, "Cổng dịch vụ công", tnNode);
    registry.addService(
        CITIZENS,
        "http://127.0.0.1:9090/api",
        "path:2",
        Optional.of(
            "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Công dân\",\"version\":\"1\"},"
                + "\"paths\":{\"/citizens/{id}\":{\"get\":{}}}}"));
    registry.addService(PROCEDURES, "http://127.0.0.1:9091/api", "", Optional.empty());
    mpsGrant = registry.grant(PORTAL, CITIZENS, List.of("GET"), List.of("/citizens/*"));
    tnGrant = registry.grant(POPULATION, PROCEDURES, List.of("GET"), List.of("/*"));
    console =
        Console.start(
            registry,
            db,
            ConsoleOptions.defaults().listening("127.0.0.1", 0),
            Clock.systemUTC(),
            new AuthenticationLimits(failuresPerSource, Duration.ofMinutes(1)));
    console.accounts().create("admin", PASSWORD, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
    console.accounts().create("tn-admin", PASSWORD, ConsoleRole.AGENCY_ADMIN, Optional.of(TN));
    console.accounts().create("officer", PASSWORD, ConsoleRole.SECURITY_OFFICER, Optional.empty());
    console.accounts().create("auditor", PASSWORD, ConsoleRole.AUDITOR, Optional.empty());
  }

  static java.security.cert.X509Certificate tls(String cn) {
    return CA.issueCredentials(
            CertificateProfile.NODE_TLS, cn, "test", List.of("localhost"), Duration.ofDays(30))
        .certificate();
  }

  static String username(ConsoleRole role) {
    return switch (role) {
      case PLATFORM_ADMIN -> "admin";
      case AGENCY_ADMIN -> "tn-admin";
      case SECURITY_OFFICER -> "officer";
      case AUDITOR -> "auditor";
    };
  }

  Client client() {
    return new Client("http://127.0.0.1:" + console.port());
  }

  /** A client signed in as {@code role}'s account (setting up its TOTP on the first sign-in). */
  Client signedIn(ConsoleRole role) throws Exception {
    Client c = client();
    c.signIn(username(role), PASSWORD, console.accounts());
    return c;
  }

  @Override
  public void close() {
    console.close();
    db.close();
  }

  /** A browser-like client: cookies kept by name, redirects not followed. */
  static final class Client {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("id=\"secret\">([A-Z2-7]+)<");
    final String base;
    final Map<String, String> cookies = new HashMap<>();
    private final HttpClient http =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String csrf = "";
    private final Map<String, byte[]> secrets = new HashMap<>();

    Client(String base) {
      this.base = base;
    }

    HttpResponse<String> get(String path) throws Exception {
      return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      StringBuilder body = new StringBuilder();
      form.forEach(
          (k, v) ->
              body.append(body.isEmpty() ? "" : "&")
                  .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                  .append('=')
                  .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Posts {@code form} with this session's anti-forgery token. */
    HttpResponse<String> postWithToken(String path, Map<String, String> form) throws Exception {
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
    HttpResponse<String> signIn(String username, String password, Accounts accounts)
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
}
