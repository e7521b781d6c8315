package org.openlgsp.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openlgsp.core.Digests;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/**
 * Switches a running gateway to new keys when the operator replaces a certificate file and its key
 * file (TLS or member signing): every period it compares the files' contents with what is
 * installed, and installs a pair that changed once the key proves to belong to the certificate.
 * Until then (for instance between replacing the key and replacing the certificate) the old pair
 * stays in use and the check repeats.
 */
final class KeyFileWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KeyFileWatcher.class.getName());
  private final List<Watched> watched = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("lgsp-key-files").unstarted(r));

  /** One certificate and key file pair and what to do with new contents. */
  private static final class Watched {
    final String label;
    final Path certificate;
    final Path key;
    final Consumer<Credentials> install;
    byte[] installed;
    byte[] refused = new byte[0];

    Watched(String label, Path certificate, Path key, Consumer<Credentials> install) {
      this.label = label;
      this.certificate = certificate;
      this.key = key;
      this.install = install;
      this.installed = stamp(certificate, key);
    }
  }

  /** Watches {@code certificate} and {@code key}, whose current contents are already in use. */
  KeyFileWatcher watch(String label, Path certificate, Path key, Consumer<Credentials> install) {
    watched.add(new Watched(label, certificate, key, install));
    return this;
  }

  KeyFileWatcher start(Duration period) {
    long ms = Math.max(1, period.toMillis());
    timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Looks at every pair once. */
  void check() {
    for (Watched w : watched) {
      try {
        check(w);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "checking " + w.label + " key files failed", e);
      }
    }
  }

  private static void check(Watched w) {
    byte[] now = stamp(w.certificate, w.key);
    if (now.length == 0 || Arrays.equals(now, w.installed) || Arrays.equals(now, w.refused)) {
      return;
    }
    Credentials next;
    try {
      next =
          new Credentials(
              Pem.privateKey(Files.readString(w.key)),
              Pem.certificates(Files.readString(w.certificate)));
      next.requireMatchingKey();
    } catch (IOException | RuntimeException e) {
      // Said once per content, not at every check; the message names files, never key material.
      w.refused = now;
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: {1} and {2} are not a usable key and certificate yet ({3}); still using the"
              + " previous ones",
          w.label,
          w.certificate,
          w.key,
          e.getMessage());
      return;
    }
    w.install.accept(next);
    w.installed = now;
    LOG.log(
        System.Logger.Level.INFO,
        "{0}: switched to certificate {1} (serial {2})",
        w.label,
        next.certificate().getSubjectX500Principal().getName(),
        next.certificate().getSerialNumber().toString(16));
  }

  /** A digest of both files, or empty while one of them cannot be read. */
  private static byte[] stamp(Path certificate, Path key) {
    try {
      byte[] cert = Files.readAllBytes(certificate);
      byte[] k = Files.readAllBytes(key);
      byte[] both = new byte[cert.length + k.length + 1];
      System.arraycopy(cert, 0, both, 0, cert.length);
      System.arraycopy(k, 0, both, cert.length + 1, k.length);
      return Digests.sha256(both);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
