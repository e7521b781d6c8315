package org.openlgsp.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Software keys at rest: password-protected PKCS#12 files (PBES2/AES-256 with {@link #ITERATIONS}
 * PBKDF2 rounds), readable only by their owner. For keys that must never exist outside hardware,
 * use a {@link Pkcs11Token} instead.
 */
public final class KeyStores {
  private static final String ALIAS = "key";
  private static final java.security.Provider BC =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private KeyStores() {}

  /**
   * PBKDF2-HMAC-SHA256 iterations for the key's encryption and the file's MAC: OWASP's Password
   * Storage Cheat Sheet figure (600,000 since 2023). The JDK writes 10,000.
   */
  public static final int ITERATIONS = 600_000;

  /**
   * Writes {@code credentials} as PKCS#12, owner-only: the key in a PBES2 shrouded bag (PBKDF2 with
   * HMAC-SHA256, {@link #ITERATIONS}, AES-256-CBC), the certificates in clear (they are public;
   * encrypting them under the same password would only add a cheaper guess target), and an
   * HMAC-SHA256 integrity MAC with the same iteration count. Readable by the JDK, openssl and
   * {@link #read}.
   */
  public static void write(Path file, Credentials credentials, char[] password) {
    try {
      X509Certificate leaf = credentials.certificate();
      var localKeyId = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(leaf.getPublicKey());
      var keyBag =
          new JcaPKCS12SafeBagBuilder(
              credentials.key(),
              new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                  .setPRF(
                      new AlgorithmIdentifier(
                          PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                  .setIterationCount(ITERATIONS)
                  .setProvider(BC) // the JDK maps the AES OID to CBC without padding
                  .build(password));
      keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(ALIAS));
      keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
      PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
      for (X509Certificate c : credentials.chain()) {
        var certBag = new JcaPKCS12SafeBagBuilder(c);
        if (c.equals(leaf)) {
          certBag.addBagAttribute(
              PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(ALIAS));
          certBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
        }
        pfx.addData(certBag.build());
      }
      pfx.addData(keyBag.build());
      byte[] der =
          pfx.build(
                  new BcPKCS12MacCalculatorBuilder(
                          new SHA256Digest(),
                          new AlgorithmIdentifier(
                              NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE))
                      .setIterationCount(ITERATIONS),
                  password)
              .getEncoded(ASN1Encoding.DER);
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".lgsp-", ".p12", ownerOnly());
      try {
        Files.write(tmp, der);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | GeneralSecurityException | OperatorCreationException | PKCSException e) {
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

  /** Owner-only from creation (createTempFile makes rw------- on POSIX file systems anyway). */
  private static FileAttribute<?>[] ownerOnly() {
    return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }
}
