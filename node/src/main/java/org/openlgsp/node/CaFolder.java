package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyStores;
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
    Properties s = settings(dir);
    Credentials issuing = KeyStores.read(dir.resolve(ISSUING), password);
    Database db = Database.open(s.getProperty("database"));
    Publication publication = Publication.at(s.getProperty("baseUrl"));
    return new Opened(db, CertificateAuthority.of(issuing, db, publication, Clock.systemUTC()), s);
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
