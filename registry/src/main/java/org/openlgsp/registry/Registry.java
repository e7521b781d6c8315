package org.openlgsp.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.core.SubjectLocator;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.storage.Database;

/**
 * The federation's source of truth and publisher of the signed directory. It checks what an
 * administrator asks for, then hands it to the parts doing the work: the {@link Catalogue} of
 * records (every change bumps the directory serial), the {@link CertificateChecks}, the {@link
 * DirectoryPublisher} and the {@link AuditTrail}.
 */
public final class Registry {
  static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final int MAX_OPENAPI = 2 * 1024 * 1024;

  private final FederationSummaries summaries;
  private final RegistryOptions options;
  private final Catalogue catalogue;
  private final CertificateChecks certificates;
  private final DirectoryPublisher publisher;
  private final AuditTrail audit;
  private final Breaches breaches;
  private final java.util.Optional<org.openlgsp.core.KeyedHash> consentKey;
  private final java.util.Optional<org.openlgsp.ledger.ConsentLog> consentLog;
  private final MessageSigner directorySigner;
  private final Clock clock;
  private volatile FederationLinks federation;
  private volatile List<SummaryReporter> reporters = List.of();

  /** A grant and the id it is administered by. */
  public record GrantEntry(String id, Directory.Grant grant) {}

  /**
   * A consent and the id it is administered by; {@code withdrawnAt} is absent (null in JSON, see
   * {@link #withdrawn()}) until it is withdrawn.
   */
  public record ConsentEntry(
      String id,
      Directory.Consent consent,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          Instant withdrawnAt) {
    public ConsentEntry {
      java.util.Objects.requireNonNull(id, "id");
      java.util.Objects.requireNonNull(consent, "consent");
    }

    public java.util.Optional<Instant> withdrawn() {
      return java.util.Optional.ofNullable(withdrawnAt);
    }
  }

  /** An admin action as the audit log keeps it. */
  public record AuditEntry(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String outcome,
      String detail) {}

  public Registry(
      Database db, RegistryOptions options, MessageSigner directorySigner, Clock clock) {
    this(db, options, directorySigner, clock, java.util.Optional.empty());
  }

  /**
   * A registry that records consents, hashing subjects' IDs with {@code consentKey} (the key the
   * provider gateways that check consents hold too); without it the consent calls are refused.
   */
  public Registry(
      Database db,
      RegistryOptions options,
      MessageSigner directorySigner,
      Clock clock,
      java.util.Optional<org.openlgsp.core.KeyedHash> consentKey) {
    this(db, options, directorySigner, clock, consentKey, java.util.Optional.empty());
  }

  /**
   * As above, with every consent change (grant, withdrawal) appended to {@code consentLog}, the
   * registry's verifiable consent log (docs/privacy.md, "Consent log"); its owner closes it.
   */
  public Registry(
      Database db,
      RegistryOptions options,
      MessageSigner directorySigner,
      Clock clock,
      java.util.Optional<org.openlgsp.core.KeyedHash> consentKey,
      java.util.Optional<org.openlgsp.ledger.ConsentLog> consentLog) {
    this.consentKey = java.util.Objects.requireNonNull(consentKey, "consentKey");
    this.consentLog = java.util.Objects.requireNonNull(consentLog, "consentLog");
    this.options = options;
    db.migrate("registry");
    db.migrate("anchors");
    this.catalogue = new Catalogue(db, clock);
    this.certificates = new CertificateChecks(catalogue::trustAnchors, clock);
    this.publisher = new DirectoryPublisher(catalogue, options, directorySigner, clock);
    this.audit = new AuditTrail(db, clock);
    this.breaches =
        new Breaches(
            db,
            options.breaches(),
            () -> Breaches.ids(catalogue.systems(), catalogue.services()),
            clock);
    this.directorySigner = directorySigner;
    this.clock = clock;
    this.summaries =
        new FederationSummaries(db, peer -> federation().flatMap(links -> links.link(peer)), clock);
  }

