package org.openlgsp.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.Signatures;

/**
 * Keys in a PKCS#11 token (an HSM, a smart card, SoftHSM) through the JDK's SunPKCS11 provider.
 * Private keys are generated inside the token as sensitive, non-extractable token objects: they
 * sign there and never leave it. Certificates are stored next to their key under the same alias.
 */
public final class Pkcs11Token {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private final Provider provider;
  private final KeyStore keyStore;

  /**
   * Where the token is: the vendor's PKCS#11 library and the slot id (as {@code softhsm2-util
   * --show-slots} or {@code pkcs11-tool -L} print it).
   */
  public record Config(Path library, long slot) {
    public Config {
      Objects.requireNonNull(library, "library");
      if (slot < 0) {
        throw new IllegalArgumentException("slot must not be negative");
      }
    }

    String sunPkcs11(String name) {
      // Generated keys become token objects (they survive the session) that cannot be exported.
      return String.join(
          "\n",
          "name = " + name,
          "library = " + library.toAbsolutePath(),
          "slot = " + slot,
          "attributes(generate, CKO_PRIVATE_KEY, *) = {",
          "  CKA_TOKEN = true",
          "  CKA_PRIVATE = true",
          "  CKA_SENSITIVE = true",
          "  CKA_EXTRACTABLE = false",
          "}",
          "attributes(generate, CKO_PUBLIC_KEY, *) = {",
          "  CKA_TOKEN = true",
          "}",
          // key-encryption keys of encryption at rest: AES, kept in the token, never exported
          "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {",
          "  CKA_TOKEN = true",
          "  CKA_PRIVATE = true",
          "  CKA_SENSITIVE = true",
          "  CKA_EXTRACTABLE = false",
          "}",
          "");
    }
  }

  private Pkcs11Token(Provider provider, KeyStore keyStore) {
    this.provider = provider;
    this.keyStore = keyStore;
  }

  /**
   * Logs in to the token with its user PIN and registers its provider, so JCA (and so core's {@link
   * Signatures#jca}) finds it for the token's keys.
   */
  public static Pkcs11Token open(Config config, char[] pin) {
    if (!Files.isReadable(config.library())) {
      throw new PkiException(
          "PKCS#11 library "
              + config.library()
              + " not found; install the HSM vendor's library (SoftHSM2: apt-get install softhsm2)");
    }
    String name = "lgsp-" + COUNTER.incrementAndGet();
    Provider p;
    try {
      Path conf = Files.createTempFile("lgsp-pkcs11-", ".cfg");
      try {
        Files.writeString(conf, config.sunPkcs11(name));
        p = Security.getProvider("SunPKCS11").configure(conf.toString());
      } finally {
        Files.deleteIfExists(conf);
      }
    } catch (IOException | RuntimeException e) {
      throw new PkiException(
          "cannot load PKCS#11 token in slot "
              + config.slot()
              + " of "
              + config.library()
              + "; check the slot id (softhsm2-util --show-slots / pkcs11-tool -L)",
          e);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS11", p);
      ks.load(null, pin);
      Security.addProvider(p);
      return new Pkcs11Token(p, ks);
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException(
          "cannot log in to the PKCS#11 token in slot " + config.slot() + "; check the user PIN",
          e);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  Provider provider() {
    return provider;
  }

  /** Generates an EC P-256 key pair inside the token. */
  KeyPair generateEcP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("the token cannot generate an EC P-256 key", e);
    }
  }

