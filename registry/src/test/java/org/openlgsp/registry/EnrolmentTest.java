package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openlgsp.registry.RegistryServerTest.assertProblem;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.CertificateValidator;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.Publication;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** Node and member enrolment through the admin API: submit a CSR, approve, find it published. */
class EnrolmentTest {
  static final String TOKEN = RegistryServerTest.TOKEN;
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> admin(RegistryServer server, String method, String path, Object body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.writeString(body)))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String csr(KeyPair key, String cn) {
    return CertificateRequest.create(key.getPrivate(), key.getPublic(), cn, "Agency", List.of())
        .pem();
  }

  static Map<?, ?> json(HttpResponse<String> r) throws Exception {
    return Json.mapper().readValue(r.body(), Map.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void approvedRequestIsIssuedAndLandsInTheDirectory(String kind) throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry registry = RegistryTest.registry(db);
      RegistryTest.populate(registry);
      CertificateAuthority ca =
          CertificateAuthority.of(
              root.issueCredentials(
                  CertificateProfile.INTERMEDIATE_CA,
                  "Issuing",
                  "OpenLGSP",
                  List.of(),
                  Duration.ofDays(30)),
              db,
              Publication.none(),
              Clock.systemUTC());
      Enrolments enrolments =
          new Enrolments(db, registry, ca, Duration.ofDays(10), Clock.systemUTC());
      try (RegistryServer server =
          RegistryServer.start(
              registry, RegistryServer.hashToken(TOKEN), "127.0.0.1", 0, Optional.of(enrolments))) {
        String node = RegistryTest.TN_NODE.toString();
        HttpResponse<String> submitted =
            admin(
                server,
                "POST",
                "/api/v1/enrolments",
                Map.of("kind", "node-tls", "target", node, "csr", csr(KeyPairs.ecP256(), node)));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String id = (String) json(submitted).get("id");
        assertThat(admin(server, "GET", "/api/v1/enrolments", null).body())
            .contains(id)
            .contains("pending");
        long serialBefore = registry.serial();

        HttpResponse<String> approved =
            admin(server, "POST", "/api/v1/enrolments/" + id + "/approve", null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        List<X509Certificate> chain = Pem.certificates((String) json(approved).get("certificate"));
        new CertificateValidator(List.of(root.certificate()), Clock.systemUTC())
            .validate(chain, CertificateProfile.NODE_TLS);
        assertThat(registry.serial()).isGreaterThan(serialBefore);
        assertThat(registry.directory().node(RegistryTest.TN_NODE).orElseThrow().tlsCertificates())
            .contains(Certificates.base64(chain.getFirst()));
        assertThat(admin(server, "GET", "/api/v1/enrolments", null).body()).contains("approved");
        assertProblem(
            admin(server, "POST", "/api/v1/enrolments/" + id + "/approve", null),
            ErrorCode.RESOURCE_CONFLICT);
        assertThat(registry.auditLog(20))
            .anyMatch(a -> a.action().equals("enrolment.approve") && a.outcome().equals("ok"));

        // A member signing request, rejected: nothing is issued, and it cannot be approved after.
        String member = RegistryTest.TN.toString();
        String rid =
            (String)
                json(admin(
                        server,
                        "POST",
                        "/api/v1/enrolments",
                        Map.of(
                            "kind",
                            "member-signing",
                            "target",
                            member,
                            "csr",
                            csr(KeyPairs.ed25519(), member))))
                    .get("id");
        assertThat(
                admin(
                        server,
                        "POST",
                        "/api/v1/enrolments/" + rid + "/reject",
                        Map.of("reason", "not requested by the agency"))
                    .statusCode())
            .isEqualTo(200);
        assertProblem(
            admin(server, "POST", "/api/v1/enrolments/" + rid + "/approve", null),
            ErrorCode.RESOURCE_CONFLICT);
        assertThat(registry.directory().member(RegistryTest.TN).orElseThrow().signingCertificates())
            .isEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite"})
  void badRequestsAreRefusedWithTheirOwnCodes(String kind) throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry registry = RegistryTest.registry(db);
      RegistryTest.populate(registry);
      Enrolments enrolments =
          new Enrolments(db, registry, root, Duration.ofDays(10), Clock.systemUTC());
      try (RegistryServer server =
          RegistryServer.start(
              registry, RegistryServer.hashToken(TOKEN), "127.0.0.1", 0, Optional.of(enrolments))) {
        String node = RegistryTest.TN_NODE.toString();
        HttpResponse<String> wrongCn =
            admin(
                server,
                "POST",
                "/api/v1/enrolments",
                Map.of(
                    "kind",
                    "node-tls",
                    "target",
                    node,
                    "csr",
                    csr(KeyPairs.ecP256(), "someone else")));
        assertProblem(wrongCn, ErrorCode.CSR_MALFORMED);
        assertThat(wrongCn.body()).contains("--cn " + node);
        assertProblem(
            admin(
                server,
                "POST",
                "/api/v1/enrolments",
                Map.of("kind", "node-tls", "target", node, "csr", csr(KeyPairs.ed25519(), node))),
            ErrorCode.CSR_KEY_UNSUPPORTED);
        assertProblem(
            admin(
                server,
                "POST",
                "/api/v1/enrolments",
                Map.of(
                    "kind",
                    "node-tls",
                    "target",
                    node,
                    "csr",
                    "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")),
            ErrorCode.CSR_MALFORMED);
        String ghost = "VN/GOV/000.00.00.G99/gw9";
        assertProblem(
            admin(
                server,
                "POST",
                "/api/v1/enrolments",
                Map.of("kind", "node-tls", "target", ghost, "csr", csr(KeyPairs.ecP256(), ghost))),
            ErrorCode.RESOURCE_NOT_FOUND);
        assertProblem(
            admin(server, "POST", "/api/v1/enrolments/nope/approve", null),
            ErrorCode.RESOURCE_NOT_FOUND);
      }
      try (RegistryServer plain =
          RegistryServer.start(registry, RegistryServer.hashToken(TOKEN), "127.0.0.1", 0)) {
        HttpResponse<String> r = admin(plain, "GET", "/api/v1/enrolments", null);
        assertProblem(r, ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(r.body()).contains("built-in CA");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite"})
  void theAdministratorSeesTheRequestedNamesAndApprovesOnlyThose(String kind) throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry registry = RegistryTest.registry(db);
      RegistryTest.populate(registry);
      Enrolments enrolments =
          new Enrolments(db, registry, root, Duration.ofDays(10), Clock.systemUTC());
      try (RegistryServer server =
          RegistryServer.start(
              registry, RegistryServer.hashToken(TOKEN), "127.0.0.1", 0, Optional.of(enrolments))) {
        String node = RegistryTest.TN_NODE.toString();
        KeyPair key = KeyPairs.ecP256();
        String csr =
            CertificateRequest.create(
                    key.getPrivate(),
                    key.getPublic(),
                    node,
                    "Agency",
                    List.of("gw1.tayninh.gov.vn", "10.0.0.7"))
                .pem();
        String id =
            (String)
                json(admin(
                        server,
                        "POST",
                        "/api/v1/enrolments",
                        Map.of("kind", "node-tls", "target", node, "csr", csr)))
                    .get("id");
        var listed =
            Json.mapper()
                .readValue(
                    admin(server, "GET", "/api/v1/enrolments", null).body(),
                    AdminResponses.EnrolmentView[].class);
        assertThat(listed).hasSize(1);
        assertThat(listed[0].names()).containsExactly("gw1.tayninh.gov.vn", "10.0.0.7");

        // Approving other names than those asked for issues nothing.
        long serialBefore = registry.serial();
        HttpResponse<String> wrong =
            admin(
                server,
                "POST",
                "/api/v1/enrolments/" + id + "/approve",
                Map.of("names", List.of("gw1.tayninh.gov.vn")));
        assertProblem(wrong, ErrorCode.RESOURCE_CONFLICT);
        assertThat(wrong.body()).contains("asks for the names [gw1.tayninh.gov.vn, 10.0.0.7]");
        assertThat(root.list(10)).isEmpty();
        assertThat(registry.serial()).isEqualTo(serialBefore);

        HttpResponse<String> approved =
            admin(
                server,
                "POST",
                "/api/v1/enrolments/" + id + "/approve",
                Map.of("names", List.of("10.0.0.7", "GW1.tayninh.gov.vn")));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        X509Certificate leaf =
            Pem.certificates((String) json(approved).get("certificate")).getFirst();
        assertThat(leaf.getSubjectAlternativeNames())
            .extracting(l -> (Object) l.get(1))
            .containsExactly("gw1.tayninh.gov.vn", "10.0.0.7");

        // A member-signing request with names is refused at submission.
        String member = RegistryTest.TN.toString();
        KeyPair signing = KeyPairs.ed25519();
        assertProblem(
            admin(
                server,
                "POST",
                "/api/v1/enrolments",
                Map.of(
                    "kind",
                    "member-signing",
                    "target",
                    member,
                    "csr",
                    CertificateRequest.create(
                            signing.getPrivate(),
                            signing.getPublic(),
                            member,
                            "Agency",
                            List.of("tayninh.gov.vn"))
                        .pem())),
            ErrorCode.CSR_MALFORMED);
      }
    }
  }
}
