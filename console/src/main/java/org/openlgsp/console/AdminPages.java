package org.openlgsp.console;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.Status;
import java.io.IOException;
import java.io.StringReader;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;
import org.openlgsp.registry.Enrolments;
import org.openlgsp.registry.Registry;

/**
 * The administration pages (docs/console.md): the directory's certificates with their expiry, the
 * enrolment requests to approve or reject, the trust anchors and their import, and the console's
 * accounts. Each route names its roles; each change needs the session's anti-forgery token and is
 * audited with the state before and after, never with a secret.
 */
final class AdminPages {
  static final Set<ConsoleRole> PLATFORM = EnumSet.of(ConsoleRole.PLATFORM_ADMIN);
  private static final int MAX_PEM = 64 * 1024;
  private static final int MAX_REASON = 500;

  private final Console console;
  private final Registry registry;
  private final Optional<Enrolments> enrolments;
  private final Accounts accounts;
  private final Sessions sessions;
  private final ConsoleOptions options;
  private final Clock clock;

  AdminPages(
      Console console,
      Registry registry,
      Optional<Enrolments> enrolments,
      Accounts accounts,
      Sessions sessions,
      ConsoleOptions options,
      Clock clock) {
    this.console = console;
    this.registry = registry;
    this.enrolments = enrolments;
    this.accounts = accounts;
    this.sessions = sessions;
    this.options = options;
    this.clock = clock;
  }

  List<Route> routes() {
    String read = "a page read";
    List<Route> r = new ArrayList<>();
    r.add(
        roles(Route.get("/certificates"), Console.ALL)
            .audit(Audit.notAudited(read))
            .handle(this::certificates));
    r.add(
        roles(Route.get("/enrolments"), Console.ALL)
            .audit(Audit.notAudited(read))
            .handle(this::enrolmentsPage));
    r.add(
        roles(Route.post("/enrolments/{id}/approve"), PLATFORM)
            .audited("console.enrolment.approve")
            .handle(this::approve));
    r.add(
        roles(Route.post("/enrolments/{id}/reject"), PLATFORM)
            .audited("console.enrolment.reject")
            .handle(this::reject));
    r.add(
        roles(Route.get("/anchors"), Console.ALL)
            .audit(Audit.notAudited(read))
            .handle(this::anchors));
    r.add(
        roles(Route.post("/anchors"), PLATFORM)
            .audited("console.anchor.import")
            .handle(this::importAnchor));
    r.add(
        roles(Route.get("/accounts"), PLATFORM)
            .audit(Audit.notAudited(read))
            .handle(this::accountsPage));
    r.add(
        roles(Route.post("/accounts"), PLATFORM)
            .audited("console.account.create")
            .handle(this::createAccount));
    r.add(
        roles(Route.post("/accounts/{id}/password"), PLATFORM)
            .audited("console.account.password")
            .handle(this::resetPassword));
    r.add(
        roles(Route.post("/accounts/{id}/totp"), PLATFORM)
            .audited("console.account.totp")
            .handle(this::resetTotp));
    r.add(
        roles(Route.post("/accounts/{id}/unlock"), PLATFORM)
            .audited("console.account.unlock")
            .handle(this::unlock));
    r.add(
        roles(Route.post("/accounts/{id}/role"), PLATFORM)
            .audited("console.account.role")
            .handle(this::changeRole));
    return r;
  }

  private static Route.Builder roles(Route.Builder b, Set<ConsoleRole> roles) {
    return b.access(
        new Access.Roles(roles.stream().map(ConsoleRole::id).collect(Collectors.toSet())));
  }

  private Scope scope(Call c) {
    return new Scope(console.active(c.request()).orElseThrow().account());
  }

  private Parameters form(Call c) {
    return console.form(c, console.active(c.request()).orElseThrow());
  }

  private <T> Paged<T> paged(Call c, List<T> all, java.util.function.Function<T, String> text) {
    return Paged.of(all, text, Console.query(c), console.pageNumber(c), options.pageSize());
  }

  private static Optional<String> done(Call c, String prefix, String... allowed) {
    return c.request()
        .query()
        .first("done")
        .filter(d -> List.of(allowed).contains(d))
        .map(d -> prefix + d);
  }

  // ---- certificates

