package org.openlgsp.node;

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
 * stays in use and the check repeats. A key in a PKCS#11 token is watched the same way through its
 * alias: a new chain stored there ({@code lgsp keys store-certificate}) is installed.
 */
final class KeyFileWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KeyFileWatcher.class.getName());
  private final List<Watched> watched = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("lgsp-key-files").unstarted(r));

  /** Where a key and its certificate chain are read from. */
  interface Source {
    /** Names the files or the token key, for log lines; never key material. */
    String describe();

    /** A digest of the current contents, or empty while they cannot be read. */
    byte[] stamp();

    /** The current key and chain. */
    Credentials load() throws IOException;
  }

  /** A certificate file and a key file, both PEM. */
  static Source files(Path certificate, Path key) {
    return new Source() {
      @Override
      public String describe() {
        return certificate + " and " + key;
      }

      @Override
      public byte[] stamp() {
        return KeyFileWatcher.stamp(certificate, key);
      }

      @Override
      public Credentials load() throws IOException {
        return new Credentials(
            Pem.privateKey(Files.readString(key)), Pem.certificates(Files.readString(certificate)));
      }
    };
  }

  /** One key source and what to do with new contents. */
  private static final class Watched {
    final String label;
    final Source source;
    final Consumer<Credentials> install;
    byte[] installed;
    byte[] refused = new byte[0];

    Watched(String label, Source source, Consumer<Credentials> install) {
      this.label = label;
      this.source = source;
      this.install = install;
      this.installed = source.stamp();
    }
  }

  /** Watches {@code certificate} and {@code key}, whose current contents are already in use. */
  KeyFileWatcher watch(String label, Path certificate, Path key, Consumer<Credentials> install) {
    return watch(label, files(certificate, key), install);
  }

  /** Watches {@code source}, whose current contents are already in use. */
  KeyFileWatcher watch(String label, Source source, Consumer<Credentials> install) {
    watched.add(new Watched(label, source, install));
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
    byte[] now = w.source.stamp();
    if (now.length == 0 || Arrays.equals(now, w.installed) || Arrays.equals(now, w.refused)) {
      return;
    }
    Credentials next;
    try {
      next = w.source.load();
      next.requireMatchingKey();
    } catch (IOException | RuntimeException e) {
      // Said once per content, not at every check; the message names the source, never key
      // material.
      w.refused = now;
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: {1}: not a usable key and certificate yet ({2}); still using the previous ones",
          w.label,
          w.source.describe(),
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