  /**
   * Federates this instance with the peers of {@code federation} (docs/federation.md): verifies
   * each agreement (both signatures, this registry a party with its own certificate, in force),
   * loads the kept catalogues, serves the catalogue each peer may see and starts importing theirs
   * into the directory. Closing the result stops the imports.
   *
   * @throws LgspException {@code federation.agreement_invalid} for an agreement that does not hold
   */
  public AutoCloseable federate(FederationOptions federation) {
    if (this.federation != null) {
      throw new IllegalStateException("this registry is already federated");
    }
    FederationLinks links =
        new FederationLinks(options.instance(), directorySigner, catalogue, federation, clock);
    this.federation = links;
    publisher.federation(links);
    links.start();
    // the schedule is looked at as often as the catalogues are fetched, at least every second
    java.time.Duration check =
        federation.refresh().compareTo(java.time.Duration.ofSeconds(1)) < 0
            ? federation.refresh()
            : java.time.Duration.ofSeconds(1);
    List<SummaryReporter> started = new java.util.ArrayList<>();
    for (FederationOptions.Peer p : federation.peers()) {
      if (p.summaries().isEmpty()) {
        continue;
      }
      FederationLinks.Link link =
          links.link(p.agreement().agreement().other(options.instance()).instance()).orElseThrow();
      started.add(
          new SummaryReporter(
                  options.instance(),
                  link,
                  p.registryUrl(),
                  p.summaries().get(),
                  directorySigner,
                  federation.cache(),
                  clock,
                  check)
              .start());
    }
    this.reporters = List.copyOf(started);
    return () -> {
      started.forEach(SummaryReporter::close);
      links.close();
    };
  }

  /**
   * The summaries this registry sends by itself, one per peer with {@code summaries} configured
   * (for the node's metrics).
   */
  public List<SummaryReporter> summaryReporters() {
    return reporters;
  }

  /** The signed catalogue this registry exports to instance {@code peer}. */
  public SignedDocument federatedCatalogue(String peer) {
    FederationLinks links = federation;
    if (links == null) {
      throw new LgspException(
          ErrorCode.FEDERATION_NOT_AGREED, "this registry is not federated with " + peer);
    }
    return links.export(peer);
  }

  /**
   * Takes the signed daily summary {@code instance} reports upward (docs/statistics.md, "Reported
   * upward"); see {@link FederationSummaries#accept}.
   */
  FederationSummaries.Outcome acceptSummary(String instance, byte[] signed) {
    return summaries.accept(instance, signed);
  }

  /** The national ranking of the summaries held; see {@link FederationSummaries#ranking}. */
  org.openlgsp.statistics.FiguresAnswer ranking(
      java.time.LocalDate from, java.time.LocalDate to, String by, String order, int limit) {
    return summaries.ranking(from, to, by, order, limit);
  }

  /** This registry's federations, if it is federated (for tests in this package). */
  Optional<FederationLinks> federation() {
    return Optional.ofNullable(federation);
  }

  public RegistryOptions options() {
    return options;
  }

  public X509Certificate directoryCertificate() {
    return publisher.certificate();
  }

  public void addMember(ClientId id, String name) {
    requireMember(id);
    requireName(name);
    requireInstance(id);
    catalogue.addMember(id, name);
  }

  public void addSigningCertificate(ClientId member, X509Certificate certificate) {
    requireMember(member);
    certificates.requireTrusted(certificate, CertificateProfile.MEMBER_SIGNING);
    catalogue.addSigningCertificate(member, certificate);
  }

  /**
   * Publishes a member's encryption (key agreement) certificate in the directory and, for a member
   * whose systems a federation exports, in the federated catalogue: messages relayed through a hub
   * are encrypted to it end to end. Refused unless it chains to a trust anchor and is a {@code
   * member-encryption} certificate (keyAgreement, EC).
   */
  public void addEncryptionCertificate(ClientId member, X509Certificate certificate) {
    requireMember(member);
    certificates.requireTrusted(certificate, CertificateProfile.MEMBER_ENCRYPTION);
    catalogue.addEncryptionCertificate(member, certificate);
  }

  /** Takes a member's encryption certificate out of the directory (the end of a rotation). */
  public void removeEncryptionCertificate(ClientId member, String fingerprint) {
    catalogue.removeEncryptionCertificate(member, fingerprint);
  }

  /**
   * Takes a member signing certificate out of the directory: the last step of a key rotation, once
   * the member's gateway signs with the new key.
   */
  public void removeSigningCertificate(ClientId member, String fingerprint) {
    catalogue.removeSigningCertificate(member, fingerprint);
  }

  public void addNode(NodeId id, String address, List<X509Certificate> tlsCertificates) {
    addNode(id, address, tlsCertificates, "");
  }