  /** Members' signing and encryption certificates and nodes' TLS certificates, by expiry. */
  private void certificates(Call c) {
    Scope scope = scope(c);
    Instant now = clock.instant();
    List<AdminViews.Certificate> rows = new ArrayList<>();
    for (Directory.Member m : registry.members()) {
      if (scope.sees(m.id())) {
        m.signingCertificates().forEach(b -> rows.add(row(m.id().encoded(), "signing", b, now)));
        m.encryptionCertificates()
            .forEach(b -> rows.add(row(m.id().encoded(), "encryption", b, now)));
      }
    }
    for (Directory.Node n : registry.nodes()) {
      if (scope.sees(n.id().owner())) {
        n.tlsCertificates().forEach(b -> rows.add(row(n.id().toString(), "nodeTls", b, now)));
      }
    }
    rows.sort(Comparator.comparing(AdminViews.Certificate::notAfter));
    console.page(
        c,
        Status.OK_200,
        "certificates.jte",
        Map.of(
            "v",
            console.view(c),
            "p",
            paged(
                c,
                rows,
                r -> String.join(" ", r.owner(), r.kind(), r.subject(), r.issuer(), r.serial()))));
  }

  private static AdminViews.Certificate row(String owner, String kind, String base64, Instant now) {
    X509Certificate cert = Certificates.fromBase64(base64);
    Instant until = cert.getNotAfter().toInstant();
    return new AdminViews.Certificate(
        owner,
        kind,
        cert.getSubjectX500Principal().getName(),
        cert.getIssuerX500Principal().getName(),
        cert.getSerialNumber().toString(16),
        cert.getNotBefore().toInstant(),
        until,
        Math.floorDiv(Duration.between(now, until).toSeconds(), 86_400),
        until.isBefore(now.plus(Duration.ofDays(30))));
  }

  // ---- enrolment requests

  /** Whether {@code scope} sees the member or node an enrolment request is for. */
  private static boolean sees(Scope scope, Enrolments.Enrolment e) {
    try {
      ClientId owner =
          e.kind().equals(Enrolments.Kind.NODE_TLS.label())
              ? NodeId.parse(e.target()).owner()
              : ClientId.parse(e.target());
      return scope.sees(owner);
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  /** Pending requests first, each group newest first. */
  private void enrolmentsPage(Call c) {
    Scope scope = scope(c);
    List<Enrolments.Enrolment> visible =
        enrolments.map(Enrolments::list).orElse(List.of()).stream()
            .filter(e -> sees(scope, e))
            .sorted(
                Comparator.comparing((Enrolments.Enrolment e) -> !e.status().equals("pending"))
                    .thenComparing(Enrolments.Enrolment::submittedAt, Comparator.reverseOrder()))
            .toList();
    console.page(
        c,
        Status.OK_200,
        "enrolments.jte",
        Map.of(
            "v",
            console.view(c),
            "e",
            new AdminViews.EnrolmentsPage(
                paged(
                    c,
                    visible,
                    e ->
                        String.join(
                            " ",
                            e.id(),
                            e.kind(),
                            e.target(),
                            e.status(),
                            e.detail(),
                            String.join(" ", e.names()))),
                enrolments.isPresent(),
                PLATFORM.contains(scope.account().role()),
                done(c, "enrolments.done.", "approved", "rejected"))));
  }

  /** The pending request {@code id}, or 404 (also when this registry runs no built-in CA). */
  private Enrolments.Enrolment pendingRequest(Call c) {
    String id = c.request().path().pathParameters().get("id");
    Enrolments.Enrolment e =
        enrolments.stream()
            .flatMap(x -> x.list().stream())
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such request"));
    if (!e.status().equals("pending")) {
      throw new LgspException(ErrorCode.RESOURCE_CONFLICT, "the request is already " + e.status());
    }
    return e;
  }

  private static String describe(Enrolments.Enrolment e) {
    return "enrolment "
        + e.id()
        + " pending: "
        + e.kind()
        + " for "
        + e.target()
        + ", names "
        + e.names();
  }

  /**
   * Issues the certificate a request asks for: only when the names the form sends back are those
   * the request asks for (the administrator approves the names shown, not whatever the CSR holds).
   */
  private void approve(Call c) {
    Parameters form = form(c);
    Enrolments.Enrolment e = pendingRequest(c);
    List<String> names =
        java.util.Arrays.stream(form.first("names").orElse("").split(","))
            .map(String::strip)
            .filter(n -> !n.isEmpty())
            .toList();
    List<X509Certificate> chain = enrolments.orElseThrow().approve(e.id(), Optional.of(names));
    Changes.beforeAfter(
        describe(e), "approved, certificate serial " + chain.get(0).getSerialNumber().toString(16));
    Console.redirect(c, "/enrolments?done=approved");
  }

  private void reject(Call c) {
    Parameters form = form(c);
    Enrolments.Enrolment e = pendingRequest(c);
    String reason = form.first("reason").orElse("").strip();
    if (reason.isEmpty() || reason.length() > MAX_REASON) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "a rejection needs a reason of at most 500 characters");
    }
    enrolments.orElseThrow().reject(e.id(), reason);
    Changes.beforeAfter(describe(e), "rejected: " + reason);
    Console.redirect(c, "/enrolments?done=rejected");
  }

