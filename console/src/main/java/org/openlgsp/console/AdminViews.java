package org.openlgsp.console;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.registry.Enrolments;

/**
 * The models of the administration pages (certificates, enrolment requests, trust anchors, console
 * accounts): what their templates read.
 */
public final class AdminViews {
  private AdminViews() {}

  /**
   * A certificate of the directory and its owner: a member's signing or encryption certificate, or
   * a node's TLS certificate; {@code daysLeft} until it expires (negative once expired), {@code
   * soon} within 30 days.
   */
  public record Certificate(
      String owner,
      String kind,
      String subject,
      String issuer,
      String serial,
      Instant notBefore,
      Instant notAfter,
      long daysLeft,
      boolean soon) {}

  /**
   * The enrolment requests this account sees, whether a built-in CA issues them ({@code caRunning})
   * and whether it may approve or reject them.
   */
  public record EnrolmentsPage(
      Paged<Enrolments.Enrolment> list,
      boolean caRunning,
      boolean mayDecide,
      Optional<String> notice) {
    public boolean pending(Enrolments.Enrolment e) {
      return e.status().equals("pending");
    }

    /** The names a request asks for, as the approval form sends them back. */
    public String names(Enrolments.Enrolment e) {
      return String.join(",", e.names());
    }
  }

  /**
   * The trust anchors, the import form for those who may import, and the answer of the last import
   * ({@code notice} after a success; {@code error} and the text sent back after a refusal).
   */
  public record AnchorsPage(
      Paged<Pages.CertificateRow> list,
      boolean mayImport,
      Optional<String> notice,
      Optional<String> error,
      String pem) {}

  /** The accounts page: every account, the agencies an agency administrator may be given, who. */
  public record AccountsPage(
      Paged<Accounts.Overview> list,
      List<Directory.Member> agencies,
      String self,
      Optional<String> notice) {
    public AccountsPage {
      agencies = List.copyOf(agencies);
    }

    public List<ConsoleRole> roles() {
      return List.of(ConsoleRole.values());
    }

    /** Whether {@code o} is the administrator of agency {@code m}. */
    public boolean administers(Accounts.Overview o, Directory.Member m) {
      return o.account().agency().filter(m.id()::equals).isPresent();
    }
  }

  /** A password shown once, after an account was created or its password reset. */
  public record SecretShown(String username, String password, String what) {}
}
