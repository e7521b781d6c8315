package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyStores;
import org.openlgsp.pki.Publication;
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
