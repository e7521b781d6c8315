package org.openlgsp.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS 1.3 contexts from in-memory credentials, trusting either pinned certificates or CA roots.
 *
 * <p>{@code SSLContext.getInstance("TLSv1.3")} does not restrict what is negotiated (a server
 * context so made still speaks TLS 1.2 with CBC suites): every listener and client must also set
 * {@link #PROTOCOLS} and {@link #CIPHER_SUITES} (the gateway's {@code TlsPolicy}). TLS 1.3 has no
 * renegotiation, so with these parameters client-initiated renegotiation cannot happen.
 */
public final class TlsContexts {
  /** The only protocol version OpenLGSP speaks, on every listener and towards peers. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3");

  /** The TLS 1.3 AEAD suites (RFC 8446 §9.1); the client's order of preference decides. */
  public static final List<String> CIPHER_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private TlsContexts() {}

  /** Presents {@code own} and trusts peers by {@code trust}. */
  public static SSLContext create(Credentials own, TrustManager trust) {
    return create(new SwitchableKeyManager(own), trust);
  }

  /**
   * Presents what {@code own} chooses at each handshake (a {@link SwitchableKeyManager} lets a node
   * switch keys while running) and trusts peers by {@code trust}.
   */
  public static SSLContext create(X509ExtendedKeyManager own, TrustManager trust) {
    try {
      // Our own key manager, not the JDK's "PKIX" one: that re-derives the in-memory PKCS#12
      // password key (PBKDF2) at every handshake, and it cannot hold a PKCS#11 key.
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(new KeyManager[] {own}, new TrustManager[] {trust}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot build TLS context", e);
    }
  }

  /** A client context without own credentials that trusts certificates issued by {@code roots}. */
  static SSLContext trustingRoots(Collection<X509Certificate> roots) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(null, new TrustManager[] {rootTrust(roots)}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot build TLS context", e);
    }
  }

  /** Standard PKIX path validation up to the given roots (no revocation checking here). */
  static TrustManager rootTrust(Collection<X509Certificate> roots) {
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
