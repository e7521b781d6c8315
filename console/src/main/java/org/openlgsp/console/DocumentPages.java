package org.openlgsp.console;

import io.helidon.http.Status;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.documents.DocumentHistory;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.documents.SentItem;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;

/**
 * The document axis pages (docs/console.md): an agency's inbox, the packages it sent with each
 * recipient's delivery state, and a document's status history. Read-only. An agency administrator
 * sees only its own agency (the agency named in the request is ignored); the other roles choose
 * among the configured agencies. The axis is always asked with the shown agency's own token.
 */
public final class DocumentPages {
  /** Why a page shows no documents: its message key and the page's HTTP status. */
  enum Notice {
    NONE("", Status.OK_200),
    NOT_CONFIGURED("documents.not_configured", Status.OK_200),
    UNKNOWN_AGENCY("documents.unknown_agency", Status.NOT_FOUND_404),
    NOT_FOUND("documents.not_found", Status.NOT_FOUND_404),
    UNAVAILABLE("documents.unavailable", Status.BAD_GATEWAY_502);

    final String key;
    final Status status;

    Notice(String key, Status status) {
      this.key = key;
      this.status = status;
    }
  }

  /** The inbox or sent list of one agency. */
  public record ListPage(
      String tab,
      List<String> agencies,
      String agency,
      String notice,
      Paged<InboxItem> inbox,
      Paged<SentItem> sent) {
    public String historyHref(String documentId, String sender) {
      return DocumentPages.historyHref(agency, documentId, sender);
    }

    public String pageHref(int page) {
      return "/documents"
          + (tab.equals("sent") ? "/sent" : "")
          + "?agency="
          + enc(agency)
          + "&q="
          + enc(inbox.query())
          + "&page="
          + page;
    }

    public String at(long epochMillis) {
      return Instant.ofEpochMilli(epochMillis).toString();
    }

    public int page() {
      return tab.equals("sent") ? sent.page() : inbox.page();
    }

    public int pages() {
      return tab.equals("sent") ? sent.pages() : inbox.pages();
    }

    /** The shown agency's code on the axis (its member code). */
    public String code() {
      return agency.substring(agency.lastIndexOf('/') + 1);
    }
  }

  /** One document's history as the shown agency may see it. */
  public record HistoryPage(
      String agency,
      String documentId,
      String sender,
      String notice,
      Optional<DocumentHistory> history) {
    public String at(long epochMillis) {
      return Instant.ofEpochMilli(epochMillis).toString();
    }
  }

  private final Console console;
  private final Optional<AxisLink> axis;

  DocumentPages(Console console, Optional<AxisLink> axis) {
    this.console = console;
    this.axis = axis;
  }

  List<Route> routes() {
    String read = "a page read; the axis shows only the agency's own documents";
    return List.of(
        Console.roles(Route.get("/documents"), Console.ALL)
            .audit(Audit.notAudited(read))
            .handle(c -> list(c, "inbox")),
        Console.roles(Route.get("/documents/sent"), Console.ALL)
            .audit(Audit.notAudited(read))
            .handle(c -> list(c, "sent")),
        Console.roles(Route.get("/documents/history"), Console.ALL)
            .audit(Audit.notAudited(read))
            .handle(this::history));
  }

