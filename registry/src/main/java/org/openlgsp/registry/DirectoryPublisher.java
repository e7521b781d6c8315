package org.openlgsp.registry;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignedDocument;

/** Builds the directory from the catalogue and signs it, re-signing only when it is due. */
final class DirectoryPublisher {
  private final Catalogue catalogue;
  private final RegistryOptions options;
  private final MessageSigner signer;
  private final Clock clock;
  private volatile Published published;
  private volatile FederationLinks federation;

  private record Published(long serial, Instant signedAt, SignedDocument directory) {}

  DirectoryPublisher(
      Catalogue catalogue, RegistryOptions options, MessageSigner signer, Clock clock) {
    this.catalogue = catalogue;
    this.options = options;
    this.signer = signer;
    this.clock = clock;
  }

  /** From now on, the directory carries the catalogues {@code links} imported. */
  void federation(FederationLinks links) {
    this.federation = links;
    this.published = null;
  }

  X509Certificate certificate() {
    return signer.certificate();
  }

  /** The directory as of now, unsigned. */
  Directory directory() {
    Instant now = clock.instant();
    Catalogue.Contents c = catalogue.contents();
    List<Directory.Member> members = new ArrayList<>(c.members());
    List<Directory.SystemEntry> systems = new ArrayList<>(c.systems());
    List<Directory.Node> nodes = new ArrayList<>(c.nodes());
    List<Directory.Service> services = new ArrayList<>(c.services());
    List<String> anchors =
        new ArrayList<>(c.trustAnchors().stream().map(Certificates::base64).toList());
    List<Directory.Federated> federated = new ArrayList<>();
    FederationLinks links = federation;
    if (links != null) {
      // Each imported catalogue is merged as filtered; gateways drop it at its own expiry.
      for (FederationLinks.Imported i : links.current(now)) {
        FederatedCatalogue fc = i.catalogue();
        members.addAll(fc.members());
        systems.addAll(fc.systems());
        nodes.addAll(fc.nodes());
        services.addAll(fc.services());
        fc.trustAnchors().stream().filter(a -> !anchors.contains(a)).forEach(anchors::add);
        // Hub mode: this instance's own hub for that peer, else the hub the peer's catalogue names.
        String hub =
            links
                .link(fc.from())
                .flatMap(FederationLinks.Link::hub)
                .or(fc::hubNode)
                .map(Object::toString)
                .orElse("");
        federated.add(
            new Directory.Federated(
                fc.from(), fc.agreement(), fc.serial(), fc.expiresAt(), fc.trustAnchors(), hub));
      }
    }
    return new Directory(
        options.instance(),
        c.serial(),
        now,
        now.plus(options.directoryValidity()),
        members,
        systems,
        nodes,
        services,
        c.grants().stream().map(Registry.GrantEntry::grant).toList(),
        anchors,
        catalogue.activeConsents(now),
        federated);
  }

  /**
   * The signed directory. Re-signed when the serial changed or a tenth of its validity passed, so
   * polling gateways do not cost a signature each.
   */
  SignedDocument publish() {
    Published p = published;
    Instant now = clock.instant();
    long serial = catalogue.serial();
    if (p == null
        || p.serial() != serial
        || now.isAfter(p.signedAt().plus(options.directoryValidity().dividedBy(10)))) {
      p = new Published(serial, now, SignedDocument.sign(directory(), signer));
      published = p;
    }
    return p.directory();
  }
}
