package org.openlgsp.registry;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateValidator;

/**
 * This registry's federations (docs/federation.md): per agreement, the signed catalogue it exports
 * to the peer, re-signed at each change and at least every {@code regenerate}; and the peer's
 * catalogue it imports, fetched every {@code refresh}, verified against the pinned certificate,
 * filtered by the agreement, kept on disk, used until its expiry.
 */
final class FederationLinks implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FederationLinks.class.getName());

  /**
   * A peer under its agreement; {@code hub}: this instance's hub node exchanges with it are relayed
   * through (hub mode), named in the catalogue exported to it.
   */
  record Link(
      Agreement agreement,
      String peer,
      X509Certificate peerCertificate,
      WebClient client,
      Optional<NodeId> hub) {}

  /** A peer's catalogue as accepted: filtered, with the exact bytes it came in. */
  record Imported(Agreement agreement, FederatedCatalogue catalogue, byte[] raw) {
    String instance() {
      return catalogue.from();
    }
  }

  private record Published(long serial, Instant signedAt, SignedDocument signed) {}

  private final String instance;
  private final MessageSigner signer;
  private final Catalogue catalogue;
  private final FederationOptions options;
  private final Clock clock;
  private final Map<String, Link> links = new LinkedHashMap<>();
  private final Map<String, Imported> imports = new ConcurrentHashMap<>();
  private final Map<String, Published> published = new ConcurrentHashMap<>();
  private final Set<String> expiredNoted = ConcurrentHashMap.newKeySet();
  private final List<Thread> pollers = new ArrayList<>();
  private volatile boolean running = true;

  FederationLinks(
      String instance,
      MessageSigner signer,
      Catalogue catalogue,
      FederationOptions options,
      Clock clock) {
    this.instance = instance;
    this.signer = signer;
    this.catalogue = catalogue;
    this.options = options;
    this.clock = clock;
    Instant now = clock.instant();
    for (FederationOptions.Peer p : options.peers()) {
      Agreement a = p.agreement().verify(now);
      Agreement.Party me =
          a.party(instance)
              .orElseThrow(
                  () ->
                      Agreement.invalid(
                          "this registry's instance " + instance + " is not a party to " + a.id()));
      if (!me.registryCertificate().equals(Certificates.base64(signer.certificate()))) {
        throw Agreement.invalid(
            "agreement "
                + a.id()
                + " pins another certificate for "
                + instance
                + " than this registry's directory-signing certificate");
      }
      Agreement.Party peer = a.other(instance);
      if (links.containsKey(peer.instance())) {
        throw Agreement.invalid("two agreements with instance " + peer.instance());
      }
      p.hub()
          .filter(h -> !h.owner().instance().equals(instance))
          .ifPresent(
              h -> {
                throw new IllegalArgumentException(
                    "federation peer "
                        + peer.instance()
                        + ": hub "
                        + h
                        + " is not a node of this instance "
                        + instance);
              });
      links.put(
          peer.instance(),
          new Link(
              a,
              peer.instance(),
              Certificates.fromBase64(peer.registryCertificate()),
              WebClient.builder()
                  .baseUri(p.registryUrl())
                  .followRedirects(false)
                  .readTimeout(Duration.ofSeconds(10))
                  .build(),
              p.hub()));
    }
    for (Link l : links.values()) {
      loadKept(l);
    }
  }

  /** Starts fetching each peer's catalogue: once now, then every {@code refresh}. */
  FederationLinks start() {
    for (Link l : links.values()) {
      Thread t = Thread.ofVirtual().name("federation-" + l.peer()).unstarted(() -> poll(l));
      pollers.add(t);
      t.start();
    }
    return this;
  }

  Optional<Link> link(String peer) {
    return Optional.ofNullable(links.get(peer));
  }

  // ---- export

  /** The signed catalogue this registry exports to {@code peer} now. */
  SignedDocument export(String peer) {
    Instant now = clock.instant();
    Link l = links.get(peer);
    if (l == null || !l.agreement().validAt(now)) {
      throw new LgspException(
          ErrorCode.FEDERATION_NOT_AGREED, "no agreement in force with instance " + peer);
    }
    long serial = catalogue.serial();
    Published p = published.get(peer);
    if (p == null
        || p.serial() != serial
        || !now.isBefore(p.signedAt().plus(options.regenerate()))) {
      p = new Published(serial, now, SignedDocument.sign(build(l, now), signer));
      published.put(peer, p);
    }
    return p.signed();
  }

  private FederatedCatalogue build(Link l, Instant now) {
    Catalogue.Contents c = catalogue.contents();
    Agreement a = l.agreement();
    Map<NodeId, Directory.Node> nodes = new LinkedHashMap<>();
    c.nodes().forEach(n -> nodes.put(n.id(), n));
    Map<ClientId, Directory.SystemEntry> systems = new LinkedHashMap<>();
    c.systems().forEach(s -> systems.put(s.id(), s));
    List<Directory.Service> services = new ArrayList<>();
    Set<ClientId> exportedSystems = new HashSet<>();
    for (Directory.Service s : c.services()) {
      Directory.SystemEntry provider = systems.get(s.id().provider());
      if (!a.exports(instance, l.peer(), s.id()) || provider == null) {
        continue;
      }
      Directory.Node node = nodes.get(provider.node());
      if (node == null) {
        continue;
      }
      // Only the provider's own gateway needs the backend: the peer sees the node's address.
      services.add(
          new Directory.Service(
              s.id(), node.address(), s.subjectLocator(), s.openApi(), s.schemaCheck()));
      exportedSystems.add(provider.id());
    }
    for (Directory.SystemEntry s : c.systems()) {
      if (a.admitsClient(l.peer(), instance, s.id())) {
        exportedSystems.add(s.id());
      }
    }
    List<Directory.SystemEntry> sys =
        c.systems().stream().filter(s -> exportedSystems.contains(s.id())).toList();
    Set<ClientId> members = new HashSet<>();
    Set<NodeId> nodeIds = new HashSet<>();
    // Hub mode: the peer learns the hub node (address, TLS certificates) from this catalogue.
    Optional<NodeId> hub = l.hub().filter(nodes::containsKey);
    if (l.hub().isPresent() && hub.isEmpty()) {
      LOG.warning(
          "hub "
              + l.hub().get()
              + " for "
              + l.peer()
              + " is not a registered node: the catalogue names no hub");
    }
    hub.ifPresent(nodeIds::add);
    sys.forEach(
        s -> {
          members.add(s.id().memberId());
          nodeIds.add(s.node());
        });
    return new FederatedCatalogue(
        a.id(),
        instance,
        l.peer(),
        c.serial(),
        now,
        now.plus(options.validity()),
        c.members().stream().filter(m -> members.contains(m.id())).toList(),
        sys,
        c.nodes().stream().filter(n -> nodeIds.contains(n.id())).toList(),
        services,
        c.trustAnchors().stream().map(Certificates::base64).toList(),
        hub.map(NodeId::toString).orElse(""));
  }

  // ---- import

  /**
   * Verifies and installs {@code raw}, the signed catalogue {@code peer} served. Throws {@code
   * federation.catalogue_invalid} or {@code federation.catalogue_expired}, leaving the one held.
   *
   * @return true when it replaced what was held (the directory serial was bumped)
   */
  synchronized boolean accept(String peer, byte[] raw) {
    Imported next = verify(peer, raw, clock.instant());
    Imported prev = imports.get(peer);
    if (prev != null && next.catalogue().serial() < prev.catalogue().serial()) {
      throw FederatedCatalogue.SIGNED.refusal(
          "catalogue serial "
              + next.catalogue().serial()
              + " is older than the held "
              + prev.catalogue().serial());
    }
    if (prev != null && prev.catalogue().equals(next.catalogue())) {
      return false;
    }
    // On disk first: whatever the directory has shown, a restart finds it too.
    keep(links.get(peer), raw);
    imports.put(peer, next);
    expiredNoted.remove(peer);
    catalogue.bumpSerial();
    LOG.info(
        "federated catalogue of "
            + peer
            + " serial "
            + next.catalogue().serial()
            + " installed: "
            + next.catalogue().services().size()
            + " services, valid until "
            + next.catalogue().expiresAt());
    return true;
  }

  private Imported verify(String peer, byte[] raw, Instant now) {
    Link l = links.get(peer);
    if (l == null) {
      throw new LgspException(
          ErrorCode.FEDERATION_NOT_AGREED, "no agreement with instance " + peer);
    }
    FederatedCatalogue fc =
        SignedDocument.parse(raw, FederatedCatalogue.SIGNED)
            .verify(List.of(l.peerCertificate()), now, FederatedCatalogue.SIGNED);
    if (!fc.agreement().equals(l.agreement().id())
        || !fc.from().equals(peer)
        || !fc.to().equals(instance)) {
      throw FederatedCatalogue.SIGNED.refusal(
          "catalogue is for "
              + fc.agreement()
              + " from "
              + fc.from()
              + " to "
              + fc.to()
              + ", expected "
              + l.agreement().id()
              + " from "
              + peer
              + " to "
              + instance);
    }
    if (!now.isBefore(fc.expiresAt())) {
      throw new LgspException(
          ErrorCode.FEDERATION_CATALOGUE_EXPIRED,
          "catalogue of " + peer + " serial " + fc.serial() + " expired at " + fc.expiresAt());
    }
    if (!l.agreement().validAt(now)) {
      throw new LgspException(
          ErrorCode.FEDERATION_NOT_AGREED, "agreement " + l.agreement().id() + " is not in force");
    }
    FederatedCatalogue taken = filter(l.agreement(), peer, fc);
    requireChained(peer, taken, now);
    return new Imported(l.agreement(), taken, raw);
  }

  /**
   * Every member signing certificate and node TLS certificate taken from {@code peer}'s catalogue
   * must chain (PKIX, the pki module's {@link CertificateValidator}) to the trust anchors that same
   * catalogue carries and be valid for its purpose; the first one that does not refuses the
   * catalogue, named with its entry. A certificate that has expired or is not valid yet is checked
   * at the nearest moment it is valid: a peer that keeps its previous certificate during a rotation
   * must not cut the federation, and the gateways refuse such a certificate at use anyway.
   */
  private void requireChained(String peer, FederatedCatalogue fc, Instant now) {
    List<X509Certificate> anchors = new ArrayList<>();
    for (String a : fc.trustAnchors()) {
      try {
        anchors.add(Certificates.fromBase64(a));
      } catch (LgspException e) {
        throw FederatedCatalogue.SIGNED.refusal(
            "catalogue of " + peer + ": a trust anchor is not a certificate (" + e.detail() + ")");
      }
    }
    boolean certificates =
        fc.members().stream()
                .anyMatch(
                    m ->
                        !m.signingCertificates().isEmpty() || !m.encryptionCertificates().isEmpty())
            || fc.nodes().stream().anyMatch(n -> !n.tlsCertificates().isEmpty());
    if (!certificates) {
      return;
    }
    if (anchors.isEmpty()) {
      throw FederatedCatalogue.SIGNED.refusal(
          "catalogue of " + peer + " carries certificates but no trust anchors to chain them to");
    }
    for (Directory.Member m : fc.members()) {
      for (String c : m.signingCertificates()) {
        requireChained(anchors, now, c, CertificateProfile.MEMBER_SIGNING, "member " + m.id());
      }
      for (String c : m.encryptionCertificates()) {
        requireChained(anchors, now, c, CertificateProfile.MEMBER_ENCRYPTION, "member " + m.id());
      }
    }
    for (Directory.Node n : fc.nodes()) {
      for (String c : n.tlsCertificates()) {
        requireChained(anchors, now, c, CertificateProfile.NODE_TLS, "node " + n.id());
      }
    }
  }

  private static void requireChained(
      List<X509Certificate> anchors,
      Instant now,
      String base64,
      CertificateProfile purpose,
      String entry) {
    X509Certificate c;
    try {
      c = Certificates.fromBase64(base64);
    } catch (LgspException e) {
      throw FederatedCatalogue.SIGNED.refusal(entry + ": not a certificate (" + e.detail() + ")");
    }
    Instant notBefore = c.getNotBefore().toInstant();
    Instant notAfter = c.getNotAfter().toInstant();
    Instant at = now.isBefore(notBefore) ? notBefore : now.isAfter(notAfter) ? notAfter : now;
    try {
      new CertificateValidator(anchors, Clock.fixed(at, ZoneOffset.UTC))
          .validate(List.of(c), purpose);
    } catch (LgspException e) {
      throw FederatedCatalogue.SIGNED.refusal(
          entry
              + ": certificate "
              + Certificates.fingerprint(c)
              + " does not validate against the catalogue's trust anchors ("
              + e.detail()
              + ")");
    }
  }

  /**
   * What this registry takes from a peer's catalogue, whatever the peer sent: identities of the
   * peer's instance only; the services the agreement exports; the systems providing them or allowed
   * as clients; the members and nodes those systems name.
   */
  private FederatedCatalogue filter(Agreement a, String peer, FederatedCatalogue fc) {
    Set<ClientId> providers = new HashSet<>();
    fc.services().stream()
        .filter(s -> a.exports(peer, instance, s.id()))
        .forEach(s -> providers.add(s.id().provider()));
    Map<NodeId, Directory.Node> nodes = new LinkedHashMap<>();
    fc.nodes().stream()
        .filter(n -> n.id().owner().instance().equals(peer))
        .forEach(n -> nodes.put(n.id(), n));
    List<Directory.SystemEntry> systems =
        fc.systems().stream()
            .filter(s -> s.id().instance().equals(peer))
            .filter(s -> providers.contains(s.id()) || a.admitsClient(instance, peer, s.id()))
            .filter(s -> nodes.containsKey(s.node()))
            .toList();
    Set<ClientId> systemIds = new HashSet<>();
    Set<ClientId> memberIds = new HashSet<>();
    Set<NodeId> nodeIds = new HashSet<>();
    hub(peer, fc).ifPresent(nodeIds::add);
    systems.forEach(
        s -> {
          systemIds.add(s.id());
          memberIds.add(s.id().memberId());
          nodeIds.add(s.node());
        });
    return new FederatedCatalogue(
        fc.agreement(),
        fc.from(),
        fc.to(),
        fc.serial(),
        fc.issuedAt(),
        fc.expiresAt(),
        fc.members().stream()
            .filter(m -> m.id().instance().equals(peer) && memberIds.contains(m.id()))
            .toList(),
        systems,
        fc.nodes().stream().filter(n -> nodeIds.contains(n.id())).toList(),
        fc.services().stream()
            .filter(s -> a.exports(peer, instance, s.id()) && systemIds.contains(s.id().provider()))
            .toList(),
        fc.trustAnchors(),
        fc.hub());
  }

  /**
   * The hub node {@code peer}'s catalogue names: a node id of the peer's own instance, carried in
   * the catalogue (whose chain check then covers its TLS certificates). Anything else refuses the
   * catalogue: a peer cannot route this instance's exchanges through a node it does not vouch for.
   */
  private static Optional<NodeId> hub(String peer, FederatedCatalogue fc) {
    if (fc.hub().isEmpty()) {
      return Optional.empty();
    }
    NodeId hub;
    try {
      hub = NodeId.parse(fc.hub());
    } catch (RuntimeException e) {
      throw FederatedCatalogue.SIGNED.refusal(
          "catalogue of " + peer + " names a hub that is not a node id");
    }
    if (!hub.owner().instance().equals(peer)) {
      throw FederatedCatalogue.SIGNED.refusal(
          "catalogue of " + peer + " names hub " + hub + " of another instance");
    }
    if (fc.nodes().stream().noneMatch(n -> n.id().equals(hub))) {
      throw FederatedCatalogue.SIGNED.refusal(
          "catalogue of " + peer + " names hub " + hub + " but does not carry that node");
    }
    return Optional.of(hub);
  }

  /** The imported catalogues not expired at {@code now}. */
  List<Imported> current(Instant now) {
    return imports.values().stream()
        .filter(i -> now.isBefore(i.catalogue().expiresAt()))
        .sorted(java.util.Comparator.comparing(Imported::instance))
        .toList();
  }

  Optional<Imported> imported(String peer, Instant now) {
    return Optional.ofNullable(imports.get(peer))
        .filter(i -> now.isBefore(i.catalogue().expiresAt()));
  }

  /** One fetch of {@code peer}'s catalogue; true when it was installed anew. */
  boolean fetch(Link l) {
    try (HttpClientResponse r =
        l.client().get("/federation/" + instance + "/catalogue").request()) {
      if (r.status().code() != 200) {
        LOG.warning("registry of " + l.peer() + " answered " + r.status().code());
        return false;
      }
      return accept(l.peer(), r.entity().as(byte[].class));
    } catch (LgspException e) {
      LOG.warning("catalogue of " + l.peer() + " refused: " + e.detail());
      return false;
    } catch (RuntimeException e) {
      LOG.warning("registry of " + l.peer() + " unreachable: " + e.getMessage());
      return false;
    }
  }

  /** Drops an expired import from the directory by bumping its serial, once per expiry. */
  void noteExpiries() {
    Instant now = clock.instant();
    for (Imported i : imports.values()) {
      if (!now.isBefore(i.catalogue().expiresAt()) && expiredNoted.add(i.instance())) {
        LOG.warning(
            "federated catalogue of "
                + i.instance()
                + " expired at "
                + i.catalogue().expiresAt()
                + "; its services leave the directory");
        catalogue.bumpSerial();
      }
    }
  }

  private void poll(Link l) {
    while (running) {
      fetch(l);
      noteExpiries();
      try {
        Thread.sleep(options.refresh());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  // ---- the kept copies

  private Path keptFile(Link l) {
    return options.cache().resolve(l.agreement().id() + ".catalogue").toAbsolutePath();
  }

  private void loadKept(Link l) {
    Path file = keptFile(l);
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException absent) {
      return;
    } catch (IOException e) {
      LOG.warning("kept catalogue " + file + " ignored: cannot read it (" + e + ")");
      return;
    }
    try {
      Imported i = verify(l.peer(), raw, clock.instant());
      imports.put(l.peer(), i);
      LOG.info(
          "federated catalogue of "
              + l.peer()
              + " serial "
              + i.catalogue().serial()
              + " loaded from "
              + file);
    } catch (LgspException e) {
      LOG.warning("kept catalogue " + file + " ignored: " + e.detail());
    } catch (RuntimeException e) {
      LOG.warning("kept catalogue " + file + " ignored: " + e.getClass().getSimpleName());
    }
  }

  /** Writes {@code raw} atomically, owner-only, forced to disk; a failure is only logged. */
  private void keep(Link l, byte[] raw) {
    Path file = keptFile(l);
    Path temp = null;
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      temp =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? Files.createTempFile(
                  dir,
                  ".catalogue",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".catalogue", ".tmp");
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(raw));
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
    } catch (java.nio.channels.ClosedByInterruptException stopping) {
      // closed while writing: the previous copy is intact (the move is atomic), the next start
      // fetches again
      LOG.fine("stopped while keeping the catalogue in " + file);
    } catch (IOException e) {
      LOG.warning("cannot keep the catalogue in " + file + ": " + e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the temporary file stays; the next write uses another name
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    pollers.forEach(Thread::interrupt);
  }
}
