package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyStores;
import org.openlgsp.pki.OcspResponder;
import org.openlgsp.pki.Publication;
import org.openlgsp.pki.TimeStampAuthority;
import org.openlgsp.storage.Database;

/**
 * The built-in certificate authority's folder as {@code lgsp ca init} writes it: the root and
 * issuing CA keys (password-protected PKCS#12), the OCSP responder and TSA keys, and the settings
 * naming its records database. The CA commands and a registry that issues enrolments open it.
 */
public final class CaFolder {
  public static final String ROOT = "root.p12";
  public static final String ISSUING = "issuing.p12";
  public static final String OCSP = "ocsp.p12";
  public static final String TSA = "tsa.p12";
  public static final String SETTINGS = "ca.properties";

  /** The responder the root delegated to answer OCSP for the issuing CA's certificate. */
  public static final String ROOT_OCSP = "root-ocsp.p12";

  /** The root's current CRL (DER), signed when the root is brought online; served at /root.crl. */
  public static final String ROOT_CRL = "root.crl";

  /** How long a root CRL is valid: re-sign it with `lgsp ca crl --root` well before. */
  public static final Duration ROOT_CRL_VALIDITY = Duration.ofDays(30);

  private CaFolder() {}

  /** The folder's settings ({@code database}, {@code baseUrl}, ...). */
  public static Properties settings(Path dir) {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve(SETTINGS))) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "no CA in " + dir.toAbsolutePath() + "; create one with `lgsp ca init`");
    }
    return p;
  }

  /**
   * The time-stamp authority's settings from the folder's {@code tsaPolicy}, {@code
   * tsaAcceptedPolicies} (comma-separated OIDs) and {@code tsaAccuracy} (ISO-8601 duration); each
   * absent key takes its {@link TimeStampAuthority.Settings#defaults() default}.
   */
  public static TimeStampAuthority.Settings tsaSettings(Properties settings) {
    TimeStampAuthority.Settings d = TimeStampAuthority.Settings.defaults();
    String accepted = settings.getProperty("tsaAcceptedPolicies", "").strip();
    try {
      return new TimeStampAuthority.Settings(
          settings.getProperty("tsaPolicy", d.policy()).strip(),
          accepted.isEmpty()
              ? Set.of()
              : Arrays.stream(accepted.split(",")).map(String::strip).collect(Collectors.toSet()),
          Duration.parse(settings.getProperty("tsaAccuracy", d.accuracy().toString()).strip()));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          SETTINGS + ": tsaAccuracy must be an ISO-8601 duration such as PT1S or PT0.5S");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SETTINGS + ": " + e.getMessage());
    }
  }

  /** Opens the issuing CA in {@code dir} over its records; close it to close the database. */
  public static Opened open(Path dir, char[] password) {
    return open(dir, ISSUING, password, Publication::at);
  }

  /**
   * Opens the root CA in {@code dir} (root.p12: the offline key, brought online to revoke or to
   * sign its CRL) over the same records database.
   */
  public static Opened openRoot(Path dir, char[] password) {
    return open(dir, ROOT, password, Publication::root);
  }

  private static Opened open(
      Path dir,
      String keyStore,
      char[] password,
      java.util.function.Function<String, Publication> publication) {
    Properties s = settings(dir);
    Credentials credentials = KeyStores.read(dir.resolve(keyStore), password);
    Database db = Database.open(s.getProperty("database"));
    return new Opened(
        db,
        CertificateAuthority.of(
            credentials, db, publication.apply(s.getProperty("baseUrl")), Clock.systemUTC()),
        s);
  }

  /** Signs the root's CRL with the opened root and stores it as {@link #ROOT_CRL}. */
  public static X509CRL publishRootCrl(Path dir, CertificateAuthority root, Duration validity) {
    X509CRL crl = root.crl(validity);
    try {
      Path tmp = Files.createTempFile(dir, ".root-", ".crl");
      Files.write(tmp, crl.getEncoded());
      Files.move(
          tmp,
          dir.resolve(ROOT_CRL),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | java.security.cert.CRLException e) {
      throw new IllegalStateException(
          "cannot write " + dir.resolve(ROOT_CRL) + ": " + e.getMessage(), e);
    }
    return crl;
  }

  /** The root CRL as last published, read at each call (so a re-signed one is served at once). */
  public static Supplier<byte[]> rootCrl(Path dir) {
    return () -> {
      try {
        return Files.readAllBytes(dir.resolve(ROOT_CRL));
      } catch (IOException e) {
        throw new LgspException(
            ErrorCode.RESOURCE_NOT_FOUND,
            "no root CRL published; sign one with `lgsp ca crl --root`");
      }
    };
  }

  /**
   * The OCSP responder of an opened issuing CA ({@link #OCSP}) that also answers for the issuing CA
   * itself, from the root's records, with the root's delegated responder ({@link #ROOT_OCSP}).
   */
  public static OcspResponder responder(
      Path dir, char[] password, Opened issuing, Duration validity) {
    OcspResponder own =
        new OcspResponder(issuing.ca(), KeyStores.read(dir.resolve(OCSP), password), validity);
    if (!Files.exists(dir.resolve(ROOT_OCSP))) {
      return own; // a CA folder from before the root published its records
    }
    return own.alsoFor(
        OcspResponder.forRecords(
            issuing.ca().chain().getLast(),
            issuing.db(),
            KeyStores.read(dir.resolve(ROOT_OCSP), password),
            validity,
            Clock.systemUTC()));
  }

  /** An opened issuing CA and the database holding its records. */
  public record Opened(Database db, CertificateAuthority ca, Properties settings)
      implements AutoCloseable {
    @Override
    public void close() {
      db.close();
    }
  }
}
