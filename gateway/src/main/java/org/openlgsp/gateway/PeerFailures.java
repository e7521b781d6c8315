package org.openlgsp.gateway;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Names what went wrong talking to another gateway or a backend, from the exception chain. */
final class PeerFailures {
  private PeerFailures() {}

  static LgspException classify(RuntimeException e) {
    if (e instanceof LgspException le) {
      return le;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      // A refusal by our own trust manager (e.g. the provider's certificate is revoked).
      if (t instanceof LgspException le) {
        return le;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      // before the TLS check: a handshake that timed out says nothing about trust
      if (t instanceof SocketTimeoutException) {
        return new LgspException(ErrorCode.PEER_UNREACHABLE, "provider gateway timed out", e);
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return new LgspException(
            ErrorCode.PEER_UNTRUSTED,
            "TLS handshake with the provider gateway failed (certificate not trusted by one side)",
            e);
      }
      if (t instanceof ConnectException) {
        return new LgspException(
            ErrorCode.PEER_UNREACHABLE, "provider gateway refused the connection", e);
      }
    }
    return new LgspException(ErrorCode.PEER_UNREACHABLE, "provider gateway unreachable", e);
  }

  static LgspException backend(RuntimeException e) {
    if (e instanceof LgspException le) {
      return le;
    }
    return new LgspException(
        ErrorCode.BACKEND_UNREACHABLE, "backend service did not answer: " + why(e), e);
  }

  /** What happened, in words: the caller never sees an exception's type or message. */
  private static String why(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return "timed out";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
    }
    return "connection failed";
  }
}
