package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.procedures.BirthCertificate;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * {@code procedures.directory} (registryUrl, trust): the signed directory the engine checks a
 * hospital's signed birth certificate against. A fake registry serves a directory signed by a
 * directory-signing certificate and listing the hospital with its signing certificate.
 */
@RequiresPeer(Peer.POSTGRES)
class ProceduresDirectorySettingsTest extends ProceduresNodeFixture {
  static final String HOSPITAL = "VN/GOV/000.27.33.H53";

  /** The dossier the certificate is for, with the signed certificate attached. */
  static String dossierWith(SignedDocument certificate) {
    return "{\"treEm\":{\"hoTen\":\"Nguyễn Minh An\",\"ngaySinh\":\"20261201\",\"gioiTinh\":\"1\"},"
        + "\"me\":{\"hoTen\":\"Trần Thị Lan\",\"soDinhDanh\":\"072190000123\"},"
        + "\"giayChungSinh\":"
        + new String(Json.write(certificate), StandardCharsets.UTF_8)
        + "}";
  }

  static BirthCertificate certificate() {
    return new BirthCertificate(
        "BVDKTN-2026-004512",
        HOSPITAL,
        "Nguyễn Minh An",
        "20261201",
        "1",
        "Bệnh viện Đa khoa tỉnh Tây Ninh",
        "Trần Thị Lan",
        "072190000123",
        "20261201");
  }

  /**
   * Without the key a dossier carrying a signed birth certificate is refused (422, "no directory");
   * with registryUrl and trust written the node's engine fetches the written registry's directory,
   * verifies it against the written trust file and accepts the hospital's certificate (201); a
   * trust file naming another certificate makes the same dossier's directory fail its check.
   */
  @Test
  void withTheDirectoryWrittenASignedBirthCertificateIsCheckedAndAccepted() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    Credentials registry =
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "registry",
            "Test",
            List.of(),
            Duration.ofHours(1));
    Credentials other =
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING, "other", "Test", List.of(), Duration.ofHours(1));
    Credentials hospital =
        ca.issueCredentials(
            CertificateProfile.MEMBER_SIGNING, HOSPITAL, "Test", List.of(), Duration.ofHours(1));
    Instant now = Instant.now();
    Directory directory =
        new Directory(
            "VN",
            1,
            now.minusSeconds(60),
            now.plusSeconds(3600),
            List.of(
                new Directory.Member(
                    ClientId.parse(HOSPITAL),
                    "Bệnh viện Đa khoa tỉnh Tây Ninh",
                    List.of(
                        Base64.getEncoder().encodeToString(hospital.certificate().getEncoded())),
                    List.of())),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of());
    byte[] signed = Json.write(SignedDocument.sign(directory, registry.signer()));
    AtomicInteger asked = new AtomicInteger();
    HttpServer fakeRegistry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fakeRegistry.createContext(
        "/directory",
        x -> {
          asked.incrementAndGet();
          x.sendResponseHeaders(200, signed.length);
          x.getResponseBody().write(signed);
          x.close();
        });
    fakeRegistry.start();
    Files.writeString(dir.resolve("registry.pem"), Pem.write(registry.certificate()));
    Files.writeString(dir.resolve("other.pem"), Pem.write(other.certificate()));
    String dossier = dossierWith(certificate().sign(hospital.signer()));
    String filing =
        "{\"thuTuc\":\"lienThongKhaiSinh\",\"mucDich\":\"Liên thông khai sinh\","
            + "\"canBo\":\"VN072090000001\",\"hoSo\":"
            + dossier
            + "}";
    String directoryKey =
        "  directory: {registryUrl: \"http://127.0.0.1:"
            + fakeRegistry.getAddress().getPort()
            + "\", trust: [%s]}\n";
    try {
      // no key: refused, the registry never asked
      List<AutoCloseable> running = start(config(""));
      try {
        HttpResponse<String> r =
            call(apiPort(running), "POST", "/procedures/v1/cases", OPERATOR, filing);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("no directory");
        assertThat(asked.get()).isZero();
      } finally {
        NodeRoles.closeAll(running);
      }
      // the key: checked against the written registry and trust, accepted
      running = start(config(directoryKey.formatted("registry.pem")));
      try {
        HttpResponse<String> r =
            call(apiPort(running), "POST", "/procedures/v1/cases", OPERATOR, filing);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(asked.get()).isEqualTo(1);
      } finally {
        NodeRoles.closeAll(running);
      }
      // trust naming another certificate: the directory's signature is not trusted
      running = start(config(directoryKey.formatted("other.pem")));
      try {
        HttpResponse<String> r =
            call(apiPort(running), "POST", "/procedures/v1/cases", OPERATOR, filing);
        assertThat(r.statusCode()).isNotEqualTo(201);
        assertThat(r.body()).doesNotContain("no directory");
        assertThat(asked.get()).isEqualTo(2);
      } finally {
        NodeRoles.closeAll(running);
      }
    } finally {
      fakeRegistry.stop(0);
    }
  }

  /** directory.trust is required and must be a readable file; registryUrl must be http(s). */
  @Test
  void aDirectoryWithoutTrustOrWithAnUnreadableTrustFileIsRefused() throws Exception {
    assertThatThrownBy(() -> NodeConfig.read(config("  directory: {registryUrl: \"http://r\"}\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("directory.trust needs the registry's certificate");
    Path f = config("  directory: {registryUrl: \"http://r\", trust: [missing.pem]}\n");
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(f))
        .hasMessageContaining("missing.pem");
  }
}
