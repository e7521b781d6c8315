package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.gateway.MutableClock;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;

/**
 * A gateway restarted while the registry is down serves on the last valid directory it kept on disk
 * ({@code gateway.directoryCache}) until that directory's expiry plus {@code
 * gateway.directoryGrace}; a cache that does not verify is ignored and the gateway answers as it
 * would with no directory at all. Real registry, real gateways, real sockets.
 */
class GatewayDirectoryCacheTest {
  @TempDir Path dir;

  /** The registry of {@link Federation} signs directories valid for an hour. */
  static final Duration VALIDITY = Duration.ofHours(1);

  /**
   * The test moves the gateways' clocks by hours; OCSP answers from the real-time responder would
   * then be stale, which is another test's subject.
   */
  static final Federation.Options OPTIONS =
      Federation.Options.exchange(3).withRevocationChecking(false);

  final MutableClock clock = new MutableClock();
  final List<String> cacheLog = new CopyOnWriteArrayList<>();
  final Logger cacheLogger = Logger.getLogger("org.openlgsp.gateway.DirectoryCache");
  final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          cacheLog.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    cacheLogger.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    cacheLogger.removeHandler(handler);
  }

  @Test
  void aGatewayRestartedWhileTheRegistryIsDownServesOnItsCacheUntilExpiryPlusGrace()
      throws Exception {
    try (Federation fed = Federation.start(dir, OPTIONS)) {
      String citizen = fed.citizenIds().getFirst();
      Path cache = dir.resolve("data/tay-ninh-gateway-directory.cache");
      assertThat(Files.readAllBytes(cache)).isEqualTo(servedDirectory(fed));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
          .isEqualTo("rw-------");

      fed.registryNode().close();
      fed.consumerNode().close();
      fed.providerNode().close();
      try (GatewayNode consumer = restart(dir.resolve("tay-ninh-gateway.yaml"));
          GatewayNode provider = restart(dir.resolve("mps-gateway.yaml"))) {
        assertThat(cacheLog).allMatch(m -> m.contains("loaded from the cache")).hasSize(2);
        assertServes(fed, citizen);

        clock.advance(VALIDITY.plusMinutes(59)); // past expiry, within the hour of grace
        assertServes(fed, citizen);

        clock.advance(Duration.ofMinutes(2)); // past expiry plus grace
        Federation.Reply refused = lookUp(fed, citizen);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("directory.expired");
      }
    }
  }

  @Test
  void aTamperedForeignSignedOrExpiredCacheIsIgnoredAndTheGatewayServesNothing() throws Exception {
    try (Federation fed = Federation.start(dir, OPTIONS)) {
      String citizen = fed.citizenIds().getFirst();
      Path cache = dir.resolve("data/tay-ninh-gateway-directory.cache");
      byte[] valid = Files.readAllBytes(cache);
      SignedDocument original = SignedDocument.parse(valid, Directory.SIGNED);
      byte[] payload = Digests.fromBase64("payload", original.payload());
      fed.registryNode().close();
      fed.consumerNode().close();

      String json = new String(payload, StandardCharsets.UTF_8);
      String extended = json.replaceFirst("\"expiresAt\":\"\\d{4}-", "\"expiresAt\":\"2099-");
      assertThat(extended).isNotEqualTo(json);
      Files.write(
          cache,
          new SignedDocument(
                  Digests.base64(extended.getBytes(StandardCharsets.UTF_8)),
                  original.signature(),
                  original.algorithm(),
                  original.signerCertificate())
              .toJson());
      assertServesNothing(fed, citizen, "signature does not verify");

      MessageSigner rogue =
          CertificateAuthority.createRoot("Rogue Root", Duration.ofDays(1))
              .issueCredentials(
                  CertificateProfile.DIRECTORY_SIGNING,
                  "rogue registry",
                  "Rogue",
                  List.of(),
                  Duration.ofHours(1))
              .signer();
      Files.write(
          cache,
          new SignedDocument(
                  original.payload(),
                  Digests.base64(rogue.sign(payload)),
                  rogue.algorithm(),
                  Certificates.base64(rogue.certificate()))
              .toJson());
      assertServesNothing(fed, citizen, "untrusted certificate");

      Files.write(cache, valid);
      clock.advance(VALIDITY.plusHours(1).plusMinutes(1));
      assertServesNothing(fed, citizen, "expired");

      clock.advance(VALIDITY.plusHours(1).plusMinutes(1).negated());
      try (GatewayNode consumer = restart(dir.resolve("tay-ninh-gateway.yaml"))) {
        assertServes(fed, citizen); // the same file, intact
      }
    }
  }

  @Test
  void theCacheIsTheFileDirectoryCacheNames() throws Exception {
    try (Federation fed = Federation.start(dir, OPTIONS)) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written)
          .contains("\n  directoryCache: \"data/tay-ninh-gateway-directory.cache\"\n");
      fed.registryNode().close();
      fed.consumerNode().close();

      Files.writeString(
          file,
          written.replace(
              "data/tay-ninh-gateway-directory.cache", "data/elsewhere/directory.cache"));
      try (GatewayNode consumer = restart(file)) {
        assertThat(lookUp(fed, citizen).body()).contains("directory.expired");
      }
      assertThat(dir.resolve("data/elsewhere/directory.cache")).doesNotExist();

      Files.writeString(file, written);
      try (GatewayNode consumer = restart(file)) {
        assertServes(fed, citizen);
      }
    }
  }

  @Test
  void directoryGraceDecidesHowLongPastExpiryTheCachedDirectoryServes() throws Exception {
    try (Federation fed = Federation.start(dir, OPTIONS)) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).containsPattern("\n  directoryGrace: .*\n");
      fed.registryNode().close();
      fed.consumerNode().close();
      fed.providerNode().close();
      try (GatewayNode provider = restart(dir.resolve("mps-gateway.yaml"))) {
        clock.advance(VALIDITY.plusMinutes(10)); // both gateways' clocks, past expiry

        Files.writeString(file, written.replaceFirst("\n  directoryGrace: .*\n", "\n"));
        try (GatewayNode consumer = restart(file)) { // the default: an hour
          assertServes(fed, citizen);
        }

        Files.writeString(
            file, written.replaceFirst("\n  directoryGrace: .*\n", "\n  directoryGrace: PT5M\n"));
        try (GatewayNode consumer = restart(file)) {
          assertThat(lookUp(fed, citizen).body()).contains("directory.expired");
        }
      }
    }
  }

  private static void assertServes(Federation fed, String citizen) {
    Federation.Reply reply = lookUp(fed, citizen);
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
  }

  private void assertServesNothing(Federation fed, String citizen, String why) throws Exception {
    cacheLog.clear();
    try (GatewayNode consumer = restart(dir.resolve("tay-ninh-gateway.yaml"))) {
      Federation.Reply reply = lookUp(fed, citizen);
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(503);
      assertThat(reply.body()).contains("directory.expired");
    }
    assertThat(cacheLog).singleElement().asString().contains("ignored", why);
  }

  private GatewayNode restart(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, clock);
  }

  private static byte[] servedDirectory(Federation fed) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(fed.registryUrl() + "/directory")).build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  /** The consumer may first try a connection to a provider that was stopped: one retry. */
  private static Federation.Reply lookUp(Federation fed, String citizen) {
    Federation.Reply r = fed.lookUpCitizen(citizen, "HS-2026-000123");
    return r.body().contains("peer.unreachable") ? fed.lookUpCitizen(citizen, "HS-2026-000123") : r;
  }
}
