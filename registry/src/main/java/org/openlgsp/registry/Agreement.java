package org.openlgsp.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;

/**
 * What two OpenLGSP instances agree to exchange (docs/federation.md): the two parties with their
 * registries' directory-signing certificates (pinned), per direction the services the exporter
 * offers and the importer's clients that may call them, and the validity window. Signed by both
 * registries as a {@link SignedAgreement}.
 */
public record Agreement(
    String id, Instant notBefore, Instant notAfter, List<Party> parties, List<Export> exports) {

  /** A party: its instance and its registry's directory-signing certificate (base64 DER). */
  public record Party(String instance, String registryCertificate) {
    public Party {
      ClientId.member(instance, "X", "X"); // refuses an invalid instance part
      Objects.requireNonNull(registryCertificate, "registryCertificate");
    }
  }

  /**
   * What {@code from} exports to {@code to}: its services matching {@code services}, callable by
   * {@code to}'s systems matching {@code clients}.
   */
  public record Export(String from, String to, List<Selector> services, List<Selector> clients) {
    public Export {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      services = services == null ? List.of() : List.copyOf(services);
      clients = clients == null ? List.of() : List.copyOf(clients);
    }
  }

  public Agreement {
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,100}")) {
      throw invalid("agreement id must be 1 to 100 of A-Z a-z 0-9 . _ -");
    }
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    if (!notAfter.isAfter(notBefore)) {
      throw invalid("notAfter must be after notBefore");
    }
    parties = List.copyOf(parties);
    exports = exports == null ? List.of() : List.copyOf(exports);
    if (parties.size() != 2 || parties.get(0).instance().equals(parties.get(1).instance())) {
      throw invalid("an agreement has exactly two parties of different instances");
    }
    java.util.Set<String> instances =
        java.util.Set.of(parties.get(0).instance(), parties.get(1).instance());
    for (Export e : exports) {
      if (!instances.contains(e.from()) || !instances.contains(e.to()) || e.from().equals(e.to())) {
        throw invalid("export " + e.from() + " → " + e.to() + " does not go between the parties");
      }
    }
  }

  public Optional<Party> party(String instance) {
    return parties.stream().filter(p -> p.instance().equals(instance)).findFirst();
  }

  /** The party that is not {@code instance}. */
  public Party other(String instance) {
    Party p = party(instance).orElseThrow(() -> invalid(instance + " is not a party to " + id));
    return parties.get(0).equals(p) ? parties.get(1) : parties.get(0);
  }

  /** True when {@code from} exports {@code service} (one of its own) to {@code to}. */
  public boolean exports(String from, String to, ServiceId service) {
    return service.provider().instance().equals(from)
        && exportsOf(from, to).stream()
            .anyMatch(e -> e.services().stream().anyMatch(s -> s.matches(service)));
  }

  /** True when {@code client} (a system of {@code to}) may call what {@code from} exports. */
  public boolean admitsClient(String from, String to, ClientId client) {
    return client.instance().equals(to)
        && client.isSubsystem()
        && exportsOf(from, to).stream()
            .anyMatch(e -> e.clients().stream().anyMatch(s -> s.matches(client)));
  }

  public boolean validAt(Instant now) {
    return !now.isBefore(notBefore) && now.isBefore(notAfter);
  }

  private List<Export> exportsOf(String from, String to) {
    return exports.stream().filter(e -> e.from().equals(from) && e.to().equals(to)).toList();
  }

  static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.FEDERATION_AGREEMENT_INVALID, detail);
  }
}
