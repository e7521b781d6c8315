package org.openlgsp.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.node.CaFolder;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.IssuedCertificate;
import org.openlgsp.pki.KeyStores;
import org.openlgsp.pki.OcspResponder;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.Publication;
import org.openlgsp.pki.RevocationReason;
import org.openlgsp.pki.TimeStampAuthority;
import org.openlgsp.pki.TrustServer;
import org.openlgsp.storage.Database;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lgsp ca ...}: the built-in certificate authority. Its folder holds the root and issuing CA
 * keys (password-protected PKCS#12), the OCSP responder and TSA keys, and its records database.
 */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description =
        "The built-in certificate authority: create it, issue certificates from CSRs, revoke,"
            + " publish CRLs, and serve OCSP, CRL and time-stamps.",
    subcommands = {
      CaCommands.Init.class,
      CaCommands.Issue.class,
      CaCommands.Revoke.class,
      CaCommands.ListCmd.class,
      CaCommands.Crl.class,
      CaCommands.Serve.class
    })
final class CaCommands {
  /** Where the CA lives and how its keys are unlocked. */
  static final class Folder {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "CA folder (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of(".lgsp", "ca");

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "File holding the key store password (else env LGSP_CA_PASSWORD).")
    Optional<Path> passwordFile;

    char[] password() {
      String p =
          passwordFile
              .map(Folder::read)
              .orElseGet(() -> Optional.ofNullable(System.getenv("LGSP_CA_PASSWORD")).orElse(""));
      if (p.strip().length() < 12) {
        throw new IllegalArgumentException(
            "give --password-file FILE or set LGSP_CA_PASSWORD (at least 12 characters)");
      }
      return p.strip().toCharArray();
    }

    @Option(
        names = "--root",
        description =
            "Act as the root CA (root.p12, brought online): list, revoke the issuing CA, sign the"
                + " root CRL.")
    boolean root;

    Properties settings() {
      return CaFolder.settings(dir);
    }

