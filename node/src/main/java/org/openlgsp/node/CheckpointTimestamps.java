package org.openlgsp.node;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.spi.TimestampChecker;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.TimeStampClient;
import org.openlgsp.pki.TimeStampVerifier;

/**
 * Connects the ledger's time-stamping hooks to the platform's RFC 3161 TSA (module {@code pki}):
 * the TSA client that stamps checkpoints, and the token check {@code lgsp ledger verify} uses.
 */
public final class CheckpointTimestamps {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private CheckpointTimestamps() {}

  /** The configured TSA, or {@link Timestamper#none()} when {@code ledger.tsaUrl} is not set. */
  public static Timestamper timestamper(NodeConfig.LedgerSettings settings, Path baseDir) {
    if (settings.tsaUrl().isEmpty()) {
      return Timestamper.none();
    }
    String url = settings.tsaUrl().get();
    List<X509Certificate> anchors = certificates(baseDir, settings.tsaCertificates());
    return timestamper(url, new TimeStampClient(url, anchors, TIMEOUT));
  }

  /** A ledger time-stamper backed by a pki one (the client verifies every token it gets). */
  static Timestamper timestamper(String name, org.openlgsp.pki.Timestamper tsa) {
    return new Timestamper() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<byte[]> timestamp(byte[] sha256Digest) {
        return Optional.of(tsa.stamp(sha256Digest).token());
      }
    };
  }

  /** Checks tokens against these TSA trust anchors (the TSA certificate must chain to one). */
  public static TimestampChecker checker(List<X509Certificate> anchors) {
    TimeStampVerifier verifier = new TimeStampVerifier(anchors);
    return (token, digest) -> {
      try {
        return verifier.verify(token, digest).time();
      } catch (LgspException e) {
        throw new IllegalArgumentException(e.code().code() + ": " + e.detail(), e);
      }
    };
  }

  public static List<X509Certificate> certificates(Path baseDir, List<String> files) {
    List<X509Certificate> out = new ArrayList<>();
    for (String file : files) {
      List<X509Certificate> certs = Pem.certificates(GatewayNode.read(baseDir, file));
      if (certs.isEmpty()) {
        throw new NodeConfig.ConfigException(baseDir.resolve(file) + " holds no PEM certificate");
      }
      out.addAll(certs);
    }
    return out;
  }
}
