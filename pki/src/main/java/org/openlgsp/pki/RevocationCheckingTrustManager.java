package org.openlgsp.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.openlgsp.core.LgspException;

/**
 * Adds an OCSP check of the peer's leaf certificate to another trust manager. A refusal is a {@link
 * CertificateException} whose cause is the {@link LgspException} naming the reason, so the caller
 * can report {@code certificate.revoked} rather than a bare handshake failure.
 */
public final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final RevocationChecker checker;

  public RevocationCheckingTrustManager(
      X509ExtendedTrustManager delegate, RevocationChecker checker) {
    this.delegate = delegate;
    this.checker = checker;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    try {
      checker.requireGood(chain[0], Optional.empty());
    } catch (LgspException e) {
      throw new CertificateException(e.detail(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