  /**
   * Adds a gateway node; {@code ledgerApi} (empty: none) is published with it in the directory,
   * where the citizen data tracker finds the node's ledger API.
   */
  public void addNode(
      NodeId id, String address, List<X509Certificate> tlsCertificates, String ledgerApi) {
    requireAddress(address);
    // checked as the directory entry checks it, before anything is stored
    new Directory.Node(id, address, List.of(), ledgerApi);
    for (X509Certificate cert : tlsCertificates) {
      certificates.requireTrusted(cert, CertificateProfile.NODE_TLS);
    }
    requireInstance(id.owner());
    catalogue.addNode(id, address, tlsCertificates, ledgerApi);
  }

  public void addNodeTlsCertificate(NodeId id, X509Certificate certificate) {
    certificates.requireTrusted(certificate, CertificateProfile.NODE_TLS);
    catalogue.addNodeTlsCertificate(id, certificate);
  }

  public void removeNodeTlsCertificate(NodeId id, String fingerprint) {
    catalogue.removeNodeTlsCertificate(id, fingerprint);
  }

  public void addSystem(ClientId id, String name, NodeId node) {
    if (!id.isSubsystem()) {
      throw new LgspException(
          ErrorCode.IDENTIFIER_INVALID, "a system id needs a subsystem code: " + id);
    }
    requireName(name);
    catalogue.addSystem(id, name, node);
  }

  public void addService(
      ServiceId id, String backendUrl, String subjectLocator, Optional<String> openApi) {
    requireBackendUrl(backendUrl);
    SubjectLocator.parse(subjectLocator); // refuses a malformed one; the text is stored as is
    openApi.ifPresent(
        doc -> {
          if (doc.length() > MAX_OPENAPI) {
            throw malformed("OpenAPI document larger than " + MAX_OPENAPI + " characters");
          }
          // Gateways list its endpoints (listMethods): refuse here what they could not read.
          org.openlgsp.core.OpenApiDocument.parse(doc);
        });
    catalogue.addService(id, backendUrl, subjectLocator, openApi);
  }

  /**
   * Sets how the provider's gateway checks the service's requests and responses against its OpenAPI
   * document (docs/privacy.md, "Data quality"); published with the next directory.
   *
   * @throws LgspException {@code resource.not_found} for an unknown service; {@code
   *     quality.no_schema} for a mode other than off on a service without a document
   */
  public void setSchemaCheck(ServiceId id, org.openlgsp.core.SchemaCheck mode) {
    catalogue.setSchemaCheck(id, mode);
  }

  /**
   * Takes a service out of the directory (and out of the catalogues exported to federated
   * instances), with every grant naming it.
   */
  public void removeService(ServiceId id) {
    catalogue.removeService(id);
  }

  /** Grants {@code client} access to {@code service}; returns the grant id. */
  public String grant(
      ClientId client, ServiceId service, List<String> methods, List<String> pathPatterns) {
    return grant(client, service, methods, pathPatterns, org.openlgsp.core.PrivacyPolicy.OPEN);
  }

  /**
   * Grants {@code client} access to {@code service} under {@code policy} (purposes, officer,
   * response minimisation: docs/privacy.md); returns the grant id. The policy was validated when it
   * was built; a service or client that is not registered is refused.
   */
  public String grant(
      ClientId client,
      ServiceId service,
      List<String> methods,
      List<String> pathPatterns,
      org.openlgsp.core.PrivacyPolicy policy) {
    for (String m : methods) {
      if (!METHODS.contains(m)) {
        throw malformed("unknown HTTP method '" + m + "'; use one of " + METHODS);
      }
    }
    pathPatterns.forEach(PathPattern::parse); // refuses a malformed one
    String id = UUID.randomUUID().toString();
    String me = options.instance();
    boolean clientLocal = client.instance().equals(me);
    boolean serviceLocal = service.provider().instance().equals(me);
    if (clientLocal && serviceLocal) {
      catalogue.addGrant(id, client, service, methods, pathPatterns, policy);
      return id;
    }
    String peer = clientLocal ? service.provider().instance() : client.instance();
    if (!clientLocal && !serviceLocal) {
      throw notAgreed("neither " + client + " nor " + service + " is of instance " + me);
    }
    FederationLinks links = federation;
    FederationLinks.Link link =
        (links == null ? Optional.<FederationLinks.Link>empty() : links.link(peer))
            .orElseThrow(() -> notAgreed("instance " + me + " has no agreement with " + peer));
    Agreement a = link.agreement();
    if (clientLocal) {
      // Our client calling the peer's service: the service must be in the peer's current catalogue.
      boolean imported =
          links
              .imported(peer, clock.instant())
              .map(i -> i.catalogue().services().stream().anyMatch(s -> s.id().equals(service)))
              .orElse(false);
      if (!imported || !a.admitsClient(peer, me, client)) {
        throw notAgreed(service + " is not exported to " + client + " under agreement " + a.id());
      }
    } else if (!a.exports(me, peer, service) || !a.admitsClient(me, peer, client)) {
      throw notAgreed(service + " is not exported to " + client + " under agreement " + a.id());
    }
    catalogue.addFederatedGrant(
        id, a.id(), client, service, clientLocal, methods, pathPatterns, policy);
    return id;
  }

