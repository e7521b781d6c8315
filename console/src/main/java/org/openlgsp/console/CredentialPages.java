package org.openlgsp.console;

import io.helidon.common.parameters.Parameters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;

/**
 * The node-local console's page of local systems' credentials (docs/console.md): every role lists
 * them (an agency administrator its agency's systems' only); platform and agency administrators
 * create, rotate and revoke them. A new secret is on the one answer that made it and never again; a
 * revocation is asked for twice (a confirmation page, then its form). Each change carries the
 * session's anti-forgery token and is audited with the credential before and after, never the
 * secret.
 */
public final class CredentialPages {
  static final Set<ConsoleRole> MANAGERS =
      EnumSet.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.AGENCY_ADMIN);

  /** The list page: one page of credentials, the systems a new one may be for, and a notice. */
  public record ListPage(
      Paged<SystemCredentials.Credential> list,
      List<ClientId> systems,
      boolean mayChange,
      Optional<String> notice) {
    public ListPage {
      systems = List.copyOf(systems);
    }
  }

  /** A secret shown once: {@code what} is the message key of what happened. */
  public record SecretShown(SystemCredentials.Credential credential, String secret, String what) {
    @Override
    public String toString() {
      return "SecretShown[" + credential.clientId() + ", secret=(not shown)]";
    }
  }

  private final SignIn signIn;
  private final SystemCredentials store;
  private final int pageSize;

  CredentialPages(SignIn signIn, SystemCredentials store, int pageSize) {
    this.signIn = signIn;
    this.store = store;
    this.pageSize = pageSize;
  }

  List<Route> routes() {
    List<Route> r = new ArrayList<>();
    r.add(
        SignIn.roles(Route.get("/credentials"), NodeConsole.ALL)
            .audit(Audit.notAudited("ids and times; never a secret"))
            .handle(this::list));
    r.add(
        SignIn.roles(Route.post("/credentials"), MANAGERS)
            .audited("console.credential.create")
            .handle(this::create));
    r.add(
        SignIn.roles(Route.post("/credentials/{clientId}/rotate"), MANAGERS)
            .audited("console.credential.rotate")
            .handle(this::rotate));
    r.add(
        SignIn.roles(Route.get("/credentials/{clientId}/revoke"), MANAGERS)
            .audit(Audit.notAudited("a confirmation form"))
            .handle(this::confirmRevoke));
    r.add(
        SignIn.roles(Route.post("/credentials/{clientId}/revoke"), MANAGERS)
            .audited("console.credential.revoke")
            .handle(this::revoke));
    return r;
  }

  private Scope scope(Call c) {
    return new Scope(signIn.account(c));
  }

  private static String actor(Call c, Scope scope) {
    return "console:" + scope.account().username();
  }

  private void list(Call c) {
    Scope scope = scope(c);
    List<SystemCredentials.Credential> seen =
        store.list().stream().filter(x -> scope.sees(x.system())).toList();
    Optional<String> notice =
        c.request()
            .query()
            .first("done")
            .filter(d -> d.equals("revoked"))
            .map(d -> "credentials.revoked");
    ListPage p =
        new ListPage(
            NodeConsole.paged(c, seen, x -> x.clientId() + " " + x.system().encoded(), pageSize),
            store.systems().stream()
                .filter(scope::sees)
                .sorted(java.util.Comparator.comparing(ClientId::encoded))
                .toList(),
            MANAGERS.contains(scope.account().role()),
            notice);
    signIn.page(c, "node-credentials.jte", Map.of("v", signIn.view(c), "p", p));
  }

  private Parameters form(Call c) {
    return signIn.form(c, signIn.active(c.request()).orElseThrow());
  }

  /** A new credential for a system this account sees; its secret on this answer only. */
  private void create(Call c) {
    Parameters form = form(c);
    Scope scope = scope(c);
    String text = form.first("system").orElse("").strip();
    ClientId system;
    try {
      system = ClientId.parse(text);
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "system must be a subsystem id");
    }
    if (!system.isSubsystem()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "system must be a subsystem id");
    }
    if (!scope.sees(system)) { // another agency's: as if it were not served here
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND, "this gateway serves no local system " + system.encoded());
    }
    SystemCredentials.Issued issued = store.create(system, actor(c, scope));
    Changes.beforeAfter("no credential", issued.credential().describe() + " (secret not recorded)");
    showSecret(c, issued, "credentials.created");
  }

  private void rotate(Call c) {
    form(c);
    Scope scope = scope(c);
    SystemCredentials.Credential before = target(c, scope);
    SystemCredentials.Issued issued = store.rotate(before.clientId(), actor(c, scope));
    Changes.beforeAfter(
        before.describe(),
        issued.credential().describe()
            + ", secret replaced (not recorded)"
            + issued
                .credential()
                .previousValidUntil()
                .map(t -> ", previous secret valid until " + t)
                .orElse(""));
    showSecret(c, issued, "credentials.rotated");
  }

  private void confirmRevoke(Call c) {
    SystemCredentials.Credential target = target(c, scope(c));
    if (target.revoked()) {
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT, "credential " + target.clientId() + " is revoked");
    }
    signIn.page(c, "credential-revoke.jte", Map.of("v", signIn.view(c), "c", target));
  }

  /** Revokes at once; only with the confirmation page's {@code confirm=yes}. */
  private void revoke(Call c) {
    Parameters form = form(c);
    Scope scope = scope(c);
    SystemCredentials.Credential before = target(c, scope);
    if (!form.first("confirm").filter("yes"::equals).isPresent()) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "a revocation is confirmed on its own page first");
    }
    SystemCredentials.Credential after = store.revoke(before.clientId(), actor(c, scope));
    Changes.beforeAfter(before.describe(), after.describe());
    SignIn.redirect(c, "/credentials?done=revoked");
  }

  /** The credential the path names, if this account sees its system; else 404. */
  private SystemCredentials.Credential target(Call c, Scope scope) {
    String id = c.request().path().pathParameters().get("clientId");
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "not a credential's client id");
    }
    return store.list().stream()
        .filter(x -> x.clientId().equals(id) && scope.sees(x.system()))
        .findFirst()
        .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no credential " + id));
  }

  private void showSecret(Call c, SystemCredentials.Issued issued, String what) {
    // stored nowhere: the security headers of every page say Cache-Control: no-store
    signIn.page(
        c,
        "credential-secret.jte",
        Map.of(
            "v", signIn.view(c), "s", new SecretShown(issued.credential(), issued.secret(), what)));
  }
}
