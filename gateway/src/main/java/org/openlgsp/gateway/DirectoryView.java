package org.openlgsp.gateway;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.OpenApiDocument;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;

/**
 * A verified directory indexed for the hot path: lookups by id and by certificate fingerprint, with
 * signature verifiers built once per certificate rather than once per message.
 */
final class DirectoryView {
  private final Directory original;
  private final Directory directory;
  private final Set<String> expiredFederations;
  private final Map<ServiceId, Directory.Service> services = new HashMap<>();
  private final Map<ClientId, Directory.SystemEntry> systems = new HashMap<>();
  private final Map<NodeId, Directory.Node> nodes = new HashMap<>();
  // the federated instances by name: the hub route is looked up on every exchange
  private final Map<String, Directory.Federated> federations = new HashMap<>();
  private final Map<String, NodeId> nodeByTlsFingerprint = new HashMap<>();
  private final Map<NodeId, Set<String>> tlsFingerprintsByNode = new HashMap<>();
  private final Map<String, SigningKey> signingKeys = new HashMap<>();
  private final Map<String, List<Directory.Grant>> grants = new HashMap<>();
  private final Map<String, List<Directory.Consent>> consents = new HashMap<>();
  // Compiled when installed, keyed by the grant's own policy instance.
  private final Map<org.openlgsp.core.PrivacyPolicy, org.openlgsp.core.ResponseFilter> filters =
      new java.util.IdentityHashMap<>();
  // Parsed on first use: most directories are installed many times before anyone asks.
  private final Map<ServiceId, Optional<OpenApiDocument>> openApi =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<ServiceId, Optional<SchemaValidation>> schemas =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A member's signing certificate with its ready verifier. */
  record SigningKey(ClientId member, X509Certificate certificate, Signatures.Verifier verifier) {}

  DirectoryView(Directory directory) {
    this(directory, directory, Set.of());
  }

  /**
   * The view of {@code original} at {@code now}: without the entries of federated instances whose
   * catalogue has expired (docs/federation.md), whose names it remembers to tell why.
   */
  static DirectoryView at(Directory original, Instant now) {
    Directory effective = original.withoutExpiredFederations(now);
    Set<String> expired = new java.util.HashSet<>();
    original.federated().forEach(f -> expired.add(f.instance()));
    effective.federated().forEach(f -> expired.remove(f.instance()));
    return new DirectoryView(original, effective, Set.copyOf(expired));
  }

  private DirectoryView(Directory original, Directory directory, Set<String> expiredFederations) {
    this.original = original;
    this.directory = directory;
    this.expiredFederations = expiredFederations;
    directory.services().forEach(s -> services.put(s.id(), s));
    directory.systems().forEach(s -> systems.put(s.id(), s));
    directory.federated().forEach(f -> federations.putIfAbsent(f.instance(), f));
    for (Directory.Node n : directory.nodes()) {
      nodes.put(n.id(), n);
      var fingerprints = new java.util.HashSet<String>();
      for (String cert : n.tlsCertificates()) {
        String fp = Certificates.fingerprint(Certificates.fromBase64(cert));
        fingerprints.add(fp);
        nodeByTlsFingerprint.put(fp, n.id());
      }
      tlsFingerprintsByNode.put(n.id(), Set.copyOf(fingerprints));
    }
    for (Directory.Member m : directory.members()) {
      for (String cert : m.signingCertificates()) {
        X509Certificate x = Certificates.fromBase64(cert);
        signingKeys.put(
            Certificates.fingerprint(x),
            new SigningKey(m.id(), x, Signatures.verifier(x.getPublicKey())));
      }
    }
    for (Directory.Grant g : directory.grants()) {
      grants.computeIfAbsent(key(g.client(), g.service()), k -> new ArrayList<>()).add(g);
      if (g.policy().filtersResponses()) {
        filters.put(g.policy(), org.openlgsp.core.ResponseFilter.of(g.policy()));
      }
    }
    for (Directory.Consent c : directory.consents()) {
      consents.computeIfAbsent(c.subjectHash(), k -> new ArrayList<>()).add(c);
    }
  }

  /** The consents published for the subject whose keyed hash is {@code subjectHash}. */
  List<Directory.Consent> consents(String subjectHash) {
    return consents.getOrDefault(subjectHash, List.of());
  }

  /** The compiled allow-list and masks of a grant's policy from this directory. */
  org.openlgsp.core.ResponseFilter responseFilter(org.openlgsp.core.PrivacyPolicy policy) {
    org.openlgsp.core.ResponseFilter f = filters.get(policy);
    return f != null ? f : org.openlgsp.core.ResponseFilter.of(policy);
  }

