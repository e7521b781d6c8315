package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/** Replaced key files are installed only as a matching pair, once per change. */
class KeyFileWatcherTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(30));

  Credentials tls(String cn) {
    return ca.issueCredentials(
        CertificateProfile.NODE_TLS, cn, "Test", List.of("localhost"), Duration.ofDays(1));
  }

  void write(Credentials c) throws Exception {
    writeKey(c);
    writeCertificate(c);
  }

  void writeKey(Credentials c) throws Exception {
    Files.writeString(dir.resolve("tls.key"), Pem.write(c.key()));
  }

  void writeCertificate(Credentials c) throws Exception {
    Files.writeString(dir.resolve("tls.pem"), Pem.write(c.chain().toArray()));
  }

  @Test
  void aNewPairIsInstalledOnlyOnceTheKeyMatchesTheCertificate() throws Exception {
    Credentials first = tls("gw-1");
    Credentials second = tls("gw-2");
    write(first);
    List<Credentials> installed = new CopyOnWriteArrayList<>();
    try (KeyFileWatcher watcher =
        new KeyFileWatcher()
            .watch(
                "node TLS key", dir.resolve("tls.pem"), dir.resolve("tls.key"), installed::add)) {
      watcher.check();
      assertThat(installed).as("the files in use at start are not installed again").isEmpty();

      writeKey(second); // half-way: new key, old certificate
      watcher.check();
      watcher.check();
      assertThat(installed).isEmpty();

      writeCertificate(second);
      watcher.check();
      watcher.check();
      assertThat(installed).hasSize(1);
      assertThat(installed.getFirst().certificate()).isEqualTo(second.certificate());

      Files.delete(dir.resolve("tls.key")); // unreadable for a moment: nothing happens
      watcher.check();
      assertThat(installed).hasSize(1);
    }
  }

  @Test
  void thePeriodicCheckPicksUpAReplacedPair() throws Exception {
    Credentials first = tls("gw-1");
    Credentials second = tls("gw-2");
    write(first);
    List<Credentials> installed = new CopyOnWriteArrayList<>();
    try (KeyFileWatcher watcher =
        new KeyFileWatcher()
            .watch("node TLS key", dir.resolve("tls.pem"), dir.resolve("tls.key"), installed::add)
            .start(Duration.ofMillis(50))) {
      write(second);
      await().atMost(Duration.ofSeconds(10)).until(() -> !installed.isEmpty());
      assertThat(installed).hasSize(1);
      assertThat(installed.getFirst().certificate()).isEqualTo(second.certificate());
    }
  }
}
