package org.openlgsp.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Software keys at rest: password-protected PKCS#12 files (the JDK's default PBES2/AES-256
 * protection), readable only by their owner. For keys that must never exist outside hardware, use a
 * {@link Pkcs11Token} instead.
 */
public final class KeyStores {
  private static final String ALIAS = "key";

  private KeyStores() {}

  public static void write(Path file, Credentials credentials, char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          ALIAS, credentials.key(), password, credentials.chain().toArray(X509Certificate[]::new));
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".lgsp-", ".p12");
      try {
        restrict(tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
          ks.store(out, password);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("cannot write key store " + file, e);
    }
  }

  public static Credentials read(Path file, char[] password) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      PrivateKey key = (PrivateKey) ks.getKey(ALIAS, password);
      if (key == null) {
        throw new PkiException("key store " + file + " holds no key");
      }
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : ks.getCertificateChain(ALIAS)) {
        chain.add((X509Certificate) c);
      }
      return new Credentials(key, chain);
    } catch (IOException e) {
      throw new PkiException("cannot read key store " + file + " (missing, or wrong password)", e);
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot read key store " + file, e);
    }
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: rely on the folder's permissions
    }
  }
}
