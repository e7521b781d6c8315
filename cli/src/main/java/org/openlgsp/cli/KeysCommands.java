package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.Pkcs11Token;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lgsp keys ...}: the node's or member's side of enrolment. Keys are generated where they
 * will live (a PEM file readable only by the owner, or a PKCS#11 token) and only a CSR leaves.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Generate keys and certificate requests; store issued certificates in an HSM.",
    subcommands = {
      KeysCommands.Csr.class,
      KeysCommands.StoreCertificate.class,
      DataKeyCommands.GenerateKek.class,
      DataKeyCommands.RotateDataKey.class,
      DataKeyCommands.Reencrypt.class,
      DataKeyCommands.RewrapKek.class
    })
final class KeysCommands {
  /** A PKCS#11 token; its user PIN comes from env LGSP_PKCS11_PIN, never the command line. */
  static final class Token {
    @Option(
        names = "--pkcs11-library",
        required = true,
        paramLabel = "SO",
        description = "The token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.")
    Path library;

    @Option(names = "--slot", required = true, description = "Slot id of the token.")
    long slot;

    @Option(names = "--alias", required = true, description = "Name of the key in the token.")
    String alias;

    Pkcs11Token open() {
      String pin = System.getenv("LGSP_PKCS11_PIN");
      if (pin == null || pin.isBlank()) {
        throw new IllegalArgumentException("set LGSP_PKCS11_PIN to the token's user PIN");
      }
      return Pkcs11Token.open(new Pkcs11Token.Config(library, slot), pin.toCharArray());
    }
  }

  /** Where the new key goes. */
  static final class Destination {
    @Option(
        names = "--key-out",
        paramLabel = "FILE",
        description = "Write the key here (PKCS#8 PEM, owner-only permissions).")
    Optional<Path> keyOut;

    @ArgGroup(exclusive = false)
    Token token;
  }

  @Command(
      name = "csr",
      mixinStandardHelpOptions = true,
      description =
          "Generate a key (in a file or a PKCS#11 token) and a PKCS#10 request for it; hand the"
              + " request to the CA (`lgsp ca issue`).")
  static final class Csr implements Callable<Integer> {
    @Option(
        names = "--kind",
        required = true,
        description =
            "tls (EC P-256, for node-tls/system-client) or signing (Ed25519 in files,"
                + " EC P-256 in tokens).")
    String kind;

    @Option(names = "--cn", required = true, description = "Node or member identifier.")
    String commonName;

    @Option(names = "--org", required = true, description = "Agency name.")
    String organization;

    @Option(names = "--san", description = "DNS name or IP address (repeatable; tls only).")
    List<String> names = List.of();

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "CSR (PEM) to write.")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination;

    @Option(
        names = "--renew",
        description =
            "Token keys only: request a new certificate for the key already under --alias"
                + " instead of generating a key (renewal; a running gateway takes the stored"
                + " chain by itself).")
    boolean renew;

    @Override
    public Integer call() throws IOException {
      if (!kind.equals("tls") && !kind.equals("signing")) {
        throw new IllegalArgumentException("--kind is tls or signing");
      }
      CertificateRequest csr;
      if (renew && destination.token == null) {
        throw new IllegalArgumentException("--renew is for keys in a token (--pkcs11-library)");
      }
      if (renew) {
        String alias = destination.token.alias;
        Credentials existing =
            destination
                .token
                .open()
                .credentials(alias)
                .orElseThrow(
                    () -> new IllegalArgumentException("no key '" + alias + "' in the token"));
        csr =
            CertificateRequest.create(
                existing.key(),
                existing.certificate().getPublicKey(),
                commonName,
                organization,
                names);
        System.out.println("request for the key under '" + alias + "' in the token");
      } else if (destination.token != null) {
        Pkcs11Token token = destination.token.open();
        if (token.aliases().contains(destination.token.alias)) {
          // The key under it may be in use by a running gateway; a new key gets a new alias.
          throw new IllegalArgumentException(
              "the token already holds '" + destination.token.alias + "'; not overwriting a key");
        }
        KeyPair pair = token.generateEcP256(destination.token.alias);
        csr =
            CertificateRequest.create(
                pair.getPrivate(), pair.getPublic(), commonName, organization, names);
        System.out.println("key generated in the token under '" + destination.token.alias + "'");
      } else {
        Path keyFile = destination.keyOut.orElseThrow();
        if (Files.exists(keyFile)) {
          throw new IllegalArgumentException(keyFile + " exists; not overwriting a key");
        }
        KeyPair pair = kind.equals("tls") ? KeyPairs.ecP256() : KeyPairs.ed25519();
        writeKey(keyFile, pair.getPrivate());
        csr =
            CertificateRequest.create(
                pair.getPrivate(), pair.getPublic(), commonName, organization, names);
        System.out.println("key written to " + keyFile);
      }
      Files.writeString(out, csr.pem());
      System.out.println("certificate request written to " + out);
      return 0;
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try {
        // owner-only from the first byte, whatever the umask: never readable by others
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file); // the folder's permissions protect it
      }
      Files.writeString(file, Pem.write(key));
    }
  }

  @Command(
      name = "store-certificate",
      mixinStandardHelpOptions = true,
      description = "Store the chain the CA issued next to its key in a PKCS#11 token.")
  static final class StoreCertificate implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1")
    Token token;

    @Option(
        names = "--certificate",
        required = true,
        paramLabel = "PEM",
        description = "Chain, leaf first.")
    Path certificate;

    @Override
    public Integer call() throws IOException {
      Pkcs11Token t = token.open();
      Credentials current =
          t.credentials(token.alias)
              .orElseThrow(
                  () -> new IllegalArgumentException("no key '" + token.alias + "' in the token"));
      var chain = Pem.certificates(Files.readString(certificate));
      if (chain.isEmpty()
          || !chain.getFirst().getPublicKey().equals(current.certificate().getPublicKey())) {
        throw new IllegalArgumentException(
            "the certificate is not for the key '" + token.alias + "'");
      }
      t.store(token.alias, current.key(), chain);
      System.out.println(
          "stored " + chain.size() + " certificate(s) with key '" + token.alias + "'");
      return 0;
    }
  }
}
