package org.openlgsp.node;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openlgsp.core.Digests;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;

/**
 * An "LGSP as a Service" installation for tests: a registry {@code VN-HOST} with tenants {@code a}
 * ({@code VN-TA}) and {@code b} ({@code VN-TB}), each with its own SQLite file, directory-signing
 * key and admin token {@code token-<id>}, written as an operator writes node.yaml.
 */
final class TenantFixture {
  static final String HOST_TOKEN = "token-host";
  final Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();

  TenantFixture(Path dir) throws Exception {
    this.dir = dir;
    GatewayNodeSettingsTest.write(dir, "host-signing", signer("registry VN-HOST"));
    Files.createDirectories(dir.resolve("tenants"));
    GatewayNodeSettingsTest.write(dir, "tenants/a-signing", signer("registry VN-TA"));
    GatewayNodeSettingsTest.write(dir, "tenants/b-signing", signer("registry VN-TB"));
  }

  Credentials signer(String cn) {
    return ca.issueCredentials(
        CertificateProfile.DIRECTORY_SIGNING, cn, "Test", List.of(), Duration.ofHours(1));
  }

  static String sha(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** A tenant entry; {@code more} adds keys (indented by 4). */
  static String tenant(String id, String instance, String more) {
    return "  - id: "
        + id
        + "\n    instance: "
        + instance
        + "\n    database: jdbc:sqlite:data/tenant-"
        + id
        + ".db\n"
        + "    signing: {certificate: tenants/"
        + id
        + "-signing.pem, key: tenants/"
        + id
        + "-signing.key}\n"
        + "    adminTokens: [{name: "
        + id
        + "-admin, tokenSha256: "
        + sha("token-" + id)
        + "}]\n"
        + more;
  }

  /** node.yaml with the host registry and {@code tenants} (the text under {@code tenants:}). */
  Path config(String tenants) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file,
        "instance: VN-HOST\n"
            + "authentication: {failuresPerSource: 0}\n"
            + "registry:\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/host.db\n"
            + "  adminTokenSha256: "
            + sha(HOST_TOKEN)
            + "\n"
            + "  signing: {certificate: host-signing.pem, key: host-signing.key}\n"
            + (tenants.isEmpty() ? "" : "tenants:\n" + tenants));
    return file;
  }

  Path twoTenants() throws Exception {
    return config(tenant("a", "VN-TA", "") + tenant("b", "VN-TB", ""));
  }

  /** Starts the node of {@code file} as {@code lgsp serve} does; returns its registry node. */
  static Started start(Path file) {
    List<AutoCloseable> running =
        NodeRoles.start(
            NodeConfig.read(file),
            file.toAbsolutePath().getParent(),
            new PrintStream(OutputStream.nullOutputStream()));
    return new Started(running);
  }

  /** A started node. */
  record Started(List<AutoCloseable> running) implements AutoCloseable {
    RegistryNode registry() {
      return (RegistryNode) running.getFirst();
    }

    String url() {
      return "http://127.0.0.1:" + registry().port();
    }

    @Override
    public void close() {
      NodeRoles.closeAll(running);
    }
  }

  HttpResponse<String> send(
      String method, String url, String token, String body, String contentType) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