  private static LgspException notAgreed(String detail) {
    return new LgspException(ErrorCode.FEDERATION_NOT_AGREED, detail);
  }

  public void revokeGrant(String grantId) {
    catalogue.revokeGrant(grantId);
  }

  /**
   * Records a data subject's consent: to {@code recipient} (an agency) for data of {@code category}
   * used for {@code purpose}, valid in [{@code validFrom}, {@code validTo}). Only the keyed hash of
   * {@code subjectId} is stored and published. Returns the consent id.
   */
  public String addConsent(
      String subjectId,
      String category,
      ClientId recipient,
      String purpose,
      Instant validFrom,
      Instant validTo) {
    org.openlgsp.core.KeyedHash key = requireConsentKey();
    if (subjectId.isBlank() || subjectId.strip().length() > 64) {
      throw malformed("subject must be a personal identifier of 1-64 characters");
    }
    requireMember(recipient);
    // the same rules as a grant's purposes and consent category
    new org.openlgsp.core.PrivacyPolicy(List.of(purpose), false, null, null, null, 0, category);
    if (!validTo.isAfter(validFrom)) {
      throw malformed("validTo must be after validFrom");
    }
    String id = UUID.randomUUID().toString();
    Directory.Consent consent =
        new Directory.Consent(
            id, key.hash(subjectId), category, recipient, purpose, validFrom, validTo);
    catalogue.addConsent(id, consent);
    // logged as stored (times in milliseconds), which is what the directory publishes
    consentLog.ifPresent(
        log -> log.granted(catalogue.consent(id).orElseThrow().consent(), clock.instant()));
    return id;
  }

  /**
   * Withdraws a consent: gone from the next directory, its record and withdrawal time kept; the
   * first withdrawal is logged, a repeated one changes nothing.
   */
  public void withdrawConsent(String consentId) {
    requireConsentKey();
    if (catalogue.withdrawConsent(consentId)) {
      ConsentEntry e = catalogue.consent(consentId).orElseThrow();
      consentLog.ifPresent(log -> log.withdrawn(e.consent(), e.withdrawn().orElseThrow()));
    }
  }

  /**
   * What the consent log proves of a consent: its row as the registry's table holds it now, the
   * digest of that state, and every logged change with its inclusion proof. {@code matches} says
   * whether the latest logged change has that digest: a row edited outside the registry (or a
   * change that was never logged) does not match.
   */
  public record ConsentProof(
      ConsentEntry consent,
      String stateDigest,
      boolean matches,
      List<org.openlgsp.ledger.ConsentLog.Change> changes) {
    public ConsentProof {
      java.util.Objects.requireNonNull(consent, "consent");
      java.util.Objects.requireNonNull(stateDigest, "stateDigest");
      changes = List.copyOf(changes);
    }
  }

