package org.openlgsp.registry;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignedDirectory;

/** Builds the directory from the catalogue and signs it, re-signing only when it is due. */
final class DirectoryPublisher {
  private final Catalogue catalogue;
  private final RegistryOptions options;
  private final MessageSigner signer;
  private final Clock clock;
  private volatile Published published;

  private record Published(long serial, Instant signedAt, SignedDirectory directory) {}

  DirectoryPublisher(
      Catalogue catalogue, RegistryOptions options, MessageSigner signer, Clock clock) {
    this.catalogue = catalogue;
    this.options = options;
    this.signer = signer;
    this.clock = clock;
  }

  X509Certificate certificate() {
    return signer.certificate();
  }

  /** The directory as of now, unsigned. */
  Directory directory() {
    Instant now = clock.instant();
    Catalogue.Contents c = catalogue.contents();
    return new Directory(
        options.instance(),
        c.serial(),
        now,
        now.plus(options.directoryValidity()),
        c.members(),
        c.systems(),
        c.nodes(),
        c.services(),
        c.grants().stream().map(Registry.GrantEntry::grant).toList(),
        c.trustAnchors().stream().map(Certificates::base64).toList(),
        catalogue.activeConsents(now));
  }

  /**
   * The signed directory. Re-signed when the serial changed or a tenth of its validity passed, so
   * polling gateways do not cost a signature each.
   */
  SignedDirectory publish() {
    Published p = published;
    Instant now = clock.instant();
    long serial = catalogue.serial();
    if (p == null
        || p.serial() != serial
        || now.isAfter(p.signedAt().plus(options.directoryValidity().dividedBy(10)))) {
      p = new Published(serial, now, SignedDirectory.sign(directory(), signer));
      published = p;
    }
    return p.directory();
  }
}
