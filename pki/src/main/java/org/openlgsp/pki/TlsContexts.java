package org.openlgsp.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS 1.3 contexts from in-memory credentials, trusting either pinned certificates or CA roots. */
public final class TlsContexts {
  private static final char[] EPHEMERAL = "in-memory".toCharArray();

  private TlsContexts() {}

  /** Presents {@code own} and trusts peers by {@code trust}. */
  public static SSLContext create(Credentials own, TrustManager trust) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("own", own.key(), EPHEMERAL, own.chain().toArray(X509Certificate[]::new));
      // SunX509 unwraps the key once here; the "PKIX" manager re-derives the PKCS#12 password key
      // (PBKDF2) at every handshake, which profiling showed dominating new peer connections.
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
      kmf.init(ks, EPHEMERAL);
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {trust}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new PkiException("cannot build TLS context", e);
    }
  }

  /** A client context without own credentials that trusts certificates issued by {@code roots}. */
  public static SSLContext trustingRoots(Collection<X509Certificate> roots) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(null, new TrustManager[] {rootTrust(roots)}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot build TLS context", e);
    }
  }

  /** Standard PKIX path validation up to the given roots (no revocation checking here). */
  public static TrustManager rootTrust(Collection<X509Certificate> roots) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      int i = 0;
      for (X509Certificate root : roots) {
        ts.setCertificateEntry("root-" + i++, root);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ts);
      return tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new PkiException("cannot build trust manager", e);
    }
  }
}
