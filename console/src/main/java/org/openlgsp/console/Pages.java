package org.openlgsp.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.core.OpenApiDocument;
import org.openlgsp.registry.GrantPage;
import org.openlgsp.registry.Registry.GrantEntry;

/** The models of the pages that need more than a list. */
public final class Pages {
  private Pages() {}

  /** A certificate or the directory, and when it expires; {@code soon} within 30 days. */
  public record Expiry(String kind, Object argument, String name, Instant until, boolean soon) {}

  /** A node and the earliest expiry of its TLS certificates; {@code soon} within 30 days. */
  public record NodeRow(Directory.Node node, Optional<Instant> firstExpiry, boolean soon) {}

  /** A certificate as the trust anchors page lists it. */
  public record CertificateRow(
      String subject, String fingerprint, Instant notAfter, boolean soon) {}

  public record Dashboard(
      int agencies,
      int systems,
      int services,
      int grants,
      List<Expiry> expiries,
      Operations operations) {
    public Dashboard {
      expiries = List.copyOf(expiries);
    }
  }

  /**
   * What the gateways' operator APIs said for the dashboard: open alerts of the gateways and of the
   * registry node itself (for the roles that read alerts), the top agencies and services of the
   * last 24 hours, and the gateways that did not answer. {@code configured}: false when the console
   * asks no gateway.
   */
  public record Operations(
      boolean configured,
      Optional<Integer> openAlerts,
      List<Top> agencies,
      List<Top> services,
      List<String> unavailable) {
    public Operations {
      agencies = List.copyOf(agencies);
      services = List.copyOf(services);
      unavailable = List.copyOf(unavailable);
    }

    /** No gateway asked: only the registry node's own open alerts, when it has them. */
    static Operations none(Optional<Integer> openAlerts) {
      return new Operations(false, openAlerts, List.of(), List.of(), List.of());
    }
  }

  /** An agency or service and its calls and calls in error over every gateway. */
  public record Top(String id, String name, long calls, long errors) {}

  /** An alert and the gateway that raised it, or the registry node itself ({@code registry}). */
  public record AlertRow(String node, Gateways.Alert alert, boolean registry) {
    public AlertRow(String node, Gateways.Alert alert) {
      this(node, alert, false);
    }

    public boolean open() {
      return alert.state().equals("OPEN");
    }

    public String acknowledgedBy() {
      return alert.acknowledged() == null ? "" : alert.acknowledged().by();
    }
  }

  public record AlertsPage(
      Paged<AlertRow> list,
      boolean mayHandle,
      boolean configured,
      List<String> unavailable,
      Optional<String> notice) {
    public AlertsPage {
      unavailable = List.copyOf(unavailable);
    }
  }

  /** One gateway's figures by agency, or why it did not answer. */
  public record GatewayFigures(
      String node, List<org.openlgsp.statistics.Figures> rows, Optional<String> problem) {
    public GatewayFigures {
      rows = List.copyOf(rows);
    }

    public String csvHref(String from, String to) {
      return "/statistics/figures.csv"
          + Gateways.query(new java.util.TreeMap<>(Map.of("node", node, "from", from, "to", to)));
    }

    public String pdfHref(String month) {
      return "/statistics/report.pdf"
          + Gateways.query(new java.util.TreeMap<>(Map.of("node", node, "month", month)));
    }
  }

  public record StatisticsPage(
      String from,
      String to,
      List<GatewayFigures> gateways,
      boolean configured,
      boolean mayDownloadReport,
      String month) {
    public StatisticsPage {
      gateways = List.copyOf(gateways);
    }
  }

  /** The records search: the gateways to pick from, the search, one page and the next one. */
  public record RecordsPage(
      List<String> nodes,
      Map<String, String> search,
      List<Gateways.Record> records,
      Optional<String> nextHref) {
    public RecordsPage {
      nodes = List.copyOf(nodes);
      search = Map.copyOf(search);
      records = List.copyOf(records);
    }

    public String get(String name) {
      return search.getOrDefault(name, "");
    }

    /** This search exported as CSV ({@code /records.csv}). */
    public String csvHref() {
      return "/records.csv" + Gateways.query(new java.util.TreeMap<>(search));
    }
  }

  public record ServicePage(
      Directory.Service service,
      Optional<String> openApi,
      List<OpenApiDocument.Endpoint> endpoints) {
    public ServicePage {
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * The grants page: the matrix (client systems by services, each cell the methods granted), a page
   * of the list (keyset-paged: {@code query} the search, {@code paged} when it is not the first
   * page), and what the viewer may create.
   */
  public record GrantsPage(
      List<String> matrixClients,
      List<String> matrixServices,
      Map<String, String> cells,
      GrantPage list,
      String query,
      boolean paged,
      List<Directory.SystemEntry> clients,
      List<Directory.Service> ownServices,
      Scope scope,
      Optional<String> notice) {
    public GrantsPage {
      matrixClients = List.copyOf(matrixClients);
      matrixServices = List.copyOf(matrixServices);
      cells = Map.copyOf(cells);
      clients = List.copyOf(clients);
      ownServices = List.copyOf(ownServices);
    }

    public String cell(String client, String service) {
      return cells.getOrDefault(client + " " + service, "");
    }

    public String paths(GrantEntry e) {
      return String.join(", ", e.grant().pathPatterns().stream().map(Object::toString).toList());
    }

    public boolean mayChange(GrantEntry e) {
      return scope.mayChangeGrant(e.grant());
    }

    public boolean mayCreate() {
      return scope.mayChangeGrants() && !ownServices.isEmpty();
    }
  }
}