  private void list(Call c, String tab) {
    int size = console.pageSize();
    int page = console.pageNumber(c);
    String q = Console.query(c);
    Notice notice = Notice.NOT_CONFIGURED;
    List<InboxItem> inbox = List.of();
    List<SentItem> sent = List.of();
    Optional<ClientId> agency = agency(c);
    if (axis.isPresent()) {
      notice = Notice.UNKNOWN_AGENCY;
      if (agency.isPresent()) {
        AxisLink.Outcome<?> o =
            tab.equals("sent") ? axis.get().sent(agency.get()) : axis.get().inbox(agency.get());
        notice = notice(o);
        if (o instanceof AxisLink.Outcome.Found<?> f && tab.equals("sent")) {
          sent = cast(f.value());
        } else if (o instanceof AxisLink.Outcome.Found<?> f) {
          inbox = cast(f.value());
        }
      }
    }
    ListPage model =
        new ListPage(
            tab,
            choices(),
            agency.map(ClientId::encoded).orElse(""),
            notice.key,
            Paged.of(
                inbox, i -> i.subject() + " " + i.documentId() + " " + i.sender(), q, page, size),
            Paged.of(sent, s -> s.subject() + " " + s.documentId(), q, page, size));
    console.page(c, notice.status, "documents.jte", Map.of("v", console.view(c), "d", model));
  }

  private void history(Call c) {
    var query = c.request().query();
    String documentId = query.first("documentId").orElse("").strip();
    String sender = query.first("sender").orElse("").strip();
    Optional<ClientId> agency = agency(c);
    Notice notice = axis.isEmpty() ? Notice.NOT_CONFIGURED : Notice.UNKNOWN_AGENCY;
    Optional<DocumentHistory> history = Optional.empty();
    if (axis.isPresent() && agency.isPresent()) {
      Optional<AgencyCode> from = agencyCode(sender);
      if (documentId.isEmpty() || documentId.length() > 500 || from.isEmpty()) {
        notice = Notice.NOT_FOUND;
      } else {
        AxisLink.Outcome<DocumentHistory> o =
            axis.get().history(agency.get(), documentId, from.get());
        notice = notice(o);
        if (o instanceof AxisLink.Outcome.Found<DocumentHistory> f) {
          history = Optional.of(f.value());
        }
      }
    }
    HistoryPage model =
        new HistoryPage(
            agency.map(ClientId::encoded).orElse(""), documentId, sender, notice.key, history);
    console.page(c, notice.status, "document.jte", Map.of("v", console.view(c), "h", model));
  }

  /**
   * The agency shown: an agency administrator's own (whatever the request names); for the other
   * roles the one named if configured, else the first configured. Empty: none to show.
   */
  private Optional<ClientId> agency(Call c) {
    if (axis.isEmpty()) {
      return Optional.empty();
    }
    Optional<ClientId> own = console.view(c).user().flatMap(Account::agency);
    if (own.isPresent()) {
      return own.filter(axis.get()::knows);
    }
    Optional<String> named = c.request().query().first("agency").asOptional();
    if (named.isEmpty() || named.get().isBlank()) {
      return axis.get().agencies().stream().findFirst();
    }
    try {
      return Optional.of(ClientId.parse(named.get())).filter(axis.get()::knows);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The agencies a non-agency role may choose among (an agency administrator chooses none). */
  private List<String> choices() {
    return axis.map(a -> a.agencies().stream().map(ClientId::encoded).toList()).orElse(List.of());
  }

  private static Optional<AgencyCode> agencyCode(String code) {
    try {
      return Optional.of(AgencyCode.parse(code));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Notice notice(AxisLink.Outcome<?> o) {
    return switch (o) {
      case AxisLink.Outcome.Found<?> f -> Notice.NONE;
      case AxisLink.Outcome.NotFound<?> n -> Notice.NOT_FOUND;
      case AxisLink.Outcome.Unavailable<?> u -> Notice.UNAVAILABLE;
    };
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> cast(Object list) {
    return (List<T>) list;
  }

  /**
   * A delivery state of the axis ({@code inbox}, {@code acknowledged}...) in the page's language;
   * one this console does not know is shown as the axis names it.
   */
  public static String state(View v, String state) {
    try {
      return v.t("documents.state." + state);
    } catch (java.util.MissingResourceException e) {
      return state;
    }
  }

  static String historyHref(String agency, String documentId, String sender) {
    return "/documents/history?agency="
        + enc(agency)
        + "&documentId="
        + enc(documentId)
        + "&sender="
        + enc(sender);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
