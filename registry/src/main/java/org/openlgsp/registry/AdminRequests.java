package org.openlgsp.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Request bodies of the admin API, shared by {@link RegistryServer} and {@link RegistryClient};
 * each validates its shape, the registry validates meaning.
 */
public final class AdminRequests {
  private AdminRequests() {}

  public record Enrolment(String kind, String target, String csr) {
    public Enrolment {
      required(kind, "kind");
      required(target, "target");
      required(csr, "csr");
    }
  }

  public record TrustAnchor(String certificate) {
    public TrustAnchor {
      required(certificate, "certificate");
    }
  }

  /**
   * An approval; {@code names}, when given, must be exactly the names the request asks for (the
   * administrator approves what was shown). Absent or null: approve whatever it asks for.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Approval(List<String> names) {
    public Approval {
      names = names == null ? null : List.copyOf(names);
    }

    public Optional<List<String>> expectedNames() {
      return Optional.ofNullable(names);
    }
  }

  public record Rejection(String reason) {
    public Rejection {
      required(reason, "reason");
    }
  }

  public record Member(String id, String name) {
    public Member {
      required(id, "id");
      required(name, "name");
    }
  }

  /** A member's signing or encryption certificate (PEM), as the admin API takes it. */
  public record MemberCertificate(String member, String certificate) {
    public MemberCertificate {
      required(member, "member");
      required(certificate, "certificate");
    }
  }

  /**
   * A gateway node; {@code ledgerApi} is where its ledger API listens, published in the directory
   * for the citizen data tracker (empty: none).
   */
  public record Node(String id, String address, List<String> tlsCertificates, String ledgerApi) {
    public Node {
      required(id, "id");
      required(address, "address");
      tlsCertificates = tlsCertificates == null ? List.of() : List.copyOf(tlsCertificates);
      ledgerApi = ledgerApi == null ? "" : ledgerApi;
    }

    public Node(String id, String address, List<String> tlsCertificates) {
      this(id, address, tlsCertificates, "");
    }

    /** A node whose TLS certificates come later (enrolment, or an add-tls-certificate). */
    public Node(String id, String address) {
      this(id, address, List.of());
    }
  }

  public record NodeCertificate(String node, String certificate) {
    public NodeCertificate {
      required(node, "node");
      required(certificate, "certificate");
    }
  }

  public record SystemEntry(String id, String name, String node) {
    public SystemEntry {
      required(id, "id");
      required(name, "name");
      required(node, "node");
    }
  }

  /**
   * A service; {@code openapi}, its OpenAPI document (JSON or YAML), is absent from the JSON when
   * the service has none.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Service(String id, String backendUrl, String subjectLocator, String openapi) {
    public Service {
      required(id, "id");
      required(backendUrl, "backendUrl");
      subjectLocator = subjectLocator == null ? "" : subjectLocator;
    }

    /** A service without an OpenAPI document. */
    public Service(String id, String backendUrl, String subjectLocator) {
      this(id, backendUrl, subjectLocator, null);
    }

    /** The OpenAPI document, when the service has one. */
    public Optional<String> openApiDocument() {
      return Optional.ofNullable(openapi);
    }
  }

  /**
   * A service's schema check (docs/privacy.md, "Data quality"): {@code mode} is {@code off}, {@code
   * warn} or {@code block}.
   */
  public record SchemaCheckChange(String id, String mode) {
    public SchemaCheckChange {
      required(id, "id");
      required(mode, "mode");
    }
  }

  /**
   * A grant; {@code policy} (absent: none) carries its purposes, officer requirement, response
   * allow-list and masks (docs/privacy.md), validated as it is read.
   */
  public record Grant(
      String client,
      String service,
      List<String> methods,
      List<String> pathPatterns,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          org.openlgsp.core.PrivacyPolicy policy) {
    public Grant {
      required(client, "client");
      required(service, "service");
      methods = methods == null ? List.of() : List.copyOf(methods);
      pathPatterns = pathPatterns == null ? List.of() : List.copyOf(pathPatterns);
      policy = policy == null ? org.openlgsp.core.PrivacyPolicy.OPEN : policy;
    }

    /** A grant without a privacy policy. */
    public Grant(String client, String service, List<String> methods, List<String> pathPatterns) {
      this(client, service, methods, pathPatterns, org.openlgsp.core.PrivacyPolicy.OPEN);
    }
  }

  /**
   * A data subject's consent to record: {@code subject} is the personal ID (the registry keeps only
   * its keyed hash), {@code recipient} the agency (member id) it is given to.
   */
  public record Consent(
      String subject,
      String category,
      String recipient,
      String purpose,
      java.time.Instant validFrom,
      java.time.Instant validTo) {
    public Consent {
      required(subject, "subject");
      required(category, "category");
      required(recipient, "recipient");
      required(purpose, "purpose");
      if (validFrom == null || validTo == null) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "validFrom and validTo are required");
      }
    }

    /** Its text form, with the ID masked, so it is never printed whole. */
    @Override
    public String toString() {
      return "Consent[" + category + " to " + recipient + " for " + purpose + "]";
    }
  }

  /** Whose consents to list: the personal ID travels in the body, never in a URL. */
  public record ConsentQuery(String subject) {
    public ConsentQuery {
      required(subject, "subject");
    }

    @Override
    public String toString() {
      return "ConsentQuery[…]";
    }
  }

  /**
   * A personal-data breach to record (docs/privacy.md "Incidents"); the register checks the meaning
   * (lengths, the systems against the directory, no detection in the future).
   */
  public record BreachRecord(
      java.time.Instant detectedAt,
      String reportedBy,
      String description,
      List<String> categories,
      Long subjectsApprox,
      List<String> systems,
      String consequences,
      String measures) {
    public BreachRecord {
      if (subjectsApprox == null) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "subjectsApprox is required");
      }
      systems = systems == null ? List.of() : systems;
    }

    Breaches.NewBreach toNew() {
      return new Breaches.NewBreach(
          detectedAt,
          reportedBy,
          description,
          categories,
          subjectsApprox,
          systems,
          consequences,
          measures);
    }
  }

  /** A note for a breach's timeline, or the text that closes it. */
  public record BreachNote(String text) {
    public BreachNote {
      required(text, "text");
    }
  }

  /** That the authority was notified; {@code delayReason} is required after the deadline. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BreachNotification(
      java.time.Instant notifiedAt, String reference, String delayReason) {
    Breaches.Notification toNotification() {
      return new Breaches.Notification(notifiedAt, reference, Optional.ofNullable(delayReason));
    }
  }

  /** When the data subjects were told. */
  public record BreachSubjectsNotified(java.time.Instant at) {
    public BreachSubjectsNotified {
      if (at == null) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "at is required");
      }
    }
  }

  private static void required(String value, String name) {
    if (Objects.requireNonNullElse(value, "").isBlank()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, name + " is required");
    }
  }
}
