package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.Enrolments;
import org.openlgsp.registry.Registry;
import org.openlgsp.storage.TestDatabases;

/**
 * The administration pages over real HTTP against a real registry, its enrolments with a built-in
 * CA and the console's accounts: certificates and enrolment requests scoped to the agency, approval
 * of the names shown only, trust anchor import refusing garbage, account administration with the
 * last platform administrator kept; every change audited with before/after and no secret.
 */
class AdminPagesHttpTest {
  private static final Pattern PASSWORD = Pattern.compile("id=\"password\">([^<]+)<");
  @TempDir Path dir;
  ConsoleFixture f;

  @BeforeEach
  void start() {
    f = new ConsoleFixture(TestDatabases.sqlite(dir), 1000);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  static byte[] csr(String cn, List<String> names) {
    KeyPair key = KeyPairs.ecP256();
    return CertificateRequest.create(key.getPrivate(), key.getPublic(), cn, "test", names).der();
  }

  String submitTnSigning() {
    return f.enrolments.submit(
        Enrolments.Kind.MEMBER_SIGNING,
        ConsoleFixture.TN.encoded(),
        csr(ConsoleFixture.TN.encoded(), List.of()));
  }

  String submitMpsNode() {
    return f.enrolments.submit(
        Enrolments.Kind.NODE_TLS,
        "VN/GOV/000.00.00.G01/gw1",
        csr("VN/GOV/000.00.00.G01/gw1", List.of("gw1.bocongan.gov.vn", "10.0.0.7")));
  }

  String status(String id) {
    return f.enrolments.list().stream()
        .filter(e -> e.id().equals(id))
        .findFirst()
        .orElseThrow()
        .status();
  }

  Registry.AuditEntry lastAudit(String action) {
    return f.registry.auditLog(action, 0, 10).stream()
        .filter(e -> e.action().equals(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no audit row " + action));
  }

  // ---- certificates

  @Test
  void theCertificatesPageListsSubjectIssuerSerialValidityAndDaysLeftScopedToTheAgency()
      throws Exception {
    java.security.cert.X509Certificate mpsTls =
        Certificates.fromBase64(
            f.registry.nodes().stream()
                .filter(n -> n.id().owner().encoded().equals(ConsoleFixture.MPS.encoded()))
                .findFirst()
                .orElseThrow()
                .tlsCertificates()
                .get(0));
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    String page = admin.get("/certificates").body();
    assertThat(page)
        .contains("CN=mps-gw")
        .contains("CN=tn-gw")
        .contains("CN=Console test CA")
        .contains(mpsTls.getSerialNumber().toString(16))
        .contains(mpsTls.getNotAfter().toInstant().toString())
        .contains("<td>29</td>") // 30 days of validity, issued moments ago
        .contains("Chứng thư TLS của nút");
    assertThat(admin.get("/certificates?q=mps-gw").body())
        .contains("CN=mps-gw")
        .doesNotContain("CN=tn-gw");

    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);
    assertThat(tn.get("/certificates").body())
        .contains("CN=tn-gw")
        .doesNotContain("CN=mps-gw")
        .doesNotContain(mpsTls.getSerialNumber().toString(16));
    // searching for the other agency's certificate finds nothing
    assertThat(tn.get("/certificates?q=G01").body()).doesNotContain("mps-gw").contains("(0)");
  }

  // ---- enrolment requests

  @Test
  void anApprovedEnrolmentIssuesTheCertificateIntoTheDirectoryAndIsAuditedBeforeAndAfter()
      throws Exception {
    String node = submitMpsNode();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    String page = admin.get("/enrolments").body();
    assertThat(page)
        .contains("gw1.bocongan.gov.vn")
        .contains("10.0.0.7")
        .contains("Chờ phê duyệt")
        .contains("/enrolments/" + node + "/approve");

    HttpResponse<String> approved =
        admin.postWithToken(
            "/enrolments/" + node + "/approve", Map.of("names", "gw1.bocongan.gov.vn,10.0.0.7"));
    assertThat(approved.statusCode()).isEqualTo(303);
    assertThat(approved.headers().firstValue("Location")).hasValue("/enrolments?done=approved");
    assertThat(status(node)).isEqualTo("approved");
    String serial = f.enrolments.list().get(0).certificateSerial().orElseThrow();
    assertThat(admin.get("/certificates").body()).contains(serial);
    assertThat(admin.get("/enrolments?done=approved").body()).contains("Đã phê duyệt yêu cầu");

    Registry.AuditEntry row = lastAudit("console.enrolment.approve");
    assertThat(row.actor()).isEqualTo("admin");
    assertThat(row.outcome()).isEqualTo("ok");
    assertThat(row.detail())
        .contains("from 127.0.0.1")
        .contains("before: enrolment " + node + " pending: node-tls for VN/GOV/000.00.00.G01/gw1")
        .contains("gw1.bocongan.gov.vn")
        .contains("after: approved, certificate serial " + serial);
    // decided once
    assertThat(
            admin
                .postWithToken("/enrolments/" + node + "/reject", Map.of("reason", "late"))
                .statusCode())
        .isEqualTo(409);
  }

  @Test
  void approvalIsOfTheNamesShownOnlyAndARejectionNeedsAReason() throws Exception {
    String node = submitMpsNode();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    // names other than the request's (a crafted form, or a request changed under the page)
    HttpResponse<String> other =
        admin.postWithToken(
            "/enrolments/" + node + "/approve", Map.of("names", "gw1.bocongan.gov.vn"));
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(status(node)).isEqualTo("pending");
    assertThat(admin.postWithToken("/enrolments/" + node + "/reject", Map.of()).statusCode())
        .isEqualTo(400);
    assertThat(status(node)).isEqualTo("pending");

    HttpResponse<String> rejected =
        admin.postWithToken(
            "/enrolments/" + node + "/reject", Map.of("reason", "unknown host name"));
    assertThat(rejected.statusCode()).isEqualTo(303);
    assertThat(status(node)).isEqualTo("rejected");
    assertThat(lastAudit("console.enrolment.reject").detail())
        .contains("before: enrolment " + node + " pending")
        .contains("after: rejected: unknown host name");
    assertThat(admin.postWithToken("/enrolments/no-such-request/approve", Map.of()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anAgencyAdministratorSeesOnlyItsAgencysRequestsAndDecidesNone() throws Exception {
    String mine = submitTnSigning();
    String theirs = submitMpsNode();
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);
    String page = tn.get("/enrolments").body();
    assertThat(page).contains(mine).doesNotContain(theirs).doesNotContain("gw1.bocongan.gov.vn");
    assertThat(page).doesNotContain("/approve"); // no decision forms
    assertThat(tn.get("/enrolments?q=" + theirs).body())
        .doesNotContain("enrolment-" + theirs)
        .contains("(0)");
    // crafted posts: refused, nothing decided
    assertThat(
            tn.postWithToken(
                    "/enrolments/" + theirs + "/approve",
                    Map.of("names", "gw1.bocongan.gov.vn,10.0.0.7"))
                .statusCode())
        .isEqualTo(403);
    assertThat(tn.postWithToken("/enrolments/" + mine + "/approve", Map.of()).statusCode())
        .isEqualTo(403);
    assertThat(
            tn.postWithToken("/enrolments/" + theirs + "/reject", Map.of("reason", "x"))
                .statusCode())
        .isEqualTo(403);
    assertThat(List.of(status(mine), status(theirs))).containsOnly("pending");
  }

  @Test
  void decisionsWithoutTheSessionsTokenAreRefusedAndChangeNothing() throws Exception {
    String node = submitMpsNode();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    for (String path :
        List.of(
            "/enrolments/" + node + "/approve",
            "/enrolments/" + node + "/reject",
            "/anchors",
            "/accounts",
            "/accounts/officer/password",
            "/accounts/officer/totp",
            "/accounts/officer/unlock",
            "/accounts/officer/role")) {
      HttpResponse<String> r =
          admin.post(
              path,
              Map.of(
                  "names", "gw1.bocongan.gov.vn,10.0.0.7",
                  "reason", "x",
                  "pem",
                      Pem.write(
                          CertificateAuthority.createRoot("Other CA", Duration.ofDays(9))
                              .certificate()),
                  "username", "intruder",
                  "role", "platform-admin",
                  "csrf", "forged"));
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).contains("console.csrf_invalid");
    }
    assertThat(status(node)).isEqualTo("pending");
    assertThat(f.registry.trustAnchors()).hasSize(1);
    assertThat(f.console.accounts().find("intruder")).isEmpty();
    assertThat(f.console.accounts().find("officer").orElseThrow().role())
        .isEqualTo(ConsoleRole.SECURITY_OFFICER);
    // the officer's password still works
    assertThat(f.signedIn(ConsoleRole.SECURITY_OFFICER).get("/").statusCode()).isEqualTo(200);
  }

  // ---- trust anchors

  @Test
  void aCaCertificateIsImportedFromPemAndGarbageOrALeafIsRefusedWithAClearError() throws Exception {
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    CertificateAuthority other =
        CertificateAuthority.createRoot("Government CA", Duration.ofDays(90));

    HttpResponse<String> garbage =
        admin.postWithToken("/anchors", Map.of("pem", "hello, not a certificate"));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body())
        .contains("không phải là đúng một chứng thư ở dạng PEM")
        .contains("hello, not a certificate"); // sent back to correct
    // what is sent back is text, never markup
    HttpResponse<String> markup =
        admin.postWithToken("/anchors", Map.of("pem", "</textarea><script>alert(1)</script>"));
    assertThat(markup.statusCode()).isEqualTo(400);
    assertThat(markup.body()).doesNotContain("<script>alert").contains("&lt;/textarea&gt;");
    String truncated = Pem.write(other.certificate()).replace("-----END CERTIFICATE-----", "");
    assertThat(admin.postWithToken("/anchors", Map.of("pem", truncated)).statusCode())
        .isEqualTo(400);
    java.security.cert.X509Certificate leaf = ConsoleFixture.tls("leaf");
    HttpResponse<String> notCa = admin.postWithToken("/anchors", Map.of("pem", Pem.write(leaf)));
    assertThat(notCa.statusCode()).isEqualTo(403);
    assertThat(notCa.body()).contains("không phải là chứng thư của CA");
    HttpResponse<String> two =
        admin.postWithToken("/anchors", Map.of("pem", Pem.write(other.certificate(), leaf)));
    assertThat(two.statusCode()).isEqualTo(400);
    assertThat(f.registry.trustAnchors()).hasSize(1);
    assertThat(lastAudit("console.anchor.import").outcome()).isEqualTo("http.400");
    assertThat(lastAudit("console.anchor.import").detail()).contains("refused: request.malformed");

    HttpResponse<String> ok =
        admin.postWithToken("/anchors", Map.of("pem", Pem.write(other.certificate())));
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(f.registry.trustAnchors())
        .extracting(Certificates::fingerprint)
        .contains(Certificates.fingerprint(other.certificate()));
    assertThat(admin.get("/anchors?done=imported").body())
        .contains("Government CA")
        .contains("Đã nhập")
        .contains("method=\"post\" action=\"/anchors\"");
    Registry.AuditEntry row = lastAudit("console.anchor.import");
    assertThat(row.outcome()).isEqualTo("ok");
    assertThat(row.detail())
        .contains("after: trust anchor C=VN,O=OpenLGSP,CN=Government CA")
        .contains(Certificates.fingerprint(other.certificate()));
    HttpResponse<String> again =
        admin.postWithToken("/anchors", Map.of("pem", Pem.write(other.certificate())));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("đã có");

    // the import form is a platform administrator's only
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);
    assertThat(tn.get("/anchors").body())
        .contains("Government CA")
        .doesNotContain("method=\"post\" action=\"/anchors\"");
    CertificateAuthority third = CertificateAuthority.createRoot("Third CA", Duration.ofDays(90));
    assertThat(
            tn.postWithToken("/anchors", Map.of("pem", Pem.write(third.certificate())))
                .statusCode())
        .isEqualTo(403);
    assertThat(f.registry.trustAnchors()).hasSize(2);
  }

  // ---- accounts

  static String password(HttpResponse<String> page) {
    Matcher m = PASSWORD.matcher(page.body());
    assertThat(m.find()).as("a password on the page").isTrue();
    return m.group(1);
  }

  @Test
  void aCreatedAccountsPasswordIsShownOnceAndSignsIn() throws Exception {
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    HttpResponse<String> created =
        admin.postWithToken(
            "/accounts",
            Map.of(
                "username",
                "mps-admin",
                "role",
                "agency-admin",
                "agency",
                ConsoleFixture.MPS.encoded()));
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
    String password = password(created);
    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    Account a = f.console.accounts().find("mps-admin").orElseThrow();
    assertThat(a.role()).isEqualTo(ConsoleRole.AGENCY_ADMIN);
    assertThat(a.agency()).hasValue(ConsoleFixture.MPS);

    String list = admin.get("/accounts").body();
    assertThat(list).contains("mps-admin").doesNotContain(password);
    Registry.AuditEntry row = lastAudit("console.account.create");
    assertThat(row.detail())
        .contains("before: no account mps-admin")
        .contains("after: account mps-admin agency-admin of " + ConsoleFixture.MPS.encoded())
        .doesNotContain(password);
    assertThat(admin.get("/audit.csv?q=account").body()).doesNotContain(password);

    ConsoleClient mps = f.client();
    assertThat(mps.signIn("mps-admin", password, f.console.accounts()).statusCode()).isEqualTo(303);
    assertThat(mps.get("/agencies").body()).contains("Bộ Công an").doesNotContain("Tây Ninh");

    // refused: an existing name, an agency administrator without a registered agency, a bad role
    assertThat(
            admin
                .postWithToken("/accounts", Map.of("username", "mps-admin", "role", "auditor"))
                .statusCode())
        .isEqualTo(409);
    assertThat(
            admin
                .postWithToken(
                    "/accounts",
                    Map.of("username", "x-admin", "role", "agency-admin", "agency", "VN/GOV/999"))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin
                .postWithToken("/accounts", Map.of("username", "root", "role", "root"))
                .statusCode())
        .isEqualTo(400);
    assertThat(f.console.accounts().find("x-admin")).isEmpty();
    assertThat(f.console.accounts().find("root")).isEmpty();
  }

  @Test
  void aPasswordResetReplacesThePasswordAndEndsTheAccountsSessions() throws Exception {
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    ConsoleClient officer = f.signedIn(ConsoleRole.SECURITY_OFFICER);
    assertThat(officer.get("/").statusCode()).isEqualTo(200);

    HttpResponse<String> reset = admin.postWithToken("/accounts/officer/password", Map.of());
    assertThat(reset.statusCode()).isEqualTo(200);
    String password = password(reset);
    assertThat(officer.get("/").statusCode()).isEqualTo(401);
    assertThat(
            f.client()
                .signIn("officer", ConsoleFixture.PASSWORD, f.console.accounts())
                .statusCode())
        .isEqualTo(401);
    // the new password passes the first step (the TOTP code is asked next)
    ConsoleClient again = f.client();
    again.get("/login");
    HttpResponse<String> step =
        again.post(
            "/login", Map.of("csrf", again.csrf, "username", "officer", "password", password));
    assertThat(step.headers().firstValue("Location")).hasValue("/login/totp");
    assertThat(lastAudit("console.account.password").detail())
        .contains("before: account officer security-officer")
        .contains("after: password replaced")
        .doesNotContain(password);
    assertThat(admin.postWithToken("/accounts/nobody/password", Map.of()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aTotpResetMakesTheNextSignInSetUpANewSecondFactor() throws Exception {
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    f.signedIn(ConsoleRole.AUDITOR); // sets up the auditor's second factor
    assertThat(f.console.accounts().find("auditor").orElseThrow().totpEnrolled()).isTrue();

    assertThat(admin.postWithToken("/accounts/auditor/totp", Map.of()).statusCode()).isEqualTo(303);
    assertThat(f.console.accounts().find("auditor").orElseThrow().totpEnrolled()).isFalse();
    ConsoleClient c = f.client();
    c.get("/login");
    HttpResponse<String> r =
        c.post(
            "/login",
            Map.of("csrf", c.csrf, "username", "auditor", "password", ConsoleFixture.PASSWORD));
    assertThat(r.headers().firstValue("Location")).hasValue("/login/enrol");
    assertThat(lastAudit("console.account.totp").detail())
        .contains("before: account auditor auditor: second factor set up")
        .contains("after: no second factor");
  }

  @Test
  void unlockingEndsALockout() throws Exception {
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    for (int i = 0; i < 5; i++) {
      f.client().signIn("auditor", "wrong password " + i, f.console.accounts());
    }
    assertThat(f.console.accounts().locked("auditor")).isTrue();
    assertThat(admin.get("/accounts").body()).contains("/accounts/auditor/unlock");

    assertThat(admin.postWithToken("/accounts/auditor/unlock", Map.of()).statusCode())
        .isEqualTo(303);
    assertThat(f.console.accounts().locked("auditor")).isFalse();
    assertThat(f.signedIn(ConsoleRole.AUDITOR).get("/").statusCode()).isEqualTo(200);
    assertThat(lastAudit("console.account.unlock").detail())
        .contains("before: account auditor auditor: locked")
        .contains("after: unlocked");
  }

  @Test
  void theLastPlatformAdministratorCannotGiveUpTheRoleAnotherOneCan() throws Exception {
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    HttpResponse<String> self =
        admin.postWithToken("/accounts/admin/role", Map.of("role", "auditor"));
    assertThat(self.statusCode()).isEqualTo(409);
    assertThat(f.console.accounts().find("admin").orElseThrow().role())
        .isEqualTo(ConsoleRole.PLATFORM_ADMIN);
    assertThat(admin.get("/accounts").statusCode()).isEqualTo(200);

    // an agency scope changed: the officer becomes Tây Ninh's administrator, signed out
    ConsoleClient officer = f.signedIn(ConsoleRole.SECURITY_OFFICER);
    assertThat(
            admin
                .postWithToken(
                    "/accounts/officer/role",
                    Map.of("role", "agency-admin", "agency", ConsoleFixture.TN.encoded()))
                .statusCode())
        .isEqualTo(303);
    Account changed = f.console.accounts().find("officer").orElseThrow();
    assertThat(changed.role()).isEqualTo(ConsoleRole.AGENCY_ADMIN);
    assertThat(changed.agency()).hasValue(ConsoleFixture.TN);
    assertThat(officer.get("/").statusCode()).isEqualTo(401);
    assertThat(lastAudit("console.account.role").detail())
        .contains("before: account officer security-officer")
        .contains("after: account officer agency-admin of " + ConsoleFixture.TN.encoded());

    // with a second platform administrator, the first may step down
    f.console
        .accounts()
        .create("admin2", ConsoleFixture.PASSWORD, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
    assertThat(admin.postWithToken("/accounts/admin/role", Map.of("role", "auditor")).statusCode())
        .isEqualTo(303);
    assertThat(f.console.accounts().find("admin").orElseThrow().role())
        .isEqualTo(ConsoleRole.AUDITOR);
    assertThat(admin.get("/accounts").statusCode()).isEqualTo(401); // its session ended
  }

  @Test
  void onlyAPlatformAdministratorSeesOrChangesAccounts() throws Exception {
    for (ConsoleRole role :
        List.of(ConsoleRole.AGENCY_ADMIN, ConsoleRole.SECURITY_OFFICER, ConsoleRole.AUDITOR)) {
      ConsoleClient c = f.signedIn(role);
      assertThat(c.get("/accounts").statusCode()).as(role.id()).isEqualTo(403);
      assertThat(c.get("/").body()).as(role.id()).doesNotContain("href=\"/accounts\"");
      assertThat(c.postWithToken("/accounts/admin/role", Map.of("role", "auditor")).statusCode())
          .isEqualTo(403);
      assertThat(
              c.postWithToken("/accounts", Map.of("username", "mine", "role", "platform-admin"))
                  .statusCode())
          .isEqualTo(403);
      assertThat(c.postWithToken("/accounts/admin/password", Map.of()).statusCode()).isEqualTo(403);
    }
    assertThat(f.console.accounts().find("admin").orElseThrow().role())
        .isEqualTo(ConsoleRole.PLATFORM_ADMIN);
    assertThat(f.console.accounts().find("mine")).isEmpty();
    assertThat(f.signedIn(ConsoleRole.PLATFORM_ADMIN).get("/").body())
        .contains("href=\"/accounts\"");
  }

  @Test
  void pagesAreInEnglishAfterTheSwitch() throws Exception {
    submitTnSigning();
    ConsoleClient admin = f.signedIn(ConsoleRole.PLATFORM_ADMIN);
    admin.get("/lang?to=en&back=/");
    assertThat(admin.get("/enrolments").body()).contains("Enrolment requests").contains("Pending");
    assertThat(admin.get("/certificates").body())
        .contains("Node TLS certificate")
        .contains("Days left");
    assertThat(admin.get("/accounts").body())
        .contains("Reset second factor")
        .contains("Platform administrator");
    assertThat(admin.get("/anchors").body()).contains("Import a trust anchor");
  }
}
