package org.openlgsp.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.openlgsp.core.Certificates;

/** PEM text for keys and certificates, through Bouncy Castle's PEM reader and writer. */
public final class Pem {
  private Pem() {}

  public static String write(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o);
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
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      for (Object o : objects(pem)) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (IOException e) {
      throw new PkiException("cannot read private key", e);
    }
    throw new PkiException("no private key in PEM");
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