  Directory directory() {
    return directory;
  }

  /** The directory as signed, federated entries past their expiry included. */
  Directory original() {
    return original;
  }

  /** True once a federated catalogue this view still carries is past its expiry at {@code now}. */
  boolean federationExpiredAt(Instant now) {
    return directory.firstFederationExpiry().map(e -> !now.isBefore(e)).orElse(false);
  }

  /**
   * Why a service of another instance is not here: its catalogue expired ({@code
   * federation.catalogue_expired}), or the instance is federated but does not export it ({@code
   * federation.not_agreed}); empty for a service of this instance or of an unknown one.
   */
  Optional<org.openlgsp.core.LgspException> notFederated(ServiceId id) {
    String instance = id.provider().instance();
    if (expiredFederations.contains(instance)) {
      return Optional.of(
          new org.openlgsp.core.LgspException(
              org.openlgsp.core.ErrorCode.FEDERATION_CATALOGUE_EXPIRED,
              "the federated catalogue of instance " + instance + " has expired"));
    }
    return federation(instance)
        .map(
            f ->
                new org.openlgsp.core.LgspException(
                    org.openlgsp.core.ErrorCode.FEDERATION_NOT_AGREED,
                    "service "
                        + id
                        + " is not exported to this instance under agreement "
                        + f.agreement()));
  }

  /**
   * The hub node exchanges with {@code instance} go through: this gateway's own route ({@code
   * gateway.hub.routes}) if it has one, else the one the signed directory names for that federated
   * instance (docs/federation.md, "Hub mode"); empty: gateway to gateway.
   */
  Optional<NodeId> hubFor(HubRouting routing, String instance) {
    return routing
        .hubFor(instance)
        .or(() -> federation(instance).flatMap(Directory.Federated::hubNode));
  }

  /** The federated instance {@code instance} (as {@link Directory#federation}, indexed). */
  Optional<Directory.Federated> federation(String instance) {
    return Optional.ofNullable(federations.get(instance));
  }

  long serial() {
    return directory.serial();
  }

  Instant expiresAt() {
    return directory.expiresAt();
  }

  Optional<Directory.Service> service(ServiceId id) {
    return Optional.ofNullable(services.get(id));
  }

  Optional<Directory.SystemEntry> system(ClientId id) {
    return Optional.ofNullable(systems.get(id));
  }

  Optional<Directory.Node> node(NodeId id) {
    return Optional.ofNullable(nodes.get(id));
  }

  Optional<NodeId> nodeByTlsFingerprint(String fingerprint) {
    return Optional.ofNullable(nodeByTlsFingerprint.get(fingerprint));
  }

  Set<String> tlsFingerprints(NodeId node) {
    return tlsFingerprintsByNode.getOrDefault(node, Set.of());
  }

  Set<String> allNodeFingerprints() {
    return nodeByTlsFingerprint.keySet();
  }

  Optional<SigningKey> signingKey(String fingerprint) {
    return Optional.ofNullable(signingKeys.get(fingerprint));
  }

  List<Directory.Grant> grants(ClientId client, ServiceId service) {
    return grants.getOrDefault(key(client, service), List.of());
  }

  /**
   * The service's OpenAPI document, if it has one. The registry refuses documents it cannot read;
   * one that is unreadable anyway counts as none, so the service is still listed (as REST).
   */
  /**
   * The service's OpenAPI document ready to check exchanges against, compiled once per directory
   * (docs/privacy.md, "Data quality"); empty when it has none or it is unreadable.
   */
  Optional<SchemaValidation> schemaValidation(ServiceId id) {
    return schemas.computeIfAbsent(id, k -> openApi(k).map(SchemaValidation::of));
  }

  Optional<OpenApiDocument> openApi(ServiceId id) {
    return openApi.computeIfAbsent(
        id,
        k ->
            service(k)
                .flatMap(Directory.Service::openApiDocument)
                .flatMap(
                    text -> {
                      try {
                        return Optional.of(OpenApiDocument.parse(text));
                      } catch (org.openlgsp.core.LgspException e) {
                        java.util.logging.Logger.getLogger(DirectoryView.class.getName())
                            .warning("OpenAPI document of " + k + " is unreadable: " + e.detail());
                        return Optional.empty();
                      }
                    }));
  }

  private static String key(ClientId client, ServiceId service) {
    return client + "|" + service;
  }
}
