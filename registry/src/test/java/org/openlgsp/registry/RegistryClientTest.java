package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The typed admin client against a real registry listener: what it reads is what was written. */
class RegistryClientTest {
  @TempDir Path dir;
  Database db;
  Registry registry;
  RegistryServer server;
  RegistryClient client;
  CertificateAuthority ca;
  final HttpClient raw = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    registry = RegistryTest.registry(db);
    ca = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
    Enrolments enrolments =
        new Enrolments(db, registry, ca, Duration.ofDays(10), Clock.systemUTC());
    server =
        RegistryServer.start(
            registry,
            RegistryServer.hashToken(RegistryServerTest.TOKEN),
            "127.0.0.1",
            0,
            Optional.of(enrolments));
    client = new RegistryClient(url() + "/", RegistryServerTest.TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
    db.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** The body the registry answers {@code GET path}, as it is on the wire. */
  String wire(String path) throws Exception {
    return raw.send(
            HttpRequest.newBuilder(URI.create(url() + path))
                .header("Authorization", "Bearer " + RegistryServerTest.TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void everyListingReadsBackToTheSameJson() throws Exception {
    String mpsTls = Pem.write(RegistryTest.tls("mps-gw", CertificateProfile.NODE_TLS));
    assertThat(
            client.addTrustAnchors(
                new AdminRequests.TrustAnchor(
                    Pem.write(RegistryTest.CA.certificate(), ca.certificate()))))
        .isEqualTo(new AdminResponses.TrustAnchorsAdded(2));
    assertThat(
            client.addMember(new AdminRequests.Member(RegistryTest.MPS.toString(), "Bộ Công an")))
        .isEqualTo(new AdminResponses.Created(RegistryTest.MPS.toString()));
    client.addMember(new AdminRequests.Member(RegistryTest.TN.toString(), "UBND tỉnh Tây Ninh"));
    AdminResponses.CertificateAdded signing =
        client.addSigningCertificate(
            new AdminRequests.MemberCertificate(
                RegistryTest.MPS.toString(),
                Pem.write(RegistryTest.tls("mps-sign", CertificateProfile.MEMBER_SIGNING))));
    client.addNode(
        new AdminRequests.Node(
            RegistryTest.MPS_NODE.toString(), "https://127.0.0.1:5501", List.of(mpsTls)));
    client.addNode(
        new AdminRequests.Node(RegistryTest.TN_NODE.toString(), "https://127.0.0.1:5500"));
    client.addSystem(
        new AdminRequests.SystemEntry(
            RegistryTest.POPULATION.toString(), "CSDL", RegistryTest.MPS_NODE.toString()));
    client.addSystem(
        new AdminRequests.SystemEntry(
            RegistryTest.PORTAL.toString(), "Cổng", RegistryTest.TN_NODE.toString()));
    client.addService(
        new AdminRequests.Service(
            RegistryTest.CITIZENS.toString(),
            "http://127.0.0.1:9090/api",
            "path:2",
            "{\"openapi\":\"3.0.0\"}"));
    String grant =
        client
            .grant(
                new AdminRequests.Grant(
                    RegistryTest.PORTAL.toString(),
                    RegistryTest.CITIZENS.toString(),
                    List.of("GET"),
                    List.of("/citizens/*")))
            .id();
    String pending =
        client
            .submitEnrolment(
                new AdminRequests.Enrolment(
                    "node-tls",
                    RegistryTest.TN_NODE.toString(),
                    EnrolmentTest.csr(KeyPairs.ecP256(), RegistryTest.TN_NODE.toString())))
            .id();
    AdminResponses.EnrolmentApproved approved = client.approveEnrolment(pending);
    assertThat(Pem.certificates(approved.certificate())).isNotEmpty();
    String rejected =
        client
            .submitEnrolment(
                new AdminRequests.Enrolment(
                    "member-signing",
                    RegistryTest.TN.toString(),
                    EnrolmentTest.csr(KeyPairs.ed25519(), RegistryTest.TN.toString())))
            .id();
    assertThat(client.rejectEnrolment(rejected, new AdminRequests.Rejection("not asked for")))
        .isEqualTo(new AdminResponses.EnrolmentState(rejected, "rejected"));
    client.submitEnrolment(
        new AdminRequests.Enrolment(
            "member-signing",
            RegistryTest.MPS.toString(),
            EnrolmentTest.csr(KeyPairs.ed25519(), RegistryTest.MPS.toString())));

    assertThat(Json.writeString(client.members())).isEqualTo(wire("/api/v1/members"));
    assertThat(client.members().getFirst().signingCertificates()).hasSize(1);
    assertThat(signing.fingerprint()).hasSize(64);
    assertThat(Json.writeString(client.nodes())).isEqualTo(wire("/api/v1/nodes"));
    assertThat(Json.writeString(client.systems())).isEqualTo(wire("/api/v1/systems"));
    assertThat(Json.writeString(client.services())).isEqualTo(wire("/api/v1/services"));
    assertThat(Json.writeString(client.grants())).isEqualTo(wire("/api/v1/grants"));
    assertThat(Json.writeString(client.trustAnchors())).isEqualTo(wire("/api/v1/trust-anchors"));
    List<AdminResponses.EnrolmentView> enrolments = client.enrolments();
    assertThat(Json.writeString(enrolments)).isEqualTo(wire("/api/v1/enrolments"));
    assertThat(wire("/api/v1/enrolments")).contains("\"decidedAt\"").doesNotContain("null");
    assertThat(enrolments)
        .extracting(AdminResponses.EnrolmentView::status)
        .containsExactly("approved", "rejected", "pending");
    assertThat(enrolments.getFirst().certificateSerial()).hasValue(approved.serial());
    assertThat(enrolments.getLast().decided()).isEmpty();
    // the listing is audited itself, after it was read
    assertThat(client.auditLog(5)).isEqualTo(registry.auditLog(6).subList(1, 6));

    client.revokeGrant(grant);
    assertThat(client.grants()).isEmpty();
    client.removeSigningCertificate(RegistryTest.MPS, signing.fingerprint());
    assertThat(client.members().getFirst().signingCertificates()).isEmpty();
    assertThat(client.directory().payload()).isNotEmpty();
  }

  @Test
  void aRefusalComesBackAsTheProblemsCodeAndDetail() {
    assertThatThrownBy(() -> client.addMember(new AdminRequests.Member("not-an-id", "x")))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IDENTIFIER_INVALID));
    RegistryClient intruder = new RegistryClient(url(), "wrong-token");
    assertThatThrownBy(intruder::members)
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ADMIN_UNAUTHENTICATED));
  }

  @Test
  void aRegistryThatDoesNotAnswerIsUnreachable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    RegistryClient nobody = new RegistryClient("http://127.0.0.1:" + closed, "t");
    assertThatThrownBy(nobody::members)
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PEER_UNREACHABLE));
  }
}
