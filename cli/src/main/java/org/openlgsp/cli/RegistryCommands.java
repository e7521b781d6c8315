package org.openlgsp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.AdminResponses;
import org.openlgsp.registry.RegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lgsp registry ...}: administration through the registry's admin API. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description =
        "Administer agencies, systems, nodes, services, grants, consents and the breach register"
            + " through the registry's admin API.",
    subcommands = {
      RegistryCommands.Member.class,
      RegistryCommands.SystemCmd.class,
      RegistryCommands.Node.class,
      RegistryCommands.Service.class,
      RegistryCommands.Grant.class,
      RegistryCommands.Consent.class,
      BreachCommands.class,
      RegistryCommands.DirectoryCmd.class,
      EnrolmentCommands.class,
      TrustAnchorCommands.class,
      AgreementCommands.class,
      SummaryCommands.class
    })
final class RegistryCommands {
  /** Where the registry is and how to authenticate. */
  static final class Connection {
    @Option(
        names = "--url",
        defaultValue = "http://127.0.0.1:7070",
        description = "Registry URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "File holding the admin token (else env LGSP_ADMIN_TOKEN).")
    Optional<Path> tokenFile;

    RegistryClient client() {
      String token =
          tokenFile
              .map(Connection::read)
              .orElseGet(() -> Optional.ofNullable(System.getenv("LGSP_ADMIN_TOKEN")).orElse(""));
      if (token.isBlank()) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(new RegistryCommands()),
            "give --token-file FILE or set LGSP_ADMIN_TOKEN");
      }
      return new RegistryClient(url, token.strip());
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + p);
      }
    }
  }

  /** A {@code list} subcommand: read one admin collection and print it. */
  abstract static class Lister implements Callable<Integer> {
    @Mixin Connection c;
    private final Function<RegistryClient, List<?>> list;

    Lister(Function<RegistryClient, List<?>> list) {
      this.list = list;
    }

    @Override
    public Integer call() {
      return print(list.apply(c.client()));
    }
  }

  static String readFile(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p);
    }
  }

  /**
   * The certificate a PEM file names: its first one, so that a chain as {@code lgsp ca issue} and
   * {@code lgsp registry enrolment approve} write it (leaf first) can be given as it is.
   */
  static String leafCertificate(Path p) {
    List<java.security.cert.X509Certificate> chain = org.openlgsp.pki.Pem.certificates(readFile(p));
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + p);
    }
    return org.openlgsp.pki.Pem.write(chain.getFirst());
  }

  /** Prints an answer as the registry wrote it, indented. */
  static Integer print(Object answer) {
    try {
      System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the registry's answer", e);
    }
    return 0;
  }

  /** An add-...-certificate subcommand: publish a PEM certificate for one member or node. */
  abstract static class CertificateAdder implements Callable<Integer> {
    @Mixin Connection c;

    @Parameters(index = "0", description = "Member or node id.")
    String id;

    @Option(names = "--certificate", required = true, paramLabel = "PEM")
    Path certificate;

    /** Publishes the certificate (PEM) for the member or node {@code id}. */
    abstract AdminResponses.CertificateAdded add(RegistryClient client, String id, String pem);

    @Override
    public Integer call() {
      return print(add(c.client(), id, leafCertificate(certificate)));
    }
  }

  /** A remove-...-certificate subcommand: take one certificate of a member or node out. */
  abstract static class CertificateRemover implements Callable<Integer> {
    @Mixin Connection c;

    @Parameters(index = "0", description = "Member or node id.")
    String id;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    CertificateRef certificate;

    /** Removes the certificate with this fingerprint from the member or node {@code id}. */
    abstract void remove(RegistryClient client, String id, String fingerprint);

    @Override
    public Integer call() {
      String fingerprint = certificate.fingerprint();
      remove(c.client(), id, fingerprint);
      System.out.println("removed certificate " + fingerprint + " of " + id);
      return 0;
    }
  }

  /** Which certificate to remove: its PEM file or its SHA-256 fingerprint. */
  static final class CertificateRef {
    @Option(names = "--certificate", paramLabel = "PEM", description = "The certificate (PEM).")
    Optional<Path> file;

    @Option(
        names = "--fingerprint",
        paramLabel = "HEX",
        description =
            "SHA-256 of the certificate's DER, hex (as `lgsp registry member list` shows).")
    Optional<String> hex;

    String fingerprint() {
      return hex.map(h -> h.strip().toLowerCase(java.util.Locale.ROOT))
          .orElseGet(
              () ->
                  org.openlgsp.core.Certificates.fingerprint(
                      org.openlgsp.pki.Pem.certificates(readFile(file.orElseThrow())).getFirst()));
    }
  }

  @Command(
      name = "member",
      mixinStandardHelpOptions = true,
      description = "Agencies (members).",
      subcommands = {
        Member.Add.class,
        Member.ListCmd.class,
        Member.AddSigningCertificate.class,
        Member.RemoveSigningCertificate.class,
        Member.AddEncryptionCertificate.class,
        Member.RemoveEncryptionCertificate.class
      })
  static final class Member {
    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Register an agency, e.g. VN/GOV/000.00.00.G22.")
    static final class Add implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Member id INSTANCE/CLASS/CODE.")
      String id;

      @Option(names = "--name", required = true, description = "Agency name.")
      String name;

      @Override
      public Integer call() {
        return print(c.client().addMember(new AdminRequests.Member(id, name)));
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List agencies.")
    static final class ListCmd extends Lister {
      ListCmd() {
        super(RegistryClient::members);
      }
    }

    @Command(
        name = "add-signing-certificate",
        mixinStandardHelpOptions = true,
        description = "Add a member signing certificate (PEM file).")
    static final class AddSigningCertificate extends CertificateAdder {
      @Override
      AdminResponses.CertificateAdded add(RegistryClient client, String id, String pem) {
        return client.addSigningCertificate(new AdminRequests.MemberCertificate(id, pem));
      }
    }

    @Command(
        name = "remove-signing-certificate",
        mixinStandardHelpOptions = true,
        description =
            "Remove a member signing certificate from the directory (the last step of a key"
                + " rotation, once the gateway signs with the new key).")
    static final class RemoveSigningCertificate extends CertificateRemover {
      @Override
      void remove(RegistryClient client, String id, String fingerprint) {
        client.removeSigningCertificate(ClientId.parse(id), fingerprint);
      }
    }

    @Command(
        name = "add-encryption-certificate",
        mixinStandardHelpOptions = true,
        description =
            "Add a member encryption certificate (PEM file, member-encryption profile): what"
                + " consumers seal requests to when they travel through a hub.")
    static final class AddEncryptionCertificate extends CertificateAdder {
      @Override
      AdminResponses.CertificateAdded add(RegistryClient client, String id, String pem) {
        return client.addEncryptionCertificate(new AdminRequests.MemberCertificate(id, pem));
      }
    }

    @Command(
        name = "remove-encryption-certificate",
        mixinStandardHelpOptions = true,
        description =
            "Remove a member encryption certificate from the directory (the last step of a"
                + " rotation, once senders have the new one).")
    static final class RemoveEncryptionCertificate extends CertificateRemover {
      @Override
      void remove(RegistryClient client, String id, String fingerprint) {
        client.removeEncryptionCertificate(ClientId.parse(id), fingerprint);
      }
    }
  }

  @Command(
      name = "system",
      mixinStandardHelpOptions = true,
      description = "Information systems (subsystems).",
      subcommands = {SystemCmd.Add.class, SystemCmd.ListCmd.class})
  static final class SystemCmd {
    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Register a system and the node that hosts it.")
    static final class Add implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "System id INSTANCE/CLASS/CODE/SUBSYSTEM.")
      String id;

      @Option(names = "--name", required = true)
      String name;

      @Option(names = "--node", required = true, description = "Hosting node id.")
      String node;

      @Override
      public Integer call() {
        return print(c.client().addSystem(new AdminRequests.SystemEntry(id, name, node)));
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List systems.")
    static final class ListCmd extends Lister {
      ListCmd() {
        super(RegistryClient::systems);
      }
    }
  }

  @Command(
      name = "node",
      mixinStandardHelpOptions = true,
      description = "Gateway nodes.",
      subcommands = {
        Node.Add.class,
        Node.ListCmd.class,
        Node.AddTlsCertificate.class,
        Node.RemoveTlsCertificate.class
      })
  static final class Node {
    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Register a gateway node with its TLS certificate.")
    static final class Add implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Node id INSTANCE/CLASS/CODE/NODECODE.")
      String id;

      @Option(
          names = "--address",
          required = true,
          description = "https://HOST:PORT peers reach it at.")
      String address;

      @Option(names = "--tls-certificate", required = true, paramLabel = "PEM")
      Path certificate;

      @Option(
          names = "--ledger-api",
          defaultValue = "",
          description =
              "http(s)://HOST:PORT of the node's ledger API, published in the directory for the"
                  + " registry's citizen data tracker (default: none).")
      String ledgerApi;

      @Override
      public Integer call() {
        return print(
            c.client()
                .addNode(
                    new AdminRequests.Node(
                        id, address, List.of(leafCertificate(certificate)), ledgerApi)));
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List nodes.")
    static final class ListCmd extends Lister {
      ListCmd() {
        super(RegistryClient::nodes);
      }
    }

    @Command(
        name = "add-tls-certificate",
        mixinStandardHelpOptions = true,
        description =
            "Publish another TLS certificate for a node (the first step of a TLS key rotation:"
                + " peers accept the old and the new one).")
    static final class AddTlsCertificate extends CertificateAdder {
      @Override
      AdminResponses.CertificateAdded add(RegistryClient client, String id, String pem) {
        return client.addNodeTlsCertificate(new AdminRequests.NodeCertificate(id, pem));
      }
    }

    @Command(
        name = "remove-tls-certificate",
        mixinStandardHelpOptions = true,
        description =
            "Remove a node TLS certificate from the directory (the last step of a TLS key"
                + " rotation, once the node presents the new one); peers then refuse the old key.")
    static final class RemoveTlsCertificate extends CertificateRemover {
      @Override
      void remove(RegistryClient client, String id, String fingerprint) {
        client.removeNodeTlsCertificate(NodeId.parse(id), fingerprint);
      }
    }
  }

  @Command(
      name = "service",
      mixinStandardHelpOptions = true,
      description = "Services.",
      subcommands = {
        Service.Add.class,
        Service.ListCmd.class,
        Service.Remove.class,
        Service.SchemaCheckCmd.class
      })
  static final class Service {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a service.")
    static final class Add implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Service id INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE.")
      String id;

      @Option(names = "--backend-url", required = true)
      String backendUrl;

      @Option(
          names = "--subject-locator",
          defaultValue = "",
          description =
              "Personal-data services: where the subject's ID sits — query:NAME, path:N or"
                  + " json:/POINTER; up to four, comma-separated, tried in order.")
      String subjectLocator;

      @Option(
          names = "--openapi",
          paramLabel = "FILE",
          description =
              "OpenAPI 3 document (JSON or YAML); gateways answer getOpenAPI and listMethods"
                  + " from it.")
      Optional<Path> openapi;

      @Override
      public Integer call() {
        AdminRequests.Service service =
            openapi
                .map(p -> new AdminRequests.Service(id, backendUrl, subjectLocator, readFile(p)))
                .orElseGet(() -> new AdminRequests.Service(id, backendUrl, subjectLocator));
        return print(c.client().addService(service));
      }
    }

    @Command(
        name = "schema-check",
        mixinStandardHelpOptions = true,
        description =
            "How the provider's gateway checks the service's requests and responses against its"
                + " OpenAPI document (docs/privacy.md, Data quality).")
    static final class SchemaCheckCmd implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Service id INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE.")
      String id;

      @Option(
          names = "--mode",
          required = true,
          description =
              "off: not checked; warn: violations recorded, the exchange passes; block: a"
                  + " violating request (400) or response (502) is refused.")
      String mode;

      @Override
      public Integer call() {
        c.client().setSchemaCheck(new AdminRequests.SchemaCheckChange(id, mode));
        System.out.println("schema check of " + id + ": " + mode);
        return 0;
      }
    }

    @Command(
        name = "remove",
        mixinStandardHelpOptions = true,
        description =
            "Take a service out of the directory, its grants with it (gateways refuse calls to it"
                + " from their next directory refresh).")
    static final class Remove implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Service id INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE.")
      String id;

      @Override
      public Integer call() {
        c.client().removeService(org.openlgsp.core.ServiceId.parse(id));
        System.out.println("removed service " + id);
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List services.")
    static final class ListCmd extends Lister {
      ListCmd() {
        super(RegistryClient::services);
      }
    }
  }

  @Command(
      name = "consent",
      mixinStandardHelpOptions = true,
      description =
          "Data subjects' consents (docs/privacy.md): kept and published by keyed hash only.",
      subcommands = {
        Consent.Add.class,
        Consent.ListCmd.class,
        Consent.Withdraw.class,
        Consent.Proof.class
      })
  static final class Consent {
    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Record a subject's consent to an agency for a data category and purpose.")
    static final class Add implements Callable<Integer> {
      @Mixin Connection c;

      @Option(names = "--subject", required = true, description = "The subject's personal ID.")
      String subject;

      @Option(names = "--category", required = true, description = "Data category, e.g. ho-tich.")
      String category;

      @Option(names = "--recipient", required = true, description = "Agency (member id).")
      String recipient;

      @Option(names = "--purpose", required = true, description = "Purpose, e.g. 1.001234.")
      String purpose;

      @Option(names = "--valid-from", description = "ISO-8601 instant (default: now).")
      Optional<java.time.Instant> validFrom;

      @Option(names = "--valid-to", required = true, description = "ISO-8601 instant.")
      java.time.Instant validTo;

      @Override
      public Integer call() {
        System.out.println(
            c.client()
                .addConsent(
                    new AdminRequests.Consent(
                        subject,
                        category,
                        recipient,
                        purpose,
                        validFrom.orElseGet(java.time.Instant::now),
                        validTo))
                .id());
        return 0;
      }
    }

    @Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "A subject's consents, withdrawn ones included.")
    static final class ListCmd implements Callable<Integer> {
      @Mixin Connection c;

      @Option(names = "--subject", required = true, description = "The subject's personal ID.")
      String subject;

      @Override
      public Integer call() {
        return print(c.client().consents(subject));
      }
    }

    @Command(
        name = "withdraw",
        mixinStandardHelpOptions = true,
        description = "Withdraw a consent (gateways act on it from their next directory refresh).")
    static final class Withdraw implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Consent id (UUID).")
      String id;

      @Override
      public Integer call() {
        c.client().withdrawConsent(id);
        return 0;
      }
    }

    @Command(
        name = "proof",
        mixinStandardHelpOptions = true,
        description =
            "Print what the registry's consent log proves of a consent: its changes, each with"
                + " its inclusion proof, and whether the consent row still matches the log. With"
                + " --key, check every proof against the consent log's key. Exit 0 when the row"
                + " matches and every proof checks, 1 otherwise.")
    static final class Proof implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Consent id (UUID).")
      String id;

      @Option(
          names = "--key",
          description =
              "The consent log's key (name+id+key, or a file; the registry's"
                  + " ledger/INSTANCE.consent-log.key's public part).")
      Optional<String> key;

      @Override
      public Integer call() {
        org.openlgsp.registry.Registry.ConsentProof proof = c.client().consentProof(id);
        print(proof);
        List<String> problems = new java.util.ArrayList<>();
        if (!proof.matches()) {
          problems.add("the consent row does not match the consent log's last change");
        }
        if (key.isPresent()) {
          List<org.openlgsp.ledger.NoteVerifier> keys =
              List.of(org.openlgsp.ledger.LedgerSource.parseKey(key.get()));
          for (org.openlgsp.ledger.ConsentLog.Change ch : proof.changes()) {
            org.openlgsp.ledger.ConsentLog.check(id, ch, keys)
                .forEach(p -> problems.add("change #" + ch.index() + ": " + p));
          }
        }
        problems.forEach(p -> System.out.println("PROBLEM: " + p));
        if (problems.isEmpty()) {
          System.out.println(
              "SOUND: "
                  + proof.changes().size()
                  + " logged changes"
                  + (key.isPresent() ? ", every proof checked" : "")
                  + "; the consent matches its log");
          return 0;
        }
        return 1;
      }
    }
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description = "Access grants (deny by default).",
      subcommands = {Grant.Add.class, Grant.ListCmd.class, Grant.Revoke.class})
  static final class Grant {
    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Allow a client system to call a service.")
    static final class Add implements Callable<Integer> {
      @Mixin Connection c;

      @Option(names = "--client", required = true)
      String client;

      @Option(names = "--service", required = true)
      String service;

      @Option(names = "--method", description = "Allowed method (repeatable; none = all).")
      List<String> methods = List.of();

      @Option(
          names = "--path",
          description = "Allowed path pattern, e.g. /citizens/* (repeatable; none = all).")
      List<String> paths = List.of();

      @Option(
          names = "--purpose",
          description =
              "Allowed purpose: procedure code or named purpose, matched against X-Road-Issue"
                  + " up to its first ':' (repeatable; none = any).")
      List<String> purposes = List.of();

      @Option(
          names = "--officer-required",
          description = "Calls must name their officer in X-Road-UserId.")
      boolean officerRequired;

      @Option(
          names = "--field",
          description =
              "Response field passed on, a JSON Pointer; * = every array element, e.g."
                  + " /members/*/name (repeatable; none = all).")
      List<String> fields = List.of();

      @Option(
          names = "--mask",
          description =
              "POINTER=RULE, RULE one of redact, year, last:N, e.g. /personalId=last:4"
                  + " (repeatable).")
      List<String> masks = List.of();

      @Option(
          names = "--non-json",
          description = "Non-JSON responses when the grant filters responses: pass or refuse.")
      String nonJson = "pass";

      @Option(
          names = "--max-filtered-bytes",
          description = "Largest response the provider gateway filters (default 1 MiB).")
      long maxFilteredBytes;

      @Option(
          names = "--consent",
          paramLabel = "CATEGORY",
          description =
              "Calls need the data subject's consent for this data category, to the calling"
                  + " agency, for the stated purpose.")
      String consentCategory = "";

      @Option(
          names = "--leak",
          paramLabel = "DETECTOR=ACTION",
          description =
              "Leak detector on responses: cccd, cmnd, tax_code, phone or classification ="
                  + " allow, mask, block or alert (repeatable).")
      List<String> leaks = List.of();

      @Override
      public Integer call() {
        List<PrivacyPolicy.Mask> parsedMasks =
            masks.stream()
                .map(
                    m -> {
                      int eq = m.lastIndexOf('=');
                      if (eq < 1) {
                        throw new picocli.CommandLine.ParameterException(
                            new picocli.CommandLine(this), "--mask must be POINTER=RULE: " + m);
                      }
                      return new PrivacyPolicy.Mask(m.substring(0, eq), m.substring(eq + 1));
                    })
                .toList();
        PrivacyPolicy.NonJson nonJsonRule =
            switch (nonJson) {
              case "pass" -> PrivacyPolicy.NonJson.PASS;
              case "refuse" -> PrivacyPolicy.NonJson.REFUSE;
              default ->
                  throw new picocli.CommandLine.ParameterException(
                      new picocli.CommandLine(this), "--non-json must be pass or refuse");
            };
        List<PrivacyPolicy.LeakRule> leakRules =
            leaks.stream()
                .map(
                    l -> {
                      int eq = l.indexOf('=');
                      PrivacyPolicy.LeakAction action =
                          eq < 1
                              ? null
                              : java.util.Arrays.stream(PrivacyPolicy.LeakAction.values())
                                  .filter(a -> a.name().equalsIgnoreCase(l.substring(eq + 1)))
                                  .findFirst()
                                  .orElse(null);
                      if (action == null) {
                        throw new picocli.CommandLine.ParameterException(
                            new picocli.CommandLine(this),
                            "--leak must be DETECTOR=allow|mask|block|alert: " + l);
                      }
                      return new PrivacyPolicy.LeakRule(l.substring(0, eq), action);
                    })
                .toList();
        PrivacyPolicy policy =
            new PrivacyPolicy(
                purposes,
                officerRequired,
                fields,
                parsedMasks,
                nonJsonRule,
                maxFilteredBytes,
                consentCategory,
                leakRules);
        System.out.println(
            c.client()
                .grant(new AdminRequests.Grant(client, service, methods, paths, policy))
                .id());
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List grants.")
    static final class ListCmd extends Lister {
      ListCmd() {
        super(RegistryClient::grants);
      }
    }

    @Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        description = "Revoke a grant by id.")
    static final class Revoke implements Callable<Integer> {
      @Mixin Connection c;

      @Parameters(index = "0", description = "Grant id (UUID).")
      String id;

      @Override
      public Integer call() {
        c.client().revokeGrant(id);
        System.out.println("revoked " + id);
        return 0;
      }
    }
  }

  @Command(
      name = "directory",
      mixinStandardHelpOptions = true,
      description =
          "Fetch the signed directory and summarise it (no verification: gateways verify).")
  static final class DirectoryCmd implements Callable<Integer> {
    @Mixin Connection c;

    @Override
    public Integer call() {
      org.openlgsp.core.SignedDocument signed = c.client().directory();
      byte[] payload = java.util.Base64.getDecoder().decode(signed.payload());
      var d = Json.read(payload, org.openlgsp.core.Directory.class);
      System.out.printf(
          "directory %s serial %d, issued %s, expires %s, signed %s%n",
          d.instance(), d.serial(), d.issuedAt(), d.expiresAt(), signed.algorithm());
      System.out.printf(
          "%d members, %d systems, %d nodes, %d services, %d grants%n",
          d.members().size(),
          d.systems().size(),
          d.nodes().size(),
          d.services().size(),
          d.grants().size());
      return 0;
    }
  }
}
