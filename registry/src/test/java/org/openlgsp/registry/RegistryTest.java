package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class RegistryTest {
  static final CertificateAuthority CA =
      CertificateAuthority.createRoot("Test CA", Duration.ofDays(30));
  static final Credentials SIGNER =
      CA.issueCredentials(
          CertificateProfile.DIRECTORY_SIGNING, "registry", "test", List.of(), Duration.ofDays(30));
  static final ClientId MPS = ClientId.parse("VN/GOV/000.00.00.G01");
  static final ClientId TN = ClientId.parse("VN/GOV/000.00.00.H53");
  static final NodeId MPS_NODE = NodeId.parse("VN/GOV/000.00.00.G01/gw1");
  static final NodeId TN_NODE = NodeId.parse("VN/GOV/000.00.00.H53/gw1");
  static final ClientId POPULATION = ClientId.parse("VN/GOV/000.00.00.G01/CSDLQGDC");
  static final ClientId PORTAL = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  static final ServiceId CITIZENS = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");

  @TempDir Path dir;

  static Registry registry(Database db) {
    return new Registry(db, RegistryOptions.defaults("VN"), SIGNER.signer(), Clock.systemUTC());
  }

  static void populate(Registry r) {
    r.addMember(MPS, "Bộ Công an");
    r.addMember(TN, "UBND tỉnh Tây Ninh");
    r.addSigningCertificate(MPS, tls("mps-sign", CertificateProfile.MEMBER_SIGNING));
    r.addNode(
        MPS_NODE, "https://127.0.0.1:5501", List.of(tls("mps-gw", CertificateProfile.NODE_TLS)));
    r.addNode(
        TN_NODE, "https://127.0.0.1:5500", List.of(tls("tn-gw", CertificateProfile.NODE_TLS)));
    r.addSystem(POPULATION, "CSDL quốc gia về dân cư", MPS_NODE);
    r.addSystem(PORTAL, "Cổng dịch vụ công", TN_NODE);
    r.addService(
        CITIZENS, "http://127.0.0.1:9090/api", "path:2", Optional.of("{\"openapi\":\"3.1.0\"}"));
  }

  static java.security.cert.X509Certificate tls(String cn, CertificateProfile profile) {
    return CA.issueCredentials(profile, cn, "test", List.of("localhost"), Duration.ofDays(30))
        .certificate();
  }

  @org.junit.jupiter.api.Test
  void subjectLocatorsAreOneToFourKnownKindsTriedInOrder() {
    try (Database db = TestDatabases.open("sqlite", dir)) {
      Registry r = registry(db);
      r.addMember(MPS, "Bộ Công an");
      r.addNode(
          MPS_NODE, "https://127.0.0.1:5501", List.of(tls("mps-gw", CertificateProfile.NODE_TLS)));
      r.addSystem(POPULATION, "CSDL quốc gia về dân cư", MPS_NODE);
      List<String> good = List.of("", "path:2", "json:/SoDinhDanh,path:2", "query:id,path:1");
      for (int i = 0; i < good.size(); i++) {
        ServiceId id = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/service" + i);
        r.addService(id, "http://127.0.0.1:9090/api", good.get(i), Optional.empty());
      }
      for (String bad :
          List.of("path:0", "path:2,", "json:/a,json:/b,path:1,path:2,query:x", "file:/etc")) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> r.addService(CITIZENS, "http://127.0.0.1:9090/api", bad, Optional.empty()))
            .as(bad)
            .hasMessageContaining("subject locator");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void publishedDirectoryVerifiesAndHoldsWhatWasRegistered(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = registry(db);
      populate(r);
      String grantId = r.grant(PORTAL, CITIZENS, List.of("GET"), List.of("/citizens/*"));

      Directory d =
          r.publish()
              .verify(List.of(SIGNER.certificate()), java.time.Instant.now(), Directory.SIGNED);

      assertThat(d.instance()).isEqualTo("VN");
      assertThat(d.members()).extracting(Directory.Member::id).containsExactly(MPS, TN);
      assertThat(d.member(MPS).orElseThrow().signingCertificates()).hasSize(1);
      assertThat(d.nodes()).hasSize(2).allSatisfy(n -> assertThat(n.tlsCertificates()).hasSize(1));
      assertThat(d.system(PORTAL).orElseThrow().node()).isEqualTo(TN_NODE);
      assertThat(d.service(CITIZENS).orElseThrow().subjectLocator()).hasToString("path:2");
      assertThat(d.grants())
          .singleElement()
          .satisfies(
              g -> {
                assertThat(g.methods()).containsExactly("GET");
                assertThat(g.pathPatterns()).map(Object::toString).containsExactly("/citizens/*");
              });
      assertThat(r.grants()).extracting(Registry.GrantEntry::id).containsExactly(grantId);
      assertThat(r.openApi(CITIZENS)).contains("{\"openapi\":\"3.1.0\"}");
      // published signed, so gateways answer getOpenAPI and listMethods without the registry
      assertThat(d.service(CITIZENS).orElseThrow().openApiDocument())
          .contains("{\"openapi\":\"3.1.0\"}");
    }
  }

  @Test
  void aServiceDocumentThatIsNotOpenApi3IsRefused() {
    try (Database db = TestDatabases.open("sqlite", dir)) {
      Registry r = registry(db);
      populate(r);
      for (String doc : List.of("swagger: '2.0'\npaths: {}", "- a\n- list", "{not json", "")) {
        ServiceId other = new ServiceId(POPULATION, "other");
        assertThatThrownBy(
                () -> r.addService(other, "http://127.0.0.1:9090/x", "path:2", Optional.of(doc)))
            .as(doc)
            .isInstanceOfSatisfying(
                LgspException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyChangeRaisesTheSerialAndRevokingRemovesTheGrant(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = registry(db);
      populate(r);
      long before = r.serial();
      SignedDocument first = r.publish();
      String id = r.grant(PORTAL, CITIZENS, List.of(), List.of());
      assertThat(r.serial()).isEqualTo(before + 1);
      r.revokeGrant(id);
      assertThat(r.serial()).isEqualTo(before + 2);
      SignedDocument second = r.publish();
      assertThat(second).isNotEqualTo(first);
      assertThat(
              second
                  .verify(List.of(SIGNER.certificate()), java.time.Instant.now(), Directory.SIGNED)
                  .grants())
          .isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void duplicatesConflictAndDanglingReferencesAreNotFound(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = registry(db);
      populate(r);
      long serial = r.serial();
      assertCode(() -> r.addMember(MPS, "again"), ErrorCode.RESOURCE_CONFLICT);
      assertCode(
          () -> r.addSystem(ClientId.parse("VN/GOV/000.00.00.G22/X"), "x", MPS_NODE),
          ErrorCode.RESOURCE_NOT_FOUND);
      assertCode(
          () ->
              r.grant(
                  PORTAL,
                  ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/none"),
                  List.of(),
                  List.of()),
          ErrorCode.RESOURCE_NOT_FOUND);
      assertCode(
          () -> r.revokeGrant("00000000-0000-0000-0000-000000000000"),
          ErrorCode.RESOURCE_NOT_FOUND);
      assertThat(r.serial()).as("refused changes leave the serial alone").isEqualTo(serial);
    }
  }

  @Test
  void invalidInputIsRefusedWithReasons() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db);
      populate(r);
      assertCode(
          () -> r.addMember(ClientId.parse("EE/GOV/000.00.00.G02"), "x"),
          ErrorCode.IDENTIFIER_INVALID);
      assertCode(() -> r.addMember(PORTAL, "x"), ErrorCode.IDENTIFIER_INVALID);
      assertCode(
          () -> r.addNode(NodeId.parse("VN/GOV/000.00.00.G01/gw2"), "http://x:1", List.of()),
          ErrorCode.REQUEST_MALFORMED);
      assertCode(
          () ->
              r.addService(
                  ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/s2"),
                  "ftp://x",
                  "",
                  Optional.empty()),
          ErrorCode.REQUEST_MALFORMED);
      assertCode(
          () ->
              r.addService(
                  ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/s2"),
                  "http://x/a",
                  "cookie:x",
                  Optional.empty()),
          ErrorCode.REQUEST_MALFORMED);
      assertCode(
          () -> r.grant(PORTAL, CITIZENS, List.of("FETCH"), List.of()),
          ErrorCode.REQUEST_MALFORMED);
      assertCode(
          () -> r.grant(PORTAL, CITIZENS, List.of(), List.of("citizens")),
          ErrorCode.REQUEST_MALFORMED);
      assertCode(
          () -> r.grant(PORTAL, CITIZENS, List.of(), List.of("/**/x")),
          ErrorCode.REQUEST_MALFORMED);
    }
  }

  @Test
  void memberSigningCertificatesRotate() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db);
      populate(r);
      var fresh = tls("mps-sign-2027", CertificateProfile.MEMBER_SIGNING);
      r.addSigningCertificate(MPS, fresh);
      String old =
          r.members().stream()
              .filter(m -> m.id().equals(MPS))
              .findFirst()
              .orElseThrow()
              .signingCertificates()
              .stream()
              .map(org.openlgsp.core.Certificates::fromBase64)
              .map(org.openlgsp.core.Certificates::fingerprint)
              .filter(fp -> !fp.equals(org.openlgsp.core.Certificates.fingerprint(fresh)))
              .findFirst()
              .orElseThrow();
      long before = r.serial();
      r.removeSigningCertificate(MPS, old);
      assertThat(r.serial()).isGreaterThan(before);
      assertThat(
              r.directory().member(MPS).orElseThrow().signingCertificates().stream()
                  .map(org.openlgsp.core.Certificates::fromBase64)
                  .toList())
          .containsExactly(fresh);
      assertCode(() -> r.removeSigningCertificate(MPS, old), ErrorCode.RESOURCE_NOT_FOUND);
    }
  }

  @Test
  void nodeCertificatesRotate() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db);
      populate(r);
      var fresh = tls("mps-gw-2027", CertificateProfile.NODE_TLS);
      r.addNodeTlsCertificate(MPS_NODE, fresh);
      assertThat(
              r.nodes().stream()
                  .filter(n -> n.id().equals(MPS_NODE))
                  .findFirst()
                  .orElseThrow()
                  .tlsCertificates())
          .hasSize(2);
      String old =
          org.openlgsp.core.Certificates.fingerprint(
              org.openlgsp.core.Certificates.fromBase64(
                  r.nodes().stream()
                      .filter(n -> n.id().equals(MPS_NODE))
                      .findFirst()
                      .orElseThrow()
                      .tlsCertificates()
                      .get(0)));
      r.removeNodeTlsCertificate(MPS_NODE, old);
      assertThat(
              r.nodes().stream()
                  .filter(n -> n.id().equals(MPS_NODE))
                  .findFirst()
                  .orElseThrow()
                  .tlsCertificates())
          .hasSize(1);
      assertCode(() -> r.removeNodeTlsCertificate(MPS_NODE, old), ErrorCode.RESOURCE_NOT_FOUND);
    }
  }

  @Test
  void optionsAreValidated() {
    assertThat(RegistryOptions.defaults("VN").directoryValidity()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> new RegistryOptions("V N", Duration.ofHours(1)))
        .hasMessageContaining("instance");
    assertThatThrownBy(() -> new RegistryOptions("VN", Duration.ofSeconds(5)))
        .hasMessageContaining("directoryValidity");
  }

  static void assertCode(Runnable r, ErrorCode code) {
    assertThatThrownBy(r::run)
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theAuditLogIsSearchedInAnyFieldAnyCaseAndPaged(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = registry(db);
      for (int i = 0; i < 5; i++) {
        r.audit("admin", "grant.create", "/grants/" + i, "ok", "from 127.0.0.1");
      }
      r.audit("Auditor", "audit.export", "/audit.csv", "ok", "50%_done");

      assertThat(r.auditCount("")).isEqualTo(6);
      assertThat(r.auditCount("GRANT.create")).isEqualTo(5);
      assertThat(r.auditCount("auditor")).isEqualTo(1);
      assertThat(r.auditCount("%_")).isEqualTo(1); // LIKE's wildcards are searched as text
      assertThat(r.auditLog("grant", 2, 2))
          .extracting(Registry.AuditEntry::target)
          .containsExactly("/grants/2", "/grants/1");
    }
  }
}