    /** Opens the issuing (or with --root the root) CA over its records; close after use. */
    CaFolder.Opened open() {
      return root ? CaFolder.openRoot(dir, password()) : CaFolder.open(dir, password());
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + p);
      }
    }
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description =
          "Create a root CA and an issuing CA under it, an OCSP responder and a time-stamp"
              + " authority certificate. Keep root.p12 offline afterwards: only issuing.p12 is"
              + " needed day to day.")
  static final class Init implements Callable<Integer> {
    @Mixin Folder folder;

    @Option(names = "--name", required = true, description = "CA name, e.g. 'LGSP Tây Ninh'.")
    String name;

    @Option(
        names = "--base-url",
        defaultValue = "http://127.0.0.1:7080",
        description =
            "Where `lgsp ca serve` will be reachable; written into every certificate as its OCSP"
                + " and CRL location (default: ${DEFAULT-VALUE}).")
    String baseUrl;

    @Option(
        names = "--database",
        description = "JDBC URL of the CA records (default: jdbc:sqlite:DIR/ca.db).")
    Optional<String> database;

    @Option(
        names = "--tsa-policy",
        paramLabel = "OID",
        description =
            "TSA policy written into tokens for requests naming none (default: "
                + TimeStampAuthority.DEFAULT_POLICY
                + ").")
    Optional<String> tsaPolicy;

    @Option(
        names = "--tsa-accept-policy",
        paramLabel = "OID",
        description =
            "A further TSA policy a request may name (repeatable); requests naming any other are"
                + " rejected with unacceptedPolicy.")
    List<String> tsaAcceptedPolicies = new ArrayList<>();

    @Option(
        names = "--tsa-accuracy",
        paramLabel = "DURATION",
        description =
            "Accuracy written into every time-stamp token, 1 microsecond to PT1S (default: PT1S).")
    Optional<Duration> tsaAccuracy;

    @Override
    public Integer call() throws IOException {
      Path dir = folder.dir;
      if (name.isBlank() || name.length() > 50) {
        throw new IllegalArgumentException("--name must have 1 to 50 characters");
      }
      if (Files.exists(dir.resolve(CaFolder.ISSUING))) {
        throw new IllegalArgumentException("a CA already exists in " + dir.toAbsolutePath());
      }
      char[] password = folder.password();
      Properties p = new Properties();
      p.setProperty("baseUrl", baseUrl);
      tsaPolicy.ifPresent(oid -> p.setProperty("tsaPolicy", oid));
      if (!tsaAcceptedPolicies.isEmpty()) {
        p.setProperty("tsaAcceptedPolicies", String.join(",", tsaAcceptedPolicies));
      }
      tsaAccuracy.ifPresent(a -> p.setProperty("tsaAccuracy", a.toString()));
      CaFolder.tsaSettings(p); // refuses bad values before anything is written
      Files.createDirectories(dir);
      String jdbc = database.orElse("jdbc:sqlite:" + dir.resolve("ca.db").toAbsolutePath());
      p.setProperty("database", jdbc);
      CertificateAuthority selfSigned =
          CertificateAuthority.createRoot(name + " Root CA", Duration.ofDays(20 * 365));
      try (Database db = Database.open(jdbc)) {
        // The root keeps its records (the issuing CA, its OCSP responder) in the database too,
        // so the issuing CA can be revoked, and publishes a CRL and OCSP for it.
        CertificateAuthority root =
            CertificateAuthority.of(
                selfSigned.credentials(), db, Publication.root(baseUrl), Clock.systemUTC());
        Credentials issuingCreds =
            root.issueCredentials(
                CertificateProfile.INTERMEDIATE_CA,
                name + " Issuing CA",
                name,
                List.of(),
                Duration.ofDays(10 * 365));
        KeyStores.write(dir.resolve(CaFolder.ROOT), root.credentials(), password);
        KeyStores.write(dir.resolve(CaFolder.ISSUING), issuingCreds, password);
        KeyStores.write(
            dir.resolve(CaFolder.ROOT_OCSP),
            OcspResponder.create(root, Duration.ofMinutes(10)).credentials(),
            password);
        CaFolder.publishRootCrl(dir, root, CaFolder.ROOT_CRL_VALIDITY);
        Files.writeString(dir.resolve("root.pem"), Pem.write(root.certificate()));
        Files.writeString(dir.resolve("chain.pem"), Pem.write(issuingCreds.chain().toArray()));
        System.out.println("[ca] root CA       " + root.certificate().getSubjectX500Principal());
        System.out.println(
            "[ca] issuing CA    " + issuingCreds.certificate().getSubjectX500Principal());
        CertificateAuthority issuing =
            CertificateAuthority.of(issuingCreds, db, Publication.at(baseUrl), Clock.systemUTC());
        KeyStores.write(
            dir.resolve(CaFolder.OCSP),
            OcspResponder.create(issuing, Duration.ofMinutes(10)).credentials(),
            password);
        TimeStampAuthority tsa = TimeStampAuthority.create(issuing, Clock.systemUTC());
        KeyStores.write(dir.resolve(CaFolder.TSA), tsa.credentials(), password);
        System.out.println(
            "[ca] OCSP responders (root's and issuing CA's), root CRL and time-stamp authority"
                + " certificate issued");
      }
      try (var out = Files.newBufferedWriter(dir.resolve(CaFolder.SETTINGS))) {
        p.store(out, "OpenLGSP built-in CA");
      }
      System.out.println("[ca] ready in " + dir.toAbsolutePath() + "; trust anchor: root.pem");
      return 0;
    }
  }

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description =
          "Issue a certificate from a PKCS#10 CSR (after checking who asks for it) and write the"
              + " chain, leaf first, as PEM. Repeat --csr --profile --out to issue several with"
              + " one opening of the CA key; all are checked before any is issued.")
  static final class Issue implements Callable<Integer> {
    @Mixin Folder folder;

    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<Request> requests;

    /** One certificate to issue: its CSR, profile and output file. */
    static final class Request {
      @Option(
          names = "--csr",
          required = true,
          paramLabel = "FILE",
          description = "The CSR (PEM or DER).")
      Path csr;

      @Option(
          names = "--profile",
          required = true,
          description =
              "node-tls, member-signing, member-encryption, system-client, server-tls or"
                  + " directory-signing.")
      String profile;

      @Option(
          names = "--out",
          required = true,
          paramLabel = "FILE",
          description = "Chain PEM to write.")
      Path out;
    }

    @Option(
        names = "--validity",
        defaultValue = "P365D",
        description = "ISO-8601 duration, capped by the profile (default: ${DEFAULT-VALUE}).")
    Duration validity;

    /** A request read and checked, ready to issue. */
    private record Checked(CertificateRequest request, CertificateProfile profile, Path out) {}

    @Override
    public Integer call() throws IOException {
      if (folder.root) {
        throw new IllegalArgumentException(
            "the root certifies only the issuing CA (at `ca init`); issue without --root");
      }
      // every request is read before the CA key is opened: one bad CSR issues nothing
      List<Checked> checked = new ArrayList<>();
      java.util.Set<Path> outs = new java.util.HashSet<>();
      for (Request r : requests) {
        CertificateProfile p =
            CertificateProfile.fromLabel(r.profile)
                .filter(x -> !x.name().endsWith("_CA"))
                .orElseThrow(
                    () -> new IllegalArgumentException("unknown profile '" + r.profile + "'"));
        if (!outs.add(r.out.toAbsolutePath().normalize())) {
          throw new IllegalArgumentException("--out " + r.out + " is given twice");
        }
        checked.add(new Checked(CertificateRequest.parse(Files.readAllBytes(r.csr)), p, r.out));
      }
      try (CaFolder.Opened o = folder.open()) {
        for (Checked c : checked) {
          o.ca().check(c.request(), c.profile());
        }
        for (Checked c : checked) {
          X509Certificate cert = o.ca().issue(c.request(), c.profile(), validity);
          List<Object> chain = new ArrayList<>();
          chain.add(cert);
          chain.addAll(o.ca().chain());
          Files.writeString(c.out(), Pem.write(chain.toArray()));
          System.out.printf(
              "issued %s certificate serial %s for %s, valid until %s -> %s%n",
              c.profile().label(),
              cert.getSerialNumber().toString(16),
              cert.getSubjectX500Principal().getName(),
              cert.getNotAfter().toInstant(),
              c.out());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a certificate by serial (hex).")
  static final class Revoke implements Callable<Integer> {
    @Mixin Folder folder;

    @Parameters(index = "0", paramLabel = "SERIAL", description = "Serial number, hex.")
    String serial;

    @Option(
        names = "--reason",
        defaultValue = "unspecified",
        description =
            "unspecified, key-compromise, ca-compromise, affiliation-changed, superseded or"
                + " cessation-of-operation (default: ${DEFAULT-VALUE}).")
    String reason;

    @Override
    public Integer call() {
      RevocationReason r =
          RevocationReason.fromLabel(reason)
              .orElseThrow(() -> new IllegalArgumentException("unknown reason '" + reason + "'"));
      BigInteger s;
      try {
        s = new BigInteger(serial, 16);
      } catch (NumberFormatException e) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the serial must be hexadecimal");
      }
      try (CaFolder.Opened o = folder.open()) {
        IssuedCertificate c = o.ca().revoke(s, r);
        if (folder.root) {
          CaFolder.publishRootCrl(folder.dir, o.ca(), CaFolder.ROOT_CRL_VALIDITY);
        }
        System.out.printf(
            "revoked %s (%s) at %s; OCSP answers so now, the next CRL lists it%n",
            c.serialHex(),
            c.certificate().getSubjectX500Principal().getName(),
            c.revocation().orElseThrow().at());
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List issued certificates, newest first.")
  static final class ListCmd implements Callable<Integer> {
    @Mixin Folder folder;

    @Option(
        names = "--limit",
        defaultValue = "100",
        description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      try (CaFolder.Opened o = folder.open()) {
        for (IssuedCertificate c : o.ca().list(limit)) {
          System.out.printf(
              "%-34s %-17s %-8s until %s  %s%n",
              c.serialHex(),
              c.profile().label(),
              c.revoked() ? "REVOKED" : "valid",
              c.certificate().getNotAfter().toInstant(),
              c.certificate().getSubjectX500Principal().getName());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "crl",
      mixinStandardHelpOptions = true,
      description = "Sign a CRL now and write it (DER).")
  static final class Crl implements Callable<Integer> {
    @Mixin Folder folder;

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Option(
        names = "--validity",
        defaultValue = "P1D",
        description =
            "Until nextUpdate (default: ${DEFAULT-VALUE}); with --root, the root CRL is also"
                + " stored in the CA folder, where `ca serve` serves it at /root.crl (give it"
                + " e.g. P30D and re-sign it before).")
    Duration validity;

    @Override
    public Integer call() throws Exception {
      try (CaFolder.Opened o = folder.open()) {
        var crl =
            folder.root
                ? CaFolder.publishRootCrl(folder.dir, o.ca(), validity)
                : o.ca().crl(validity);
        Files.write(out, crl.getEncoded());
        System.out.printf(
            "CRL with %d revoked certificate(s), next update %s -> %s%n",
            crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(),
            crl.getNextUpdate().toInstant(),
            out);
      }
      return 0;
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serve OCSP (POST /ocsp), the CRL (GET /crl), the CA chain (GET /ca) and time-stamps (POST /tsa).")
  static final class Serve implements Callable<Integer> {
    @Mixin Folder folder;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Bind address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "7080",
        description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
      if (folder.root) {
        throw new IllegalArgumentException(
            "trust services run with the issuing CA; the root stays offline (no --root)");
      }
      char[] password = folder.password();
      try (CaFolder.Opened o = folder.open();
          TrustServer server =
              TrustServer.start(
                  o.ca(),
                  CaFolder.responder(folder.dir, password, o, Duration.ofMinutes(10)),
                  Optional.of(
                      new TimeStampAuthority(
                          KeyStores.read(folder.dir.resolve(CaFolder.TSA), password),
                          CaFolder.tsaSettings(folder.settings()),
                          Clock.systemUTC())),
                  Optional.of(CaFolder.rootCrl(folder.dir)),
                  TrustServer.Options.defaults(host, port))) {
        System.out.println(
            "[ca] trust services on "
                + server.baseUrl()
                + " (/ocsp /crl /root.crl /ca /ca.cer /root.cer /tsa)");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    }
  }
}
