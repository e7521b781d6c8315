package org.openlgsp.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.openlgsp.core.Certificates;

/** PEM text for keys and certificates, through Bouncy Castle's PEM reader and writer. */
public final class Pem {
  private Pem() {}

  public static String write(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        // Private keys always as unencrypted PKCS#8 ("PRIVATE KEY"): it names the curve, which
        // the SEC1 form written for JDK EC keys omits.
        w.writeObject(o instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
      }
    } catch (IOException e) {
      throw new PkiException("cannot write PEM", e);
    }
    return out.toString();
  }

  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> result = new ArrayList<>();
    for (Object o : objects(pem)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          result.add(Certificates.fromDer(h.getEncoded()));
        } catch (IOException e) {
          throw new PkiException("cannot read certificate", e);
        }
      }
    }
    return result;
  }

  public static PrivateKey privateKey(String pem) {
    for (Object o : objects(pem)) {
      if (o instanceof PrivateKeyInfo info) {
        return jdkKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return jdkKey(pair.getPrivateKeyInfo());
      }
    }
    throw new PkiException("no private key in PEM");
  }

  /**
   * Decodes through the JDK's own key factories so keys work with every JDK API (TLS, KeyStore).
   */
  private static PrivateKey jdkKey(PrivateKeyInfo info) {
    String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
    String algorithm =
        switch (oid) {
          case "1.2.840.10045.2.1" -> "EC";
          case "1.3.101.112" -> "Ed25519";
          case "1.2.840.113549.1.1.1" -> "RSA";
          default -> throw new PkiException("unsupported private key algorithm " + oid);
        };
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("cannot read " + algorithm + " private key", e);
    }
  }

  private static List<Object> objects(String pem) {
    List<Object> result = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        result.add(o);
      }
    } catch (IOException e) {
      throw new PkiException("malformed PEM", e);
    }
    return result;
  }
}