  /**
   * The consent log's proof of consent {@code consentId}.
   *
   * @throws LgspException {@code resource.not_found} when there is no such consent or this registry
   *     keeps no consent log
   */
  public ConsentProof consentProof(String consentId) {
    requireConsentKey();
    org.openlgsp.ledger.ConsentLog log =
        consentLog.orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.RESOURCE_NOT_FOUND, "this registry keeps no consent log"));
    ConsentEntry e =
        catalogue
            .consent(consentId)
            .orElseThrow(
                () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no consent " + consentId));
    String digest = org.openlgsp.ledger.ConsentLog.stateDigest(e.consent(), e.withdrawn());
    List<org.openlgsp.ledger.ConsentLog.Change> changes = log.changes(consentId);
    boolean matches = !changes.isEmpty() && changes.getLast().digest().equals(digest);
    return new ConsentProof(e, digest, matches, changes);
  }

  /** Every consent of the subject with {@code subjectId}, withdrawn ones included. */
  public List<ConsentEntry> consents(String subjectId) {
    return catalogue.consents(requireConsentKey().hash(subjectId));
  }

  private org.openlgsp.core.KeyedHash requireConsentKey() {
    return consentKey.orElseThrow(
        () ->
            new LgspException(
                ErrorCode.RESOURCE_NOT_FOUND,
                "this registry keeps no consents: registry.consentKey is not set"));
  }

  /**
   * Imports a CA certificate (the built-in CA's, or an external CA's such as the government CA's)
   * as a trust anchor: from then on, members' and nodes' certificates must chain to an anchor.
   */
  public void addTrustAnchor(X509Certificate ca) {
    certificates.requireCa(ca);
    catalogue.addTrustAnchor(ca);
  }

  /** This registry's clock's now. */
  Instant now() {
    return clock.instant();
  }

  /** The personal-data breach register (docs/privacy.md "Incidents"). */
  public Breaches breaches() {
    return breaches;
  }

  public List<X509Certificate> trustAnchors() {
    return catalogue.trustAnchors();
  }

  public List<Directory.Member> members() {
    return catalogue.members();
  }

  public List<Directory.SystemEntry> systems() {
    return catalogue.systems();
  }

  public List<Directory.Node> nodes() {
    return catalogue.nodes();
  }

  public List<Directory.Service> services() {
    return catalogue.services();
  }

  public List<GrantEntry> grants() {
    return catalogue.grants();
  }

  /** A page of grants in (client, service, id) order, and how many the query matches in all. */
  public GrantPage grants(GrantQuery query) {
    return catalogue.grants(query);
  }

  public Optional<String> openApi(ServiceId id) {
    return catalogue.openApi(id);
  }

  public long serial() {
    return catalogue.serial();
  }

  /** The directory as of now, unsigned. */
  public Directory directory() {
    return publisher.directory();
  }

  /**
   * The signed directory. Re-signed when the serial changed or a tenth of its validity passed, so
   * polling gateways do not cost a signature each.
   */
  public SignedDocument publish() {
    return publisher.publish();
  }

  /** Appends to the audit log (its own transaction, so refusals are recorded too). */
  public void audit(String actor, String action, String target, String outcome, String detail) {
    audit.record(actor, action, target, outcome, detail);
  }

  public List<AuditEntry> auditLog(int limit) {
    return audit.latest(limit);
  }

  /**
   * A page of the audit log: the entries containing {@code text} in any field (any case; {@code
   * ""}: all), newest first, after skipping {@code offset}, at most {@code limit}.
   */
  public List<AuditEntry> auditLog(String text, long offset, int limit) {
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
    }
    return audit.search(text, offset, limit);
  }

  /** How many audit entries contain {@code text} (see {@link #auditLog(String, long, int)}). */
  public long auditCount(String text) {
    return audit.count(text);
  }

  // ---- input checks

  private void requireInstance(ClientId id) {
    if (!id.instance().equals(options.instance())) {
      throw new LgspException(
          ErrorCode.IDENTIFIER_INVALID, id + " is not in instance " + options.instance());
    }
  }

  private static void requireMember(ClientId id) {
    if (id.isSubsystem()) {
      throw new LgspException(ErrorCode.IDENTIFIER_INVALID, "a member id has three parts: " + id);
    }
  }

  private static void requireName(String name) {
    if (name == null || name.isBlank() || name.length() > 255) {
      throw malformed("name must be 1 to 255 characters");
    }
  }

  private static void requireAddress(String address) {
    URI uri = uri(address, "node address");
    if (!"https".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() < 1
        || !(uri.getPath() == null || uri.getPath().isEmpty())) {
      throw malformed("node address must be https://HOST:PORT with no path");
    }
  }

  private static void requireBackendUrl(String url) {
    URI uri = uri(url, "backend URL");
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getUserInfo() != null) {
      throw malformed(
          "backend URL must be http(s)://HOST[:PORT][/PATH] without query, fragment or credentials");
    }
  }

  private static URI uri(String value, String what) {
    if (value == null) {
      throw malformed(what + " is required");
    }
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw malformed(what + " is not a valid URI");
    }
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }
}
