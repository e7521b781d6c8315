package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Json;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lgsp registry agreement ...}: the federation agreement between two instances
 * (docs/federation.md, "The agreement"), drafted, signed by one registry's directory-signing key,
 * countersigned by the other's, and shown. Offline: the files go between the two operators, the
 * registries read the result as {@code registry.federation.peers[].agreement}.
 */
@Command(
    name = "agreement",
    mixinStandardHelpOptions = true,
    description =
        "Federation agreements with another instance (docs/federation.md): draft, sign,"
            + " countersign, show.",
    subcommands = {
      AgreementCommands.Draft.class,
      AgreementCommands.Sign.class,
      AgreementCommands.Countersign.class,
      AgreementCommands.Show.class
    })
final class AgreementCommands {

  /** The registry node whose {@code registry.signing} key signs, and its instance. */
  static final class Signer {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description =
            "The signing registry node's node.yaml: its instance and registry.signing key sign.")
    Path config;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the signed agreement.")
    Path out;

    /**
     * This registry's key, after checking that its instance is a party and that its certificate is
     * the one the agreement pins for it.
     */
    Credentials credentials(Agreement agreement, String instance) {
      NodeConfig.RegistryRole role =
          NodeConfig.read(config)
              .registry()
              .orElseThrow(() -> new IllegalArgumentException(config + " has no registry role"));
      Credentials key = RegistryNode.signingCredentials(role, config.toAbsolutePath().getParent());
      Agreement.Party party =
          agreement
              .party(instance)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          instance + " is not a party to agreement " + agreement.id()));
      if (!Certificates.base64(key.certificate()).equals(party.registryCertificate())) {
        throw new IllegalArgumentException(
            "the registry.signing certificate of "
                + config
                + " is not the one agreement "
                + agreement.id()
                + " pins for "
                + instance);
      }
      return key;
    }

    String instance() {
      return NodeConfig.read(config).instance();
    }

    void write(SignedAgreement signed) {
      writeFile(out, signed.toJson());
    }
  }

  @Command(
      name = "draft",
      mixinStandardHelpOptions = true,
      description =
          "Write an agreement (unsigned JSON) for both operators to read, then `sign`. Selectors"
              + " are CLASS[/MEMBER[/SUBSYSTEM[/SERVICE]]]; a missing part matches anything.")
  static final class Draft implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "Agreement id, e.g. ndxp-tayninh-2026.")
    String id;

    @Option(
        names = "--party",
        required = true,
        paramLabel = "INSTANCE=PEM",
        description =
            "A party and its registry's directory-signing certificate (PEM, leaf first);"
                + " exactly two.")
    Map<String, Path> parties = new LinkedHashMap<>();

    @Option(
        names = "--not-before",
        description = "ISO-8601 instant the agreement starts (default: now).")
    Instant notBefore = Instant.now();

    @Option(names = "--not-after", required = true, description = "ISO-8601 instant it ends.")
    Instant notAfter;

    @Option(
        names = "--service",
        paramLabel = "FROM=SELECTOR",
        description =
            "Services party FROM exports to the other party, e.g."
                + " VN-NDXP=GOV/000.00.00.G01/POPULATION/citizens (repeatable).")
    List<String> services = List.of();

    @Option(
        names = "--client",
        paramLabel = "FROM=SELECTOR",
        description =
            "Systems of the other party allowed to call what FROM exports, e.g."
                + " VN-NDXP=GOV/000.00.00.H53 (repeatable).")
    List<String> clients = List.of();

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the agreement.")
    Path out;

    @Override
    public Integer call() {
      if (parties.size() != 2) {
        throw new IllegalArgumentException("give exactly two --party INSTANCE=PEM");
      }
      List<Agreement.Party> named = new ArrayList<>();
      parties.forEach(
          (instance, pem) ->
              named.add(
                  new Agreement.Party(
                      instance, Certificates.base64(certificate(pem, "--party " + instance)))));
      List<Agreement.Export> exports = new ArrayList<>();
      for (Agreement.Party from : named) {
        String to = named.get(0).equals(from) ? named.get(1).instance() : named.get(0).instance();
        List<Selector> s = selectors(services, from.instance(), "--service");
        List<Selector> c = selectors(clients, from.instance(), "--client");
        if (!s.isEmpty() || !c.isEmpty()) {
          exports.add(new Agreement.Export(from.instance(), to, s, c));
        }
      }
      for (String given : concat(services, clients)) {
        String from = given.substring(0, Math.max(0, given.indexOf('=')));
        if (!parties.containsKey(from)) {
          throw new IllegalArgumentException(
              given + ": FROM must be one of the parties " + parties.keySet());
        }
      }
      Agreement agreement = new Agreement(id, notBefore, notAfter, named, exports);
      writeFile(out, Json.write(agreement));
      System.out.println("wrote agreement " + id + " to " + out);
      return 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }

    private static List<Selector> selectors(List<String> given, String from, String option) {
      List<Selector> out = new ArrayList<>();
      for (String g : given) {
        int eq = g.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException(option + " must be FROM=SELECTOR: " + g);
        }
        if (g.substring(0, eq).equals(from)) {
          out.add(selector(g.substring(eq + 1), option));
        }
      }
      return out;
    }

    private static Selector selector(String text, String option) {
      String[] parts = text.split("/", -1);
      if (text.isEmpty() || parts.length > 4 || List.of(parts).contains("")) {
        throw new IllegalArgumentException(
            option + " selector must be CLASS[/MEMBER[/SUBSYSTEM[/SERVICE]]]: " + text);
      }
      String[] four = {"", "", "", ""};
      System.arraycopy(parts, 0, four, 0, parts.length);
      return new Selector(four[0], four[1], four[2], four[3]);
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description =
          "First signature: sign a drafted agreement with this registry's directory-signing key"
              + " (the certificate must be the one the agreement pins for its instance).")
  static final class Sign implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DRAFT", description = "The agreement from `draft`.")
    Path draft;

    @CommandLine.Mixin Signer signer;

    @Override
    public Integer call() {
      Agreement agreement = Json.read(readBytes(draft), Agreement.class);
      String instance = signer.instance();
      SignedAgreement signed =
          SignedAgreement.sign(
              agreement, instance, signer.credentials(agreement, instance).signer());
      signer.write(signed);
      System.out.println(
          "signed agreement " + agreement.id() + " as " + instance + "; wrote " + signer.out);
      return 0;
    }
  }

  @Command(
      name = "countersign",
      mixinStandardHelpOptions = true,
      description =
          "Second signature: check the other party's signature (against the certificate pinned"
              + " in the agreement, which you have checked out of band), then add this"
              + " registry's.")
  static final class Countersign implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SIGNED", description = "The agreement from `sign`.")
    Path signedFile;

    @CommandLine.Mixin Signer signer;

    @Override
    public Integer call() {
      SignedAgreement signed = SignedAgreement.parse(readBytes(signedFile));
      Agreement agreement = signed.agreement();
      String instance = signer.instance();
      Credentials key = signer.credentials(agreement, instance);
      String other = agreement.other(instance).instance();
      signed.verifySignatureOf(other, Instant.now());
      signer.write(signed.countersign(instance, key.signer()));
      System.out.println(
          "countersigned agreement "
              + agreement.id()
              + " as "
              + instance
              + " (signed by "
              + other
              + "); wrote "
              + signer.out);
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Verify a signed agreement as a registry does at start (both signatures, pinned"
              + " certificates, validity) and print it; exit 2 when it does not verify.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SIGNED", description = "The signed agreement.")
    Path signedFile;

    @Override
    public Integer call() {
      SignedAgreement signed = SignedAgreement.parse(readBytes(signedFile));
      Agreement a = signed.verify(Instant.now());
      System.out.printf("agreement %s, valid %s to %s%n", a.id(), a.notBefore(), a.notAfter());
      for (Agreement.Party p : a.parties()) {
        X509Certificate cert = Certificates.fromBase64(p.registryCertificate());
        System.out.printf(
            "  signed by %s: %s (SHA-256 %s)%n",
            p.instance(), cert.getSubjectX500Principal().getName(), Certificates.fingerprint(cert));
      }
      for (Agreement.Export e : a.exports()) {
        System.out.printf("  %s exports to %s%n", e.from(), e.to());
        e.services().forEach(s -> System.out.println("    service " + text(s)));
        e.clients().forEach(s -> System.out.println("    client  " + e.to() + "/" + text(s)));
      }
      return 0;
    }

    private static String text(Selector s) {
      List<String> parts = new ArrayList<>();
      for (String p :
          List.of(s.memberClass(), s.memberCode(), s.subsystemCode(), s.serviceCode())) {
        parts.add(p.isEmpty() ? "*" : p);
      }
      while (parts.size() > 1 && parts.getLast().equals("*")) {
        parts.removeLast();
      }
      return String.join("/", parts);
    }
  }

  private static X509Certificate certificate(Path pem, String what) {
    List<X509Certificate> chain = org.openlgsp.pki.Pem.certificates(RegistryCommands.readFile(pem));
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(what + ": no certificate in " + pem);
    }
    return chain.getFirst();
  }

  private static byte[] readBytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p);
    }
  }

  private static void writeFile(Path p, byte[] bytes) {
    try {
      Files.write(p, bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write " + p);
    }
  }
}
