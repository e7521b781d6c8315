package org.openlgsp.pki;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** A root, an issuing CA on SQLite, its OCSP responder, a TSA and the trust server for them. */
final class TrustFixture implements AutoCloseable {
  final CertificateAuthority root = CertificateAuthority.createRoot("Test Root CA", TestPki.YEAR);
  final Database db;
  final CertificateAuthority issuing;
  final OcspResponder responder;
  final TimeStampAuthority tsa;
  final TrustServer server;
  final String baseUrl;

  TrustFixture(Path dir) {
    int port = freePort();
    baseUrl = "http://127.0.0.1:" + port;
    db = TestDatabases.sqlite(dir);
    Credentials ca =
        root.issueCredentials(
            CertificateProfile.INTERMEDIATE_CA,
            "Test Issuing CA",
            "OpenLGSP",
            List.of(),
            TestPki.YEAR);
    issuing = CertificateAuthority.of(ca, db, Publication.at(baseUrl), Clock.systemUTC());
    responder = OcspResponder.create(issuing, Duration.ofMinutes(10));
    tsa = TimeStampAuthority.create(issuing, Clock.systemUTC());
    server =
        TrustServer.start(
            issuing, responder, Optional.of(tsa), TrustServer.Options.defaults("127.0.0.1", port));
  }

  Credentials issue(CertificateProfile profile, String cn) {
    return issuing.issueCredentials(profile, cn, "Test", List.of("localhost"), Duration.ofDays(30));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    server.close();
    db.close();
  }
}
