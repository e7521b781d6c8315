package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.AdminResponses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lgsp registry enrolment ...}: certificate requests through the registry's admin API. */
@Command(
    name = "enrolment",
    mixinStandardHelpOptions = true,
    description =
        "Enrol a node's TLS key or a member's signing key: submit its CSR, then approve (the"
            + " built-in CA issues and the certificate is published in the directory) or reject.",
    subcommands = {
      EnrolmentCommands.Submit.class,
      EnrolmentCommands.ListCmd.class,
      EnrolmentCommands.Approve.class,
      EnrolmentCommands.Reject.class
    })
final class EnrolmentCommands {
  @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a CSR.")
  static final class Submit implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Option(names = "--kind", required = true, description = "node-tls or member-signing.")
    String kind;

    @Option(
        names = "--target",
        required = true,
        description = "Node id or member id; the CSR's CN must be the same.")
    String target;

    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "CSR (PEM).")
    Path csr;

    @Override
    public Integer call() throws IOException {
      AdminResponses.EnrolmentState answer =
          c.client()
              .submitEnrolment(new AdminRequests.Enrolment(kind, target, Files.readString(csr)));
      System.out.println("submitted enrolment " + answer.id());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List enrolments.")
  static final class ListCmd implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Override
    public Integer call() {
      System.out.println(Json.writeString(c.client().enrolments()));
      return 0;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approve: issue the certificate, publish it, write the chain (PEM).")
  static final class Approve implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Enrolment id.")
    String id;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Chain to write.")
    Path out;

    @Option(
        names = "--names",
        split = ",",
        paramLabel = "NAME",
        description =
            "The DNS names and IP addresses you approve (comma-separated or repeated); the"
                + " registry refuses when the request asks for others. Without it, the names the"
                + " request asks for are shown and approved.")
    List<String> names; // null when the option is absent (picocli)

    @Override
    public Integer call() throws IOException {
      var client = c.client();
      AdminResponses.EnrolmentView request =
          client.enrolments().stream()
              .filter(e -> e.id().equals(id))
              .findFirst()
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.RESOURCE_NOT_FOUND,
                          "no enrolment " + id + "; list them first"));
      System.out.println(
          "enrolment "
              + id
              + ": "
              + request.kind()
              + " for "
              + request.target()
              + ", names: "
              + (request.names().isEmpty() ? "(none)" : String.join(", ", request.names())));
      AdminResponses.EnrolmentApproved answer =
          names != null ? client.approveEnrolment(id, names) : client.approveEnrolment(id);
      Files.writeString(out, answer.certificate());
      System.out.println(
          "approved " + id + ": certificate serial " + answer.serial() + " -> " + out);
      return 0;
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a request.")
  static final class Reject implements Callable<Integer> {
    @Mixin RegistryCommands.Connection c;

    @Parameters(index = "0", description = "Enrolment id.")
    String id;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() {
      c.client().rejectEnrolment(id, new AdminRequests.Rejection(reason));
      System.out.println("rejected " + id);
      return 0;
    }
  }
}