  /**
   * Generates an EC P-256 key pair inside the token and keeps it under {@code alias} with a
   * self-signed placeholder certificate (a PKCS#11 key store lists only keys with certificates), so
   * a later process can fetch the key to store its issued chain.
   */
  public KeyPair generateEcP256(String alias) {
    KeyPair pair = generateEcP256();
    try {
      java.time.Instant now = java.time.Instant.now();
      var name =
          new org.bouncycastle.asn1.x500.X500Name(
              "CN=" + alias.replaceAll("[^A-Za-z0-9 ._-]", "_") + " (awaiting certificate)");
      var builder =
          new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
              name,
              java.math.BigInteger.ONE,
              java.util.Date.from(now),
              java.util.Date.from(now.plus(java.time.Duration.ofDays(30))),
              name,
              pair.getPublic());
      X509Certificate placeholder =
          new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
              .getCertificate(builder.build(CertificateAuthority.signer(pair.getPrivate())));
      store(alias, pair.getPrivate(), List.of(placeholder));
      return pair;
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new PkiException("cannot keep the new key under '" + alias + "'", e);
    }
  }

  /** Stores the certificate chain for a key of this token under {@code alias}. */
  public void store(String alias, PrivateKey key, List<X509Certificate> chain) {
    try {
      keyStore.setKeyEntry(alias, key, null, chain.toArray(X509Certificate[]::new));
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot store certificate '" + alias + "' in the token", e);
    }
  }

  /**
   * Reads the token's list of keys and certificates again, so what another process stored since (a
   * certificate from {@code lgsp keys store-certificate}) shows. The session stays logged in: no
   * PIN is needed again, so none is kept.
   */
  public void refresh() {
    try {
      keyStore.load(null, null);
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("cannot read the token again", e);
    }
  }

  /** The key and chain stored under {@code alias}. */
  public Optional<Credentials> credentials(String alias) {
    try {
      if (!keyStore.isKeyEntry(alias)) {
        return Optional.empty();
      }
      PrivateKey key = (PrivateKey) keyStore.getKey(alias, null);
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : keyStore.getCertificateChain(alias)) {
        chain.add((X509Certificate) c);
      }
      return Optional.of(new Credentials(key, chain));
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot read '" + alias + "' from the token", e);
    }
  }

  /** A signer whose key stays in the token. */
  Optional<MessageSigner> signer(String alias) {
    return credentials(alias).map(c -> Signatures.jca(c.key(), c.certificate()));
  }

  /**
   * Generates an AES-256 key inside the token and keeps it under {@code alias}: a sensitive,
   * non-extractable token object, the key-encryption key of encryption at rest ({@link
   * #keyEncryptionKey}). Refuses an alias the token already holds.
   */
  public void generateAes256(String alias) {
    try {
      if (keyStore.containsAlias(alias)) {
        throw new PkiException("the token already holds '" + alias + "'; choose another alias");
      }
      javax.crypto.KeyGenerator g = javax.crypto.KeyGenerator.getInstance("AES", provider);
      g.init(256);
      keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(g.generateKey()), null);
    } catch (GeneralSecurityException e) {
      throw new PkiException("the token cannot generate and keep an AES-256 key", e);
    }
  }

  /**
   * The AES key under {@code alias} as the key-encryption key of an {@link
   * org.openlgsp.storage.AtRest} keyring: data keys are wrapped and unwrapped by AES-GCM (a fresh
   * 96-bit nonce each) inside the token, so the key-encryption key never leaves it. Only a
   * keyring's opening and rotation use it, never a read or write of data. Refused when the token
   * has no AES key under {@code alias}.
   */
  public org.openlgsp.storage.KeyEncryptionKey keyEncryptionKey(String alias) {
    javax.crypto.SecretKey key;
    try {
      key =
          keyStore.getKey(alias, null) instanceof javax.crypto.SecretKey k
                  && "AES".equals(k.getAlgorithm())
              ? k
              : null;
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot read '" + alias + "' from the token", e);
    }
    if (key == null) {
      throw new PkiException(
          "no AES key '"
              + alias
              + "' in the PKCS#11 token (lgsp keys generate-kek --pkcs11-library ... --alias "
              + alias
              + ")");
    }
    return new TokenKek(provider, key, "pkcs11:" + alias);
  }

  /** A key-encryption key whose AES key stays in the token. */
  private record TokenKek(Provider provider, javax.crypto.SecretKey key, String id)
      implements org.openlgsp.storage.KeyEncryptionKey {
    private static final int NONCE = 12;

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) {
      byte[] nonce = new byte[NONCE];
      new java.security.SecureRandom().nextBytes(nonce);
      try {
        byte[] ct = cipher(javax.crypto.Cipher.ENCRYPT_MODE, nonce, aad).doFinal(dataKey);
        return java.nio.ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
      } catch (GeneralSecurityException e) {
        throw new PkiException("the token cannot wrap a data key with '" + id + "'", e);
      }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] aad) {
      try {
        if (wrapped.length <= NONCE) {
          throw new GeneralSecurityException("too short");
        }
        return cipher(javax.crypto.Cipher.DECRYPT_MODE, Arrays.copyOf(wrapped, NONCE), aad)
            .doFinal(wrapped, NONCE, wrapped.length - NONCE);
      } catch (GeneralSecurityException e) {
        throw new org.openlgsp.storage.AtRestException(
            org.openlgsp.storage.AtRestException.Code.WRONG_KEK,
            "the key-encryption key " + id + " does not unwrap this data key");
      }
    }

    private javax.crypto.Cipher cipher(int mode, byte[] nonce, byte[] aad)
        throws GeneralSecurityException {
      javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding", provider);
      c.init(mode, key, new javax.crypto.spec.GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      return c;
    }
  }

  public List<String> aliases() {
    try {
      return java.util.Collections.list(keyStore.aliases());
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot list the token", e);
    }
  }
}
