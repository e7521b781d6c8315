package org.openlgsp.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.openlgsp.core.Certificates;

/**
 * Trusts a peer only when its leaf certificate is one of a set of SHA-256 fingerprints, asked anew
 * at every handshake (so a directory update takes effect without a restart), and is valid now.
 * Gateways use it towards each other: the directory is the only source of trust, not a CA chain.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final Supplier<Set<String>> fingerprints;

  public PinnedTrustManager(Supplier<Set<String>> fingerprints) {
    this.fingerprints = fingerprints;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer presented no certificate");
    }
    X509Certificate leaf = chain[0];
    if (!fingerprints.get().contains(Certificates.fingerprint(leaf))) {
      throw new CertificateException(
          "peer certificate " + leaf.getSubjectX500Principal() + " is not in the trusted set");
    }
    leaf.checkValidity();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
