package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.Route;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.Database;

/**
 * Tenants of one installation (docs/federation.md, "LGSP as a Service") tried against each other:
 * tenant a's administrator, with a real token of a, attacks every admin route of tenant b, sends
 * b's object ids to a's routes, crafts tenant paths; a's directory and ledger are checked for b's.
 */
class TenantIsolationTest {
  @TempDir Path dir;
  TenantFixture fx;
  TenantFixture.Started node;
  String a;
  String b;
  String bGrant;
  String bConsent;

  @BeforeEach
  void start() throws Exception {
    fx = new TenantFixture(dir);
    node = TenantFixture.start(fx.twoTenants());
    a = node.url() + "/tenants/a";
    b = node.url() + "/tenants/b";
    RegistryClient ta = new RegistryClient(a, "token-a");
    RegistryClient tb = new RegistryClient(b, "token-b");
    ta.addMember(new AdminRequests.Member("VN-TA/GOV/000.00.00.A01", "Agency A"));
    tb.addMember(new AdminRequests.Member("VN-TB/GOV/000.00.00.B01", "Agency B"));
    tb.addMember(new AdminRequests.Member("VN-TB/GOV/000.00.00.B02", "Agency B2"));
    tb.addNode(new AdminRequests.Node("VN-TB/GOV/000.00.00.B01/gw1", "https://127.0.0.1:9"));
    tb.addSystem(
        new AdminRequests.SystemEntry(
            "VN-TB/GOV/000.00.00.B01/REG", "Register", "VN-TB/GOV/000.00.00.B01/gw1"));
    tb.addSystem(
        new AdminRequests.SystemEntry(
            "VN-TB/GOV/000.00.00.B02/PORTAL", "Portal", "VN-TB/GOV/000.00.00.B01/gw1"));
    tb.addService(
        new AdminRequests.Service(
            "VN-TB/GOV/000.00.00.B01/REG/people", "http://127.0.0.1:9/people", "path:1", null));
    bGrant =
        tb.grant(
                new AdminRequests.Grant(
                    "VN-TB/GOV/000.00.00.B02/PORTAL",
                    "VN-TB/GOV/000.00.00.B01/REG/people",
                    List.of("GET"),
                    List.of("/**")))
            .id();
    bConsent =
        tb.addConsent(
                new AdminRequests.Consent(
                    "079203001234",
                    "health",
                    "VN-TB/GOV/000.00.00.B02",
                    "care",
                    Instant.now().minusSeconds(60),
                    Instant.now().plusSeconds(3600)))
            .id();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void tenantAsTokenOnEveryAdminRouteOfBIsAnUnknownToken() throws Exception {
    List<Route> routes =
        RegistryServer.mountable(
                node.registry().registry(),
                BearerTokens.builder(org.openlgsp.core.ErrorCode.ADMIN_UNAUTHENTICATED)
                    .token("x", TenantFixture.sha("x"), Set.of(RegistryServer.ADMIN_ROLE))
                    .build())
            .routes();
    int tried = 0;
    for (Route r : routes) {
      if (!(r.access() instanceof Access.Roles)) {
        continue;
      }
      String path = r.path().replace("{id}", bGrant).replace("{instance}", "VN-TA");
      HttpResponse<String> withA =
          fx.send(r.method().text(), b + path, "token-a", "{}", "application/json");
      HttpResponse<String> withNobody =
          fx.send(r.method().text(), b + path, "token-nobody", "{}", "application/json");
      assertThat(withA.statusCode()).as(r.method().text() + " " + path).isEqualTo(401);
      assertThat(withA.body()).as(path).isEqualTo(withNobody.body());
      assertThat(withA.body()).contains("admin.unauthenticated").doesNotContain("VN-TB/");
      tried++;
    }
    assertThat(tried).isGreaterThan(30);
    // the installation's own token is no key to a tenant either, nor b's to a
    assertThat(
            fx.send("GET", b + "/api/v1/members", TenantFixture.HOST_TOKEN, null, null)
                .statusCode())
        .isEqualTo(401);
    assertThat(fx.send("GET", a + "/api/v1/grants", "token-b", null, null).statusCode())
        .isEqualTo(401);
    // and a tenant's token opens nothing of the installation's registry
    assertThat(fx.send("GET", node.url() + "/api/v1/members", "token-a", null, null).statusCode())
        .isEqualTo(401);
    // the refusals are in b's audit trail, not a's
    assertThat(node.registry().tenant("b").orElseThrow().auditLog(10_000))
        .anyMatch(e -> e.actor().equals("unauthenticated"));
  }

  @Test
  void bsObjectIdsSentToAsRoutesAreAnsweredAsIdsThatNeverExisted() throws Exception {
    String unknown = "00000000-0000-4000-8000-000000000000";
    assertSameAnswer("DELETE", "/api/v1/grants/" + bGrant, "/api/v1/grants/" + unknown, null);
    assertSameAnswer(
        "GET",
        "/api/v1/consents/" + bConsent + "/proof",
        "/api/v1/consents/" + unknown + "/proof",
        null);
    assertSameAnswer(
        "POST",
        "/api/v1/consents/" + bConsent + "/withdraw",
        "/api/v1/consents/" + unknown + "/withdraw",
        null);
    assertSameAnswer(
        "GET",
        "/api/v1/services/openapi?id=VN-TB/GOV/000.00.00.B01/REG/people",
        "/api/v1/services/openapi?id=VN-TB/GOV/000.00.00.B09/REG/none",
        null);
    String grantOnB =
        "{\"client\":\"VN-TA/GOV/000.00.00.A01\",\"service\":\"VN-TB/GOV/000.00.00.B01/REG/people\","
            + "\"methods\":[\"GET\"],\"pathPatterns\":[\"/**\"]}";
    String grantOnNothing = grantOnB.replace("B01/REG/people", "B09/REG/none");
    HttpResponse<String> x =
        fx.send("POST", a + "/api/v1/grants", "token-a", grantOnB, "application/json");
    HttpResponse<String> y =
        fx.send("POST", a + "/api/v1/grants", "token-a", grantOnNothing, "application/json");
    assertThat(x.statusCode()).isEqualTo(y.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(code(x.body())).isEqualTo(code(y.body()));
    // b's objects are untouched
    RegistryClient tb = new RegistryClient(b, "token-b");
    assertThat(tb.grants()).extracting(g -> g.id()).contains(bGrant);
    assertThat(tb.consentProof(bConsent).consent().withdrawn()).isEmpty();
  }

  @Test
  void craftedTenantPathsReachNoTenantButTheirOwn() throws Exception {
    for (String crafted :
        List.of(
            "/tenants/B/api/v1/members",
            "/tenants/b%2F/api/v1/members",
            "/tenants/a/../b/api/v1/members",
            "/tenants/a/%2E%2E/b/api/v1/members",
            "/tenants//b/api/v1/members",
            "/tenants/b/api/v1/../../a/api/v1/members",
            "/tenants/nosuch/api/v1/members",
            "/tenants/a/b/api/v1/members")) {
      HttpResponse<String> r = fx.send("GET", node.url() + crafted, "token-a", null, null);
      assertThat(r.body()).as(crafted).doesNotContain("VN-TB/");
      if (r.statusCode() == 200) {
        // only a's own list may come back (a path that normalises to a's prefix)
        assertThat(r.body()).as(crafted).contains("VN-TA/GOV/000.00.00.A01");
      }
    }
    HttpResponse<String> unknownTenant =
        fx.send("GET", node.url() + "/tenants/nosuch/directory", null, null, null);
    HttpResponse<String> unknownPath =
        fx.send("GET", node.url() + "/nothing/here", null, null, null);
    assertThat(unknownTenant.statusCode()).isEqualTo(unknownPath.statusCode()).isEqualTo(404);
    assertThat(code(unknownTenant.body())).isEqualTo(code(unknownPath.body()));
  }

  @Test
  void eachDirectoryAndLedgerHoldsOnlyItsOwnTenantsObjectsUnderItsOwnKeys() throws Exception {
    SignedDocument da = new RegistryClient(a, "token-a").directory();
    SignedDocument db = new RegistryClient(b, "token-b").directory();
    String textA = payload(da);
    String textB = payload(db);
    assertThat(textA)
        .contains("VN-TA/GOV/000.00.00.A01")
        .doesNotContain("VN-TB")
        .doesNotContain(bConsent);
    assertThat(textB).contains("VN-TB/GOV/000.00.00.B01", bConsent).doesNotContain("VN-TA");
    assertThat(da.signerCertificate()).isNotEqualTo(db.signerCertificate());
    assertThat(Certificates.fromBase64(da.signerCertificate()).getSubjectX500Principal().getName())
        .contains("VN-TA");
    // the installation's directory holds neither tenant's objects
    String host = fx.send("GET", node.url() + "/directory", null, null, null).body();
    assertThat(host).doesNotContain("VN-TA/").doesNotContain("VN-TB/");

    // ledgers: b's consent is in b's ledger, signed by b's key; a's ledger is empty
    try (Database adb = Database.open("jdbc:sqlite:" + dir.resolve("data/tenant-a.db"));
        Database bdb = Database.open("jdbc:sqlite:" + dir.resolve("data/tenant-b.db"))) {
      assertThat(LedgerReader.open(adb).size()).isZero();
      List<LedgerEntry> bRecords = LedgerReader.open(bdb).byMessageId(bConsent);
      assertThat(bRecords).hasSize(1);
      assertThat(bRecords.getFirst().record().client().instance()).isEqualTo("VN-TB");
      var keyA = TenantRegistries.ledgerKey(tenant("a"), dir).verifier();
      var keyB = TenantRegistries.ledgerKey(tenant("b"), dir).verifier();
      assertThat(keyA.name()).isEqualTo("VN-TA/registry/consents");
      assertThat(keyB.publicKey()).isNotEqualTo(keyA.publicKey());
      var note = LedgerReader.open(bdb).latestCheckpoint().orElseThrow().note();
      assertThat(note.verifiedBy(keyB)).isTrue();
      assertThat(note.verifiedBy(keyA)).isFalse();
    }
    assertThat(
            Set.of(
                java.nio.file.Files.readString(dir.resolve("tenants/a/consent.key")),
                java.nio.file.Files.readString(dir.resolve("tenants/b/consent.key"))))
        .hasSize(2);
  }

  private static String payload(SignedDocument d) {
    return new String(
        java.util.Base64.getDecoder().decode(d.payload()), java.nio.charset.StandardCharsets.UTF_8);
  }

  private TenantSettings tenant(String id) {
    return NodeConfig.read(dir.resolve("node.yaml")).tenants().stream()
        .filter(t -> t.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private void assertSameAnswer(String method, String bsObject, String nothing, String body)
      throws Exception {
    HttpResponse<String> x = fx.send(method, a + bsObject, "token-a", body, null);
    HttpResponse<String> y = fx.send(method, a + nothing, "token-a", body, null);
    assertThat(x.statusCode()).as(bsObject).isEqualTo(y.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(code(x.body())).as(bsObject).isEqualTo(code(y.body()));
    assertThat(x.body()).doesNotContain("VN-TB/GOV/000.00.00.B02");
  }

  private static String code(String problem) throws Exception {
    return org.openlgsp.core.Json.mapper().readTree(problem).path("code").asText();
  }
}