  // ---- trust anchors

  private void anchors(Call c) {
    anchorsPage(c, Status.OK_200, done(c, "anchors.done.", "imported"), Optional.empty(), "");
  }

  private void anchorsPage(
      Call c, Status status, Optional<String> notice, Optional<String> error, String pem) {
    Instant soon = clock.instant().plus(Duration.ofDays(30));
    List<Pages.CertificateRow> rows =
        registry.trustAnchors().stream()
            .map(
                a ->
                    new Pages.CertificateRow(
                        a.getSubjectX500Principal().getName(),
                        Certificates.fingerprint(a),
                        a.getNotAfter().toInstant(),
                        a.getNotAfter().toInstant().isBefore(soon)))
            .toList();
    console.page(
        c,
        status,
        "anchors.jte",
        Map.of(
            "v",
            console.view(c),
            "a",
            new AdminViews.AnchorsPage(
                paged(c, rows, a -> a.subject() + " " + a.fingerprint()),
                PLATFORM.contains(scope(c).account().role()),
                notice,
                error,
                pem)));
  }

  /**
   * Imports the CA certificate of the PEM text sent (pasted, or read from a chosen file by the
   * page's script): exactly one certificate, a CA's, usable now; anything else is shown back with
   * the reason and changes nothing.
   */
  private void importAnchor(Call c) {
    Parameters form = form(c);
    String pem = form.first("pem").orElse("");
    X509Certificate ca;
    try {
      ca = onePemCertificate(pem);
      registry.addTrustAnchor(ca);
    } catch (LgspException refused) {
      String key =
          switch (refused.code()) {
            case REQUEST_MALFORMED -> "anchors.error.pem";
            case CERTIFICATE_KEY_USAGE -> "anchors.error.notCa";
            case RESOURCE_CONFLICT -> "anchors.error.exists";
            default -> "anchors.error.invalid";
          };
      Changes.note("refused: " + refused.code().code() + ": " + refused.detail());
      anchorsPage(
          c,
          Status.create(refused.code().httpStatus()),
          Optional.empty(),
          Optional.of(key),
          pem.length() > MAX_PEM ? "" : pem);
      return;
    }
    Changes.beforeAfter(
        "no trust anchor " + Certificates.fingerprint(ca),
        "trust anchor "
            + ca.getSubjectX500Principal().getName()
            + " (SHA-256 "
            + Certificates.fingerprint(ca)
            + ")");
    Console.redirect(c, "/anchors?done=imported");
  }

