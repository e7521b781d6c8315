package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Route;
import org.openlgsp.registry.Registry;
import org.openlgsp.storage.TestDatabases;

class ConsoleHttpTest {
  @TempDir Path dir;
  ConsoleFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  ConsoleFixture start() {
    f = new ConsoleFixture(TestDatabases.sqlite(dir), 1000);
    return f;
  }

  /** Who may call each route: public, or the roles named. A new route must be added here. */
  static final Map<String, Set<ConsoleRole>> DECLARED = new LinkedHashMap<>();

  static {
    Set<ConsoleRole> all = Set.of(ConsoleRole.values());
    Set<ConsoleRole> audit =
        Set.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.SECURITY_OFFICER, ConsoleRole.AUDITOR);
    Set<ConsoleRole> grants = Set.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.AGENCY_ADMIN);
    for (String publicRoute :
        List.of(
            "GET /static/{name}",
            "GET /lang",
            "GET /login",
            "POST /login",
            "GET /login/totp",
            "POST /login/totp",
            "GET /login/enrol",
            "POST /login/enrol")) {
      DECLARED.put(publicRoute, Set.of());
    }
    DECLARED.put("POST /logout", all);
    for (String page :
        List.of(
            "GET /",
            "GET /dashboard/chart.json",
            "GET /agencies",
            "GET /systems",
            "GET /services",
            "GET /service",
            "GET /grants",
            "GET /nodes",
            "GET /anchors",
            "GET /dashboard/operations.json",
            "GET /statistics",
            "GET /statistics/figures.csv")) {
      DECLARED.put(page, all);
    }
    Set<ConsoleRole> alertHandlers =
        Set.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.SECURITY_OFFICER);
    DECLARED.put("GET /alerts", audit);
    DECLARED.put("POST /alerts/{id}/acknowledge", alertHandlers);
    DECLARED.put("POST /alerts/{id}/resolve", alertHandlers);
    DECLARED.put("GET /statistics/report.pdf", audit);
    DECLARED.put("GET /records", audit);
    DECLARED.put("POST /grants", grants);
    DECLARED.put("POST /grants/{id}/revoke", grants);
    DECLARED.put("GET /audit", audit);
    DECLARED.put("GET /audit.csv", audit);
    // the administration pages (AdminPages)
    Set<ConsoleRole> platform = Set.of(ConsoleRole.PLATFORM_ADMIN);
    DECLARED.put("GET /certificates", all);
    DECLARED.put("GET /enrolments", all);
    DECLARED.put("POST /enrolments/{id}/approve", platform);
    DECLARED.put("POST /enrolments/{id}/reject", platform);
    DECLARED.put("POST /anchors", platform);
    DECLARED.put("GET /accounts", platform);
    DECLARED.put("POST /accounts", platform);
    for (String change : List.of("password", "totp", "unlock", "role")) {
      DECLARED.put("POST /accounts/{id}/" + change, platform);
    }
    // ledger and subject access (AuditPages; AuditPagesHttpTest)
    DECLARED.put("GET /ledger", audit);
    DECLARED.put("GET /ledger/proof", audit);
    DECLARED.put("POST /ledger/verify", audit);
    DECLARED.put("GET /subjects", Set.of(ConsoleRole.SECURITY_OFFICER));
    DECLARED.put("POST /subjects", Set.of(ConsoleRole.SECURITY_OFFICER));
    DECLARED.put("GET /records.csv", audit);
    DECLARED.put("GET /records/{id}", audit);
    DECLARED.put("GET /documents", Console.ALL);
    DECLARED.put("GET /documents/sent", Console.ALL);
    DECLARED.put("GET /documents/history", Console.ALL);
  }

  static String key(Route r) {
    return r.method().text() + " " + r.path();
  }

  @Test
  void everyRouteDeclaresExactlyTheRolesThisTestExpects() {
    start();
    Map<String, Set<ConsoleRole>> actual = new LinkedHashMap<>();
    for (Route r : f.console.routes()) {
      actual.put(
          key(r),
          r.access() instanceof Access.Roles roles
              ? roles.names().stream()
                  .map(n -> ConsoleRole.of(n).orElseThrow())
                  .collect(Collectors.toSet())
              : Set.of());
      if (r.changesState()) {
        assertThat(r.auditAction()).as(key(r) + " changes state: audited").isPresent();
      }
    }
    assertThat(actual).isEqualTo(DECLARED);
  }

  /**
   * Anonymous and each role against every route open to roles: 401 without a session, 403 for a
   * role the route does not name, anything but 401/403 for one it names (POSTs with the token).
   */
  @Test
  void everyRouteAnswersAnonymousAndEachRoleAsDeclared() throws Exception {
    start();
    Map<ConsoleRole, ConsoleClient> clients = new EnumMap<>(ConsoleRole.class);
    for (ConsoleRole role : ConsoleRole.values()) {
      clients.put(role, f.signedIn(role));
    }
    ConsoleClient anonymous = f.client();
    List<Route> routes = new java.util.ArrayList<>(f.console.routes());
    // signing out last: it ends the sessions the other routes are called with
    routes.sort(java.util.Comparator.comparing(r -> r.path().equals("/logout")));
    for (Route r : routes) {
      if (!(r.access() instanceof Access.Roles roles)) {
        continue;
      }
      String path =
          r.path().equals("/service")
              ? "/service?id=" + ConsoleFixture.CITIZENS.encoded()
              : r.path().replace("{id}", "no-such-grant");
      assertThat(call(anonymous, r, path).statusCode()).as("anonymous " + key(r)).isEqualTo(401);
      for (ConsoleRole role : ConsoleRole.values()) {
        int status = call(clients.get(role), r, path).statusCode();
        if (roles.names().contains(role.id())) {
          assertThat(status).as(role + " " + key(r)).isNotIn(401, 403);
        } else {
          assertThat(status).as(role + " " + key(r)).isEqualTo(403);
        }
      }
    }
  }

  private static HttpResponse<String> call(ConsoleClient c, Route r, String path) throws Exception {
    return r.changesState() ? c.postWithToken(path, Map.of()) : c.get(path);
  }

  @Test
  void aStateChangeWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws Exception {
    start();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    int before = f.registry.grants().size();
    Map<String, String> grant =
        Map.of(
            "client",
            ConsoleFixture.POPULATION.encoded(),
            "service",
            ConsoleFixture.CITIZENS.encoded(),
            "methods",
            "GET",
            "paths",
            "/*");
    HttpResponse<String> none = admin.post("/grants", grant);
    Map<String, String> forged = new java.util.HashMap<>(grant);
    forged.put("csrf", "forged-" + admin.csrf);
    HttpResponse<String> wrong = admin.post("/grants", forged);
    HttpResponse<String> revoke = admin.post("/grants/" + f.mpsGrant + "/revoke", Map.of());

    assertThat(List.of(none, wrong, revoke))
        .allSatisfy(
            r -> {
              assertThat(r.statusCode()).isEqualTo(403);
              assertThat(r.body()).contains("console.csrf_invalid");
            });
    assertThat(f.registry.grants()).hasSize(before);
    assertThat(admin.postWithToken("/grants", grant).statusCode()).isEqualTo(303);
    assertThat(f.registry.grants()).hasSize(before + 1);
  }

  @Test
  void anAgencyAdministratorNeitherSeesNorChangesAnotherAgencysObjects() throws Exception {
    start();
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);

    assertThat(tn.get("/services").body())
        .contains(ConsoleFixture.PROCEDURES.encoded())
        .doesNotContain(ConsoleFixture.CITIZENS.encoded());
    assertThat(tn.get("/systems").body())
        .contains(ConsoleFixture.PORTAL.encoded())
        .doesNotContain("CSDL quốc gia");
    assertThat(tn.get("/agencies").body()).contains("Tây Ninh").doesNotContain("Bộ Công an");
    assertThat(tn.get("/nodes").body())
        .contains("VN/GOV/000.00.00.H53/gw1")
        .doesNotContain("VN/GOV/000.00.00.G01/gw1");
    // crafted URL and form posts on the other agency's service and grant
    assertThat(tn.get("/service?id=" + ConsoleFixture.CITIZENS.encoded()).statusCode())
        .isEqualTo(404);
    assertThat(tn.postWithToken("/grants/" + f.mpsGrant + "/revoke", Map.of()).statusCode())
        .isEqualTo(404);
    HttpResponse<String> foreign =
        tn.postWithToken(
            "/grants",
            Map.of(
                "client",
                ConsoleFixture.PORTAL.encoded(),
                "service",
                ConsoleFixture.CITIZENS.encoded(),
                "methods",
                "GET POST",
                "paths",
                "/*"));
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(f.registry.grants())
        .extracting(Registry.GrantEntry::id)
        .containsExactlyInAnyOrder(f.mpsGrant, f.tnGrant);
    // its own: revoke the grant on its service, create another
    assertThat(tn.postWithToken("/grants/" + f.tnGrant + "/revoke", Map.of()).statusCode())
        .isEqualTo(303);
    assertThat(
            tn.postWithToken(
                    "/grants",
                    Map.of(
                        "client",
                        ConsoleFixture.POPULATION.encoded(),
                        "service",
                        ConsoleFixture.PROCEDURES.encoded(),
                        "methods",
                        "GET",
                        "paths",
                        "/procedures/*"))
                .statusCode())
        .isEqualTo(303);
    assertThat(f.registry.grants())
        .extracting(g -> g.grant().service())
        .containsExactlyInAnyOrder(ConsoleFixture.CITIZENS, ConsoleFixture.PROCEDURES);
  }

  @Test
  void theGrantsPageShowsAPageAtATimeFollowingTheRegistrysCursor() throws Exception {
    start();
    // 30 more systems of Tây Ninh, each granted both services: 62 grants, 50 a page
    for (int i = 0; i < 30; i++) {
      org.openlgsp.core.ClientId system =
          org.openlgsp.core.ClientId.parse(String.format("VN/GOV/000.00.00.H53/S%02d", i));
      f.registry.addSystem(
          system, "Hệ thống " + i, org.openlgsp.core.NodeId.parse("VN/GOV/000.00.00.H53/gw1"));
      f.registry.grant(system, ConsoleFixture.CITIZENS, List.of("GET"), List.of("/*"));
      f.registry.grant(system, ConsoleFixture.PROCEDURES, List.of("GET"), List.of("/*"));
    }
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    String first = admin.get("/grants").body();
    assertThat(revokeForms(first)).isEqualTo(50);
    assertThat(first).contains("Số quyền tìm thấy: 62").doesNotContain("rel=\"first\"");
    java.util.regex.Matcher next =
        java.util.regex.Pattern.compile("rel=\"next\" href=\"([^\"]+)\"").matcher(first);
    assertThat(next.find()).isTrue();
    String second = admin.get(next.group(1).replace("&amp;", "&")).body();
    assertThat(revokeForms(second)).isEqualTo(12);
    assertThat(second).contains("rel=\"first\"").doesNotContain("rel=\"next\"");
    // the two pages hold every grant once
    java.util.Set<String> ids = new java.util.HashSet<>(grantIds(first));
    ids.addAll(grantIds(second));
    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(
            f.registry.grants().stream().map(Registry.GrantEntry::id).toList());

    // searched: one page; the agency administrator counts its own grants only (all 62 here)
    String searched = admin.get("/grants?q=h53/s0").body();
    assertThat(revokeForms(searched)).isEqualTo(20);
    assertThat(searched).contains("Số quyền tìm thấy: 20").doesNotContain("rel=\"next\"");
    assertThat(f.signedIn(ConsoleRole.AGENCY_ADMIN).get("/grants").body())
        .contains("Số quyền tìm thấy: 62");
    // a cursor the registry did not give is refused, not read as the first page
    assertThat(admin.get("/grants?after=not-a-cursor!").statusCode()).isEqualTo(400);
  }

  private static int revokeForms(String page) {
    return grantIds(page).size();
  }

  private static List<String> grantIds(String page) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("action=\"/grants/([^/\"]+)/revoke\"").matcher(page);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void stateChangesAreAuditedWithActorSourceAndBeforeAfterAndExportedAsCsv() throws Exception {
    start();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    admin.postWithToken("/grants/" + f.mpsGrant + "/revoke", Map.of());

    Registry.AuditEntry revoke =
        f.registry.auditLog("console.grant.revoke", 0, 10).stream().findFirst().orElseThrow();
    assertThat(revoke.actor()).isEqualTo("admin");
    assertThat(revoke.outcome()).isEqualTo("ok");
    assertThat(revoke.detail())
        .contains("from 127.0.0.1")
        .contains("before: grant " + f.mpsGrant)
        .contains("after: revoked");
    assertThat(f.registry.auditLog("console.login", 0, 10))
        .anySatisfy(e -> assertThat(e.detail()).contains("account admin"));

    ConsoleClient auditor = f.signedIn(ConsoleRole.AUDITOR);
    assertThat(auditor.get("/audit?q=grant.revoke").body()).contains(f.mpsGrant);
    HttpResponse<String> csv = auditor.get("/audit.csv?q=grant.revoke");
    assertThat(csv.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(csv.body().lines().findFirst()).hasValue("id,at,actor,action,target,outcome,detail");
    assertThat(csv.body()).contains("console.grant.revoke").contains(f.mpsGrant);
    // a value a spreadsheet would run as a formula is exported as text
    f.registry.audit("=HYPERLINK(\"x\")", "test.action", "t", "ok", "@SUM(1)");
    assertThat(auditor.get("/audit.csv?q=test.action").body())
        .contains("'=HYPERLINK")
        .contains("'@SUM(1)");
  }

  @Test
  void wrongPasswordsLockTheAccountEvenAgainstTheRightOne() throws Exception {
    start();
    ConsoleClient c = f.client();
    for (int i = 0; i < 5; i++) {
      assertThat(c.signIn("officer", "wrong password " + i, f.console.accounts()).statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> right = c.signIn("officer", ConsoleFixture.PASSWORD, f.console.accounts());
    assertThat(right.statusCode()).isEqualTo(401);
    assertThat(right.body()).contains("không đúng").contains("locked");
    assertThat(f.console.accounts().locked("officer")).isTrue();
  }

  @Test
  void failedSignInsFromOneAddressAreThrottled() throws Exception {
    f = new ConsoleFixture(TestDatabases.sqlite(dir), 3);
    ConsoleClient c = f.client();
    for (int i = 0; i < 3; i++) {
      assertThat(c.signIn("nobody", "wrong password", f.console.accounts()).statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> throttled =
        c.signIn("admin", ConsoleFixture.PASSWORD, f.console.accounts());
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void pagesAreVietnameseByDefaultEnglishAfterTheSwitchAndCarryAStrictPolicy() throws Exception {
    start();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    HttpResponse<String> vi = admin.get("/");
    assertThat(vi.body())
        .contains("<html lang=\"vi\">")
        .contains("Tổng quan")
        .contains("Quyền truy cập");
    assertThat(vi.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp -> assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe"));
    assertThat(vi.body()).doesNotContain("<script>").doesNotContain("style=");
    HttpResponse<String> sw = admin.get("/lang?to=en&back=/grants");
    assertThat(sw.statusCode()).isEqualTo(303);
    assertThat(sw.headers().firstValue("Location")).hasValue("/grants");
    assertThat(admin.get("/").body()).contains("<html lang=\"en\">").contains("Dashboard");
    // never a redirect off the console
    assertThat(admin.get("/lang?to=vi&back=//evil.example").headers().firstValue("Location"))
        .hasValue("/");
  }

  @Test
  void theSessionCookieIsSecureHttpOnlyAndStrictAndEndsAtSignOut() throws Exception {
    start();
    ConsoleClient c = f.client();
    c.get("/login");
    HttpResponse<String> r =
        c.post(
            "/login",
            Map.of("csrf", c.csrf, "username", "admin", "password", ConsoleFixture.PASSWORD));
    assertThat(r.headers().allValues("Set-Cookie"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("lgsp_console=")
                    .contains("Secure")
                    .contains("HttpOnly")
                    .contains("SameSite=Strict"));
    // a half-signed-in session (password, no TOTP yet) opens no page
    HttpResponse<String> half = c.get("/");
    assertThat(half.statusCode()).isEqualTo(401);
    assertThat(half.body()).contains("Cần đăng nhập").contains("href=\"/login\"");

    ConsoleClient admin = f.signedIn(ConsoleRole.AUDITOR);
    assertThat(admin.get("/").statusCode()).isEqualTo(200);
    String session = admin.cookies.get(Sessions.COOKIE);
    assertThat(admin.postWithToken("/logout", Map.of()).statusCode()).isEqualTo(303);
    admin.cookies.put(Sessions.COOKIE, session);
    assertThat(admin.get("/").statusCode()).isEqualTo(401);
  }

  @Test
  void aSignInWithoutTheFormsPreSessionTokenIsRefused() throws Exception {
    start();
    ConsoleClient c = f.client();
    HttpResponse<String> r =
        c.post("/login", Map.of("username", "admin", "password", ConsoleFixture.PASSWORD));
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void theServicePageRendersItsOpenApiDocumentAndTheChartHasData() throws Exception {
    start();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    String page = admin.get("/service?id=" + ConsoleFixture.CITIZENS.encoded()).body();
    assertThat(page).contains("/citizens/{id}").contains("Công dân");
    String chart = admin.get("/dashboard/chart.json").body();
    assertThat(chart).contains("Bộ Công an").contains("UBND tỉnh Tây Ninh");
    assertThat(admin.get("/static/echarts.min.js").statusCode()).isEqualTo(200);
    assertThat(admin.get("/static/htmx.min.js").statusCode()).isEqualTo(200);
    assertThat(admin.get("/static/..%2Fpom.xml").statusCode()).isEqualTo(404);
    assertThat(admin.get("/nodes").body())
        .contains("https://127.0.0.1:5501")
        .contains("https://127.0.0.1:5500");
    assertThat(admin.get("/anchors?q=console").body())
        .contains("Console test CA")
        .contains(org.openlgsp.core.Certificates.fingerprint(ConsoleFixture.CA.certificate()));
  }
}
