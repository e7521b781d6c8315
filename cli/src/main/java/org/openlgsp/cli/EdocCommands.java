package org.openlgsp.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentHistory;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.InvalidPackageException;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.Receipt;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.documents.StatusCode;
import org.openlgsp.documents.StatusEntry;
import org.openlgsp.documents.ValidationWarning;
import org.openlgsp.documents.XmlSignatures;
import org.openlgsp.pki.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lgsp edoc ...}: an agency's document system talking to its document axis. */
@Command(
    name = "edoc",
    mixinStandardHelpOptions = true,
    description = "Send and receive official documents (edXML) through a document axis.",
    subcommands = {
      EdocCommands.Send.class,
      EdocCommands.Inbox.class,
      EdocCommands.Get.class,
      EdocCommands.Status.class,
      EdocCommands.History.class
    })
public final class EdocCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the axis is and the agency's token (read from a file, never from the command line). */
  static final class Connection {
    @Option(
        names = "--axis",
        required = true,
        paramLabel = "URL",
        description = "Document axis URL, e.g. http://127.0.0.1:8090")
    String axis;

    @Option(
        names = "--token-file",
        required = true,
        paramLabel = "FILE",
        description = "File holding the agency system's bearer token")
    Path tokenFile;

    AxisClient client() {
      try {
        return new AxisClient(axis, Files.readString(tokenFile).strip());
      } catch (java.io.IOException e) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "cannot read " + tokenFile);
      }
    }
  }

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description =
          "Send an edXML package (document or status). With --sign-key/--sign-cert the package is"
              + " first signed (enveloped XML-DSig, RSA-SHA256 or ECDSA).")
  static final class Send implements Callable<Integer> {
    @Mixin Connection conn;

    @Option(names = "--sign-key", paramLabel = "PEM", description = "Agency signing key (PEM)")
    Path signKey;

    @Option(
        names = "--sign-cert",
        paramLabel = "PEM",
        description =
            "Its certificate (PEM), optionally followed by intermediate CA certificates, which go"
                + " into KeyInfo so the axis can chain the signer to its trust anchors")
    Path signCert;

    @Parameters(paramLabel = "FILE", description = "The .edxml package")
    Path file;

    @Override
    public Integer call() throws Exception {
      Receipt r;
      if (signKey != null || signCert != null) {
        if (signKey == null || signCert == null) {
          throw new LgspException(
              ErrorCode.REQUEST_MALFORMED, "--sign-key and --sign-cert go together");
        }
        List<X509Certificate> chain = Pem.certificates(Files.readString(signCert));
        if (chain.isEmpty()) {
          throw new LgspException(ErrorCode.REQUEST_MALFORMED, "no certificate in " + signCert);
        }
        // A self-signed root at the end is the axis's own anchor, not evidence: leave it out.
        List<X509Certificate> intermediates =
            chain.subList(1, chain.size()).stream()
                .filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                .toList();
        SigningKey key =
            new SigningKey(Pem.privateKey(Files.readString(signKey)), chain.get(0), intermediates);
        // Signed by streaming into a private temporary file: no DOM, so any size fits the heap.
        Path signed = Files.createTempFile("lgsp-edoc-", ".edxml");
        try {
          try {
            XmlSignatures.signStreaming(file, signed, key);
          } catch (IllegalArgumentException e) {
            throw new LgspException(ErrorCode.REQUEST_MALFORMED, file + ": " + e.getMessage());
          }
          r = conn.client().send(signed);
        } finally {
          Files.deleteIfExists(signed);
        }
      } else {
        r = conn.client().send(file);
      }
      printReceipt(r);
      return 0;
    }
  }

  static void printReceipt(Receipt r) {
    System.out.printf(
        "%s %s %s (%s) → %s%n  package %s, sha256 %s%n",
        r.duplicate() ? "already accepted:" : "accepted:",
        r.kind(),
        r.documentId(),
        r.businessType(),
        String.join(", ", r.recipients()),
        r.packageId(),
        r.sha256());
    for (ValidationWarning w : r.warnings()) {
      System.out.printf("  tolerated: %s (%s)%n", w, w.kind());
    }
  }

  @Command(
      name = "inbox",
      mixinStandardHelpOptions = true,
      description = "List packages waiting for the agency, oldest first.")
  static final class Inbox implements Callable<Integer> {
    @Mixin Connection conn;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many")
    int limit;

    @Override
    public Integer call() {
      List<InboxItem> items = conn.client().inbox(limit);
      System.out.println(items.size() + " waiting");
      for (InboxItem i : items) {
        System.out.printf(
            "%s  %-8s %-6s %s from %s%s  %s%n",
            i.deliveryId(),
            i.kind(),
            i.kind().equals("status") ? i.statusCode() : i.businessType(),
            i.documentId(),
            i.sender(),
            "",
            i.subject());
      }
      return 0;
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Fetch a package from the inbox, optionally acknowledging it.")
  static final class Get implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(paramLabel = "DELIVERY", description = "Delivery id from 'lgsp edoc inbox'")
    String delivery;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write the package here (default: standard output)")
    Path output;

    @Option(names = "--ack", description = "Acknowledge it once saved")
    boolean ack;

    @Override
    public Integer call() throws Exception {
      AxisClient c = conn.client();
      byte[] bytes = c.fetch(delivery);
      if (output == null) {
        System.out.write(bytes);
        System.out.flush();
      } else {
        Files.write(output, bytes);
        System.err.println("saved " + bytes.length + " bytes to " + output);
      }
      if (ack) {
        c.acknowledge(delivery);
      }
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Report a status on a document: 01 arrived, 02 rejected, 03 accepted, 04 assigned, 05 in"
              + " progress, 06 completed, 13 recall requested, 15 recall agreed, 16 refused.")
  static final class Status implements Callable<Integer> {
    @Mixin Connection conn;

    @Option(names = "--document-id", required = true, description = "The document's DocumentId")
    String documentId;

    @Option(names = "--sender", required = true, description = "Agency code that sent it")
    String sender;

    @Option(names = "--from", required = true, description = "Your agency code")
    String from;

    @Option(names = "--code", required = true, description = "Two-digit status code")
    String code;

    @Option(
        names = "--description",
        defaultValue = "",
        description = "Free text (default: the code's Vietnamese description)")
    String description;

    @Option(
        names = "--from-name",
        defaultValue = "",
        description =
            "Your agency's name for From/OrganName and OrganizationInCharge (default: the code)")
    String fromName;

    @Option(names = "--staff", defaultValue = "Văn thư", description = "Handling clerk")
    String staff;

    @Override
    public Integer call() {
      StatusCode status =
          StatusCode.fromCode(code)
              .orElseThrow(
                  () ->
                      new InvalidPackageException(
                          List.of("StatusCode: unknown status code '" + code + "'")));
      byte[] pkg =
          EdxmlCodec.write(
              Packages.status(
                  documentId,
                  AgencyCode.parse(sender),
                  AgencyCode.parse(from),
                  fromName,
                  status,
                  description,
                  staff,
                  Instant.now()));
      printReceipt(conn.client().send(pkg));
      return 0;
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "Show a document's recipients, statuses and revoke/update/replace actions.")
  static final class History implements Callable<Integer> {
    @Mixin Connection conn;

    @Option(names = "--document-id", required = true, description = "The document's DocumentId")
    String documentId;

    @Option(names = "--sender", required = true, description = "Agency code that sent it")
    String sender;

    @Override
    public Integer call() {
      print(conn.client().history(documentId, AgencyCode.parse(sender)));
      return 0;
    }
  }

  /** Prints a document's history as {@code lgsp edoc history} does. */
  public static void print(DocumentHistory h) {
    System.out.println(h.documentId() + " from " + h.sender() + ": " + h.subject());
    h.recipients()
        .forEach(
            (r, s) ->
                System.out.printf(
                    "  to %s: delivery %s, latest status %s%n",
                    r, s.delivery(), s.latestStatus().isEmpty() ? "none" : s.latestStatus()));
    for (StatusEntry s : h.statuses()) {
      System.out.printf(
          "  %s  %s %s  %s%n",
          Instant.ofEpochMilli(s.receivedAt()).atZone(ZoneId.of("Asia/Ho_Chi_Minh")).toLocalTime(),
          s.reporter(),
          s.statusCode(),
          s.meaning());
    }
    for (DocumentHistory.BusinessAction a : h.actions()) {
      System.out.printf("  %s by package %s%n", a.businessType(), a.packageDocumentId());
    }
  }
}
