package org.openlgsp.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.SignedDocument;

/**
 * What one instance's registry exports to another under an agreement (docs/federation.md): the
 * services with their OpenAPI documents, the systems providing them and its own systems allowed to
 * call the peer, their members (with signing certificates) and gateway nodes (with TLS
 * certificates), and its trust anchors (base64 DER). Valid from {@code issuedAt} to {@code
 * expiresAt}; {@code serial} never goes back. {@code hub}: the exporter's hub node exchanges under
 * this agreement are relayed through (hub mode; the node itself is among {@code nodes}, with its
 * address and TLS certificates), empty when they go gateway to gateway.
 */
public record FederatedCatalogue(
    String agreement,
    String from,
    String to,
    long serial,
    Instant issuedAt,
    Instant expiresAt,
    List<Directory.Member> members,
    List<Directory.SystemEntry> systems,
    List<Directory.Node> nodes,
    List<Directory.Service> services,
    List<String> trustAnchors,
    // Left out when empty, so catalogues without a hub stay readable by older registries.
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        String hub) {
  /** A catalogue as the peer instance's registry signs and serves it. */
  public static final SignedDocument.Kind<FederatedCatalogue> SIGNED =
      new SignedDocument.Kind<>(
          FederatedCatalogue.class, ErrorCode.FEDERATION_CATALOGUE_INVALID, "catalogue");

  public FederatedCatalogue {
    Objects.requireNonNull(agreement, "agreement");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("expiresAt must be after issuedAt");
    }
    members = List.copyOf(members);
    systems = List.copyOf(systems);
    nodes = List.copyOf(nodes);
    services = List.copyOf(services);
    trustAnchors = List.copyOf(trustAnchors);
    hub = hub == null ? "" : hub; // absent: no hub
  }

  /** The hub node named, if any. */
  public Optional<NodeId> hubNode() {
    return hub.isEmpty() ? Optional.empty() : Optional.of(NodeId.parse(hub));
  }
}
