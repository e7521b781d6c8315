package org.openlgsp.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry's view of the federation that every gateway acts on: members with their signing
 * certificates, their systems and the node that hosts each, gateway nodes with their TLS
 * certificates, services and access grants, and the CA certificates (base64 DER) trusted to issue
 * members' and nodes' certificates — the built-in CA's and imported external ones. Published signed
 * ({@link SignedDocument} of kind {@link #SIGNED}); a gateway trusts nothing that is not in the
 * last valid one.
 */
public record Directory(
    String instance,
    long serial,
    Instant issuedAt,
    Instant expiresAt,
    List<Member> members,
    List<SystemEntry> systems,
    List<Node> nodes,
    List<Service> services,
    List<Grant> grants,
    List<String> trustAnchors,
    // Both left out of the JSON when empty, so directories without consents or federated
    // instances stay readable by gateways that predate the fields.
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<Consent> consents,
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<Federated> federated) {
  /** A directory as the registry signs and publishes it. */
  public static final SignedDocument.Kind<Directory> SIGNED =
      new SignedDocument.Kind<>(Directory.class, ErrorCode.DIRECTORY_INVALID, "directory");

  public Directory {
    Identifiers.requirePart("instance", instance);
    if (serial < 1) {
      throw new IllegalArgumentException("serial must be positive");
    }
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("expiresAt must be after issuedAt");
    }
    members = List.copyOf(members);
    systems = List.copyOf(systems);
    nodes = List.copyOf(nodes);
    services = List.copyOf(services);
    grants = List.copyOf(grants);
    // Absent in directories published before trust anchors existed.
    trustAnchors = trustAnchors == null ? List.of() : List.copyOf(trustAnchors);
    consents = consents == null ? List.of() : List.copyOf(consents); // absent: none
    federated = federated == null ? List.of() : List.copyOf(federated);
    for (Federated f : federated) {
      if (f.instance().equals(instance)) {
        throw new IllegalArgumentException("an instance cannot be federated with itself");
      }
    }
  }

  /**
   * An agency: member code, display name, the certificates its signatures may be made with, and the
   * key agreement certificates messages relayed through a hub are encrypted to (base64 DER).
   */
  public record Member(
      ClientId id,
      String name,
      List<String> signingCertificates,
      List<String> encryptionCertificates) {
    public Member {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      if (id.isSubsystem()) {
        throw new IllegalArgumentException("member id " + id + " must not name a subsystem");
      }
      signingCertificates = List.copyOf(signingCertificates);
      // Absent in directories and catalogues published before hub mode: none.
      encryptionCertificates =
          encryptionCertificates == null ? List.of() : List.copyOf(encryptionCertificates);
    }
  }

  /** An information system (X-Road subsystem) and the gateway node that serves it. */
  public record SystemEntry(ClientId id, String name, NodeId node) {
    public SystemEntry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(node, "node");
      if (!id.isSubsystem()) {
        throw new IllegalArgumentException("system id " + id + " must name a subsystem");
      }
    }
  }

  /**
   * A gateway node: where peers reach it ({@code https://host:port}), its TLS certificates, and
   * where its ledger API is ({@code ledgerApi}, {@code http(s)://host:port}; empty when it
   * publishes none): the registry's citizen data tracker asks every node that publishes one.
   */
  public record Node(
      NodeId id,
      String address,
      List<String> tlsCertificates,
      // Left out of the JSON when empty, so directories without it stay readable by gateways
      // that predate the field (they refuse unknown properties).
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String ledgerApi) {
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(address, "address");
      if (!address.startsWith("https://")) {
        throw new IllegalArgumentException("node address must be https://host:port");
      }
      tlsCertificates = List.copyOf(tlsCertificates);
      ledgerApi = ledgerApi == null ? "" : ledgerApi;
      if (!ledgerApi.isEmpty()
          && !ledgerApi.startsWith("http://")
          && !ledgerApi.startsWith("https://")) {
        throw new IllegalArgumentException("node ledgerApi must be http(s)://host:port");
      }
    }

    /** A node that publishes no ledger API. */
    public Node(NodeId id, String address, List<String> tlsCertificates) {
      this(id, address, tlsCertificates, "");
    }
  }

  /**
   * A service: the backend the provider's gateway forwards to, and, for services returning personal
   * data, where the data subject's identifier sits in the request ({@link SubjectLocator#NONE} when
   * none), its OpenAPI document ({@code openApi}, empty when none) and how the provider's gateway
   * checks exchanges against it ({@code schemaCheck}, docs/privacy.md "Data quality").
   */
  public record Service(
      ServiceId id,
      String backendUrl,
      SubjectLocator subjectLocator,
      // Left out of the JSON when empty, so directories without documents stay readable by
      // gateways that predate the field (they refuse unknown properties).
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String openApi,
      // Left out when off, for the same reason (docs/privacy.md, "Data quality").
      @com.fasterxml.jackson.annotation.JsonInclude(
              value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
              valueFilter = SchemaCheck.OffFilter.class)
          SchemaCheck schemaCheck) {
    public Service {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(backendUrl, "backendUrl");
      Objects.requireNonNull(subjectLocator, "subjectLocator");
      if (!backendUrl.startsWith("http://") && !backendUrl.startsWith("https://")) {
        throw new IllegalArgumentException("backend URL must be http(s)://");
      }
      openApi = openApi == null ? "" : openApi; // absent in directories without a document
      schemaCheck = schemaCheck == null ? SchemaCheck.OFF : schemaCheck; // absent when off
    }

    /** A service without an OpenAPI document. */
    public Service(ServiceId id, String backendUrl, SubjectLocator subjectLocator) {
      this(id, backendUrl, subjectLocator, "", SchemaCheck.OFF);
    }

    /**
     * The service's OpenAPI document (JSON or YAML) as registered, which the metaservices {@code
     * getOpenAPI} and {@code listMethods} answer from.
     */
    public Optional<String> openApiDocument() {
      return openApi.isEmpty() ? Optional.empty() : Optional.of(openApi);
    }

    /**
     * A service whose subject locator is in its text form.
     *
     * @throws LgspException {@code request.malformed} when {@code subjectLocator} is not one
     */
    public Service(ServiceId id, String backendUrl, String subjectLocator) {
      this(id, backendUrl, SubjectLocator.parse(subjectLocator), "", SchemaCheck.OFF);
    }
  }

  /**
   * Permission for a client system to call a service, optionally narrowed to HTTP methods and path
   * patterns (empty lists mean every method or every path), and by a {@link PrivacyPolicy}: allowed
   * purposes, officer required, response minimisation and masking (docs/privacy.md).
   */
  public record Grant(
      ClientId client,
      ServiceId service,
      List<String> methods,
      List<PathPattern> pathPatterns,
      // Left out of the JSON when open, so directories without policies stay readable by gateways
      // that predate the field (they refuse unknown properties).
      @com.fasterxml.jackson.annotation.JsonInclude(
              value = com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
              valueFilter = OpenPolicy.class)
          PrivacyPolicy policy) {
    public Grant {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(service, "service");
      methods = List.copyOf(methods);
      pathPatterns = List.copyOf(pathPatterns);
      policy = policy == null ? PrivacyPolicy.OPEN : policy; // absent: open
    }

    /** A grant without a privacy policy. */
    public Grant(
        ClientId client, ServiceId service, List<String> methods, List<PathPattern> pathPatterns) {
      this(client, service, methods, pathPatterns, PrivacyPolicy.OPEN);
    }
  }

  /** Jackson's filter leaving an open policy out of the JSON (equals: true means "leave out"). */
  static final class OpenPolicy {
    @Override
    public boolean equals(Object value) {
      return value == null || (value instanceof PrivacyPolicy p && p.isOpen());
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /**
   * A data subject's consent, as published (docs/privacy.md): the subject only as a keyed hash
   * ({@link KeyedHash} under the consent key the registry and provider gateways share), the data
   * category, the recipient agency (a member), the purpose (as grants name purposes) and the time
   * it is valid in. Withdrawn consents are not published. {@code id} is the registry's consent id
   * (empty in a directory published before consents carried it).
   */
  public record Consent(
      String id,
      String subjectHash,
      String category,
      ClientId recipient,
      String purpose,
      Instant validFrom,
      Instant validTo) {
    public Consent {
      id = id == null ? "" : id;
      Objects.requireNonNull(subjectHash, "subjectHash");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(validFrom, "validFrom");
      Objects.requireNonNull(validTo, "validTo");
      if (recipient.isSubsystem()) {
        throw new IllegalArgumentException("a consent's recipient is an agency, not a system");
      }
    }

    /**
     * The consent's digest as granted: SHA-256 (base64) over its fields, one per line in component
     * order ({@code id}, {@code subjectHash}, {@code category}, {@code recipient}, {@code purpose},
     * {@code validFrom}, {@code validTo}; instants as ISO-8601 UTC), UTF-8. The registry's consent
     * log records it when the consent is granted and the provider gateway records it with every
     * exchange the consent admitted, so the two can be matched and a changed consent row detected
     * (docs/privacy.md, "Consent log").
     */
    public String digest() {
      String text =
          String.join(
              "\n",
              id,
              subjectHash,
              category,
              recipient.toString(),
              purpose,
              validFrom.toString(),
              validTo.toString());
      return Digests.base64(Digests.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Whether it covers {@code purposeCode} for {@code member} at {@code now}. */
    public boolean covers(String category, ClientId member, String purposeCode, Instant now) {
      return this.category.equals(category)
          && recipient.equals(member)
          && purpose.equals(purposeCode)
          && !now.isBefore(validFrom)
          && now.isBefore(validTo);
    }
  }

  /**
   * Another instance whose federated catalogue this directory carries (docs/federation.md): the
   * entries whose identifiers name {@code instance} come from its catalogue of serial {@code
   * serial}, signed by that instance's registry under {@code agreement}, and are not to be used
   * after {@code expiresAt} whatever the directory's own expiry. {@code trustAnchors} are that
   * instance's CA certificates (base64 DER), also listed in the directory's {@code trustAnchors}.
   * {@code hub} is the node exchanges with that instance are relayed through (hub mode), empty when
   * they go gateway to gateway: a node of this instance its registry was configured with, or the
   * peer's hub node as its verified catalogue names it (docs/federation.md, "Hub mode").
   */
  public record Federated(
      String instance,
      String agreement,
      long serial,
      Instant expiresAt,
      List<String> trustAnchors,
      // Left out when empty, so directories without a hub stay readable by older gateways.
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String hub) {
    public Federated {
      Identifiers.requirePart("instance", instance);
      Objects.requireNonNull(agreement, "agreement");
      Objects.requireNonNull(expiresAt, "expiresAt");
      trustAnchors = trustAnchors == null ? List.of() : List.copyOf(trustAnchors);
      hub = hub == null ? "" : hub; // absent: exchanges go directly
      if (!hub.isEmpty()) {
        NodeId.parse(hub); // refuses what is not a node id
      }
    }

    /** Exchanges with {@code instance} go directly, gateway to gateway. */
    public Federated(
        String instance,
        String agreement,
        long serial,
        Instant expiresAt,
        List<String> trustAnchors) {
      this(instance, agreement, serial, expiresAt, trustAnchors, "");
    }

    /** The hub node exchanges with {@code instance} are relayed through, if any. */
    public Optional<NodeId> hubNode() {
      return hub.isEmpty() ? Optional.empty() : Optional.of(NodeId.parse(hub));
    }
  }

  /**
   * This directory without the entries of the federated instances whose catalogue has expired at
   * {@code now}: their members, systems, nodes, services, the grants naming them and their trust
   * anchors. Itself when none has.
   */
  public Directory withoutExpiredFederations(Instant now) {
    java.util.Set<String> gone = new java.util.HashSet<>();
    java.util.Set<String> goneAnchors = new java.util.HashSet<>();
    List<Federated> kept = new java.util.ArrayList<>();
    for (Federated f : federated) {
      if (now.isBefore(f.expiresAt())) {
        kept.add(f);
      } else {
        gone.add(f.instance());
        goneAnchors.addAll(f.trustAnchors());
      }
    }
    if (gone.isEmpty()) {
      return this;
    }
    kept.forEach(f -> goneAnchors.removeAll(f.trustAnchors()));
    return new Directory(
        instance,
        serial,
        issuedAt,
        expiresAt,
        members.stream().filter(m -> !gone.contains(m.id().instance())).toList(),
        systems.stream().filter(s -> !gone.contains(s.id().instance())).toList(),
        nodes.stream().filter(n -> !gone.contains(n.id().owner().instance())).toList(),
        services.stream().filter(s -> !gone.contains(s.id().provider().instance())).toList(),
        grants.stream()
            .filter(
                g ->
                    !gone.contains(g.client().instance())
                        && !gone.contains(g.service().provider().instance()))
            .toList(),
        trustAnchors.stream().filter(a -> !goneAnchors.contains(a)).toList(),
        consents,
        kept);
  }

  /** The federated instance {@code instance}, if this directory names it. */
  public Optional<Federated> federation(String instance) {
    return federated.stream().filter(f -> f.instance().equals(instance)).findFirst();
  }

  /** The earliest expiry of a federated catalogue in this directory, if any. */
  public Optional<Instant> firstFederationExpiry() {
    return federated.stream().map(Federated::expiresAt).min(Instant::compareTo);
  }

  public Optional<Member> member(ClientId id) {
    ClientId memberId = id.memberId();
    return members.stream().filter(m -> m.id().equals(memberId)).findFirst();
  }

  public Optional<SystemEntry> system(ClientId id) {
    return systems.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public Optional<Node> node(NodeId id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  public Optional<Service> service(ServiceId id) {
    return services.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** True while {@code now} is before expiry plus the grace a gateway allows. */
  public boolean usableAt(Instant now, Duration grace) {
    return now.isBefore(expiresAt.plus(grace));
  }
}
