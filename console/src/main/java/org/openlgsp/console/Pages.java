package org.openlgsp.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.core.OpenApiDocument;
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
      int agencies, int systems, int services, int grants, List<Expiry> expiries) {
    public Dashboard {
      expiries = List.copyOf(expiries);
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
   * The grants page: the matrix (client systems by services, each cell the methods granted), the
   * paged list, and what the viewer may create.
   */
  public record GrantsPage(
      List<String> matrixClients,
      List<String> matrixServices,
      Map<String, String> cells,
      Paged<GrantEntry> list,
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