  /** The one certificate of {@code pem} (Bouncy Castle's PEM reader), or request.malformed. */
  static X509Certificate onePemCertificate(String pem) {
    if (pem.isBlank() || pem.length() > MAX_PEM) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "send one PEM certificate of at most 64 KiB");
    }
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the text is not readable PEM");
    }
    if (objects.size() != 1 || !(objects.get(0) instanceof X509CertificateHolder holder)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "the PEM text must hold exactly one certificate (BEGIN CERTIFICATE), it holds "
              + objects.size()
              + " object(s)");
    }
    try {
      return Certificates.fromDer(holder.getEncoded());
    } catch (IOException | RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the certificate cannot be read");
    }
  }

  // ---- console accounts (platform administrators only)

  private void accountsPage(Call c) {
    Sessions.Session s = console.active(c.request()).orElseThrow();
    console.page(
        c,
        Status.OK_200,
        "accounts.jte",
        Map.of(
            "v",
            console.view(c),
            "a",
            new AdminViews.AccountsPage(
                paged(
                    c,
                    accounts.overview(),
                    o ->
                        String.join(
                            " ",
                            o.account().username(),
                            o.account().role().id(),
                            o.account().agency().map(ClientId::encoded).orElse(""))),
                registry.members(),
                s.account().username(),
                done(c, "accounts.done.", "totp", "unlock", "role"))));
  }

  /** The account {@code {id}} names, or 404. */
  private Account target(Call c) {
    String username = c.request().path().pathParameters().get("id");
    try {
      Accounts.requireUsername(username);
    } catch (IllegalArgumentException malformed) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such account");
    }
    return accounts
        .find(username)
        .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such account"));
  }

  /** A role and, for an agency administrator, the registered agency it administers. */
  private record RoleAndAgency(ConsoleRole role, Optional<ClientId> agency) {}

  private RoleAndAgency roleAndAgency(Parameters form) {
    ConsoleRole role =
        ConsoleRole.of(form.first("role").orElse(""))
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.REQUEST_MALFORMED,
                        "role is platform-admin, agency-admin, security-officer or auditor"));
    Optional<ClientId> agency = Optional.empty();
    if (role == ConsoleRole.AGENCY_ADMIN) {
      String raw = form.first("agency").orElse("").strip();
      agency =
          registry.members().stream()
              .map(Directory.Member::id)
              .filter(id -> id.encoded().equals(raw))
              .findFirst()
              .map(Optional::of)
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.REQUEST_MALFORMED,
                          "an agency administrator needs a registered agency (a member id)"));
    }
    return new RoleAndAgency(role, agency);
  }

  private static String describe(Account a) {
    return "account "
        + a.username()
        + " "
        + a.role().id()
        + a.agency().map(x -> " of " + x.encoded()).orElse("");
  }

  private void showSecret(Call c, View v, Account a, String password, String what) {
    console.page(
        c,
        Status.OK_200,
        "account-secret.jte",
        Map.of("v", v, "s", new AdminViews.SecretShown(a.username(), password, what)));
  }

  /** Creates an account; its random initial password is shown on this answer only. */
  private void createAccount(Call c) {
    Parameters form = form(c);
    String username = form.first("username").orElse("").strip();
    try {
      Accounts.requireUsername(username);
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, e.getMessage());
    }
    RoleAndAgency ra = roleAndAgency(form);
    String password = accounts.create(username, ra.role(), ra.agency());
    Account created = accounts.find(username).orElseThrow();
    Changes.beforeAfter("no account " + username, describe(created));
    showSecret(c, console.view(c), created, password, "accounts.created");
  }

  /** A new random password, shown on this answer only; the account's sessions end. */
  private void resetPassword(Call c) {
    form(c);
    Account a = target(c);
    View v = console.view(c); // before the sessions end: the administrator's own may be one
    String password = accounts.resetPassword(a.username());
    sessions.endAll(a.username());
    Changes.beforeAfter(describe(a) + ": password set", "password replaced (not recorded)");
    showSecret(c, v, a, password, "accounts.passwordReset");
  }

  private void resetTotp(Call c) {
    form(c);
    Account a = target(c);
    accounts.resetTotp(a.username());
    sessions.endAll(a.username());
    Changes.beforeAfter(
        describe(a) + (a.totpEnrolled() ? ": second factor set up" : ": no second factor"),
        "no second factor (set up at the next sign-in)");
    Console.redirect(c, "/accounts?done=totp");
  }

  private void unlock(Call c) {
    form(c);
    Account a = target(c);
    boolean locked = accounts.locked(a.username());
    accounts.unlock(a.username());
    Changes.beforeAfter(describe(a) + (locked ? ": locked" : ": not locked"), "unlocked");
    Console.redirect(c, "/accounts?done=unlock");
  }

  /** A new role and scope; refused when it would leave no platform administrator. */
  private void changeRole(Call c) {
    Parameters form = form(c);
    Account a = target(c);
    RoleAndAgency ra = roleAndAgency(form);
    Account changed = accounts.changeRole(a.username(), ra.role(), ra.agency());
    sessions.endAll(a.username());
    Changes.beforeAfter(describe(a), describe(changed));
    Console.redirect(c, "/accounts?done=role");
  }
}
