package org.openlgsp.registry;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.RevocationReason;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Enrolment: a node or member submits a CSR for its key; the registry administrator approves it;
 * the built-in CA issues the certificate, which lands in the directory (node TLS certificate or
 * member signing certificate). Nothing is issued without an administrator's approval.
 */
public final class Enrolments {
  private final Database db;
  private final Registry registry;
  private final CertificateAuthority ca;
  private final Duration validity;
  private final Clock clock;
  private static final int MAX_NAMES = 20;

  /** What is being enrolled. */
  public enum Kind {
    NODE_TLS(CertificateProfile.NODE_TLS),
    MEMBER_SIGNING(CertificateProfile.MEMBER_SIGNING);

    private final CertificateProfile profile;

    Kind(CertificateProfile profile) {
      this.profile = profile;
    }

    public String label() {
      return profile.label();
    }

    public static Kind fromLabel(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label)) {
          return k;
        }
      }
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "kind must be node-tls or member-signing, got " + label);
    }
  }

  /**
   * A request and its state: {@code pending}, {@code approved} or {@code rejected}; {@code names}
   * are the DNS names and IP addresses the CSR asks to be certified, for the administrator to see.
   */
  public record Enrolment(
      String id,
      String kind,
      String target,
      List<String> names,
      String status,
      Instant submittedAt,
      Optional<Instant> decidedAt,
      String detail,
      Optional<String> certificateSerial) {
    public Enrolment {
      Objects.requireNonNull(id, "id");
      names = List.copyOf(names);
    }
  }

  public Enrolments(
      Database db, Registry registry, CertificateAuthority ca, Duration validity, Clock clock) {
    this.db = db;
    this.registry = registry;
    this.ca = ca;
    this.validity = validity;
    this.clock = clock;
    db.migrate("enrolment");
  }

  /**
   * Records a request after checking it: a well-formed CSR signed by its key, a key type the kind
   * allows, a CN naming the enrolling node or member, and that node or member registered.
   */
  public String submit(Kind kind, String target, byte[] csrBytes) {
    CertificateRequest csr = CertificateRequest.parse(csrBytes);
    if (!kind.profile.allowsKeyAlgorithm(csr.publicKey().getAlgorithm())) {
      throw new LgspException(
          ErrorCode.CSR_KEY_UNSUPPORTED,
          "a "
              + kind.label()
              + " certificate needs a key of type "
              + String.join(" or ", new java.util.TreeSet<>(kind.profile.keyAlgorithms()))
              + ", the request has "
              + csr.publicKey().getAlgorithm());
    }
    if (!csr.commonName().equals(target)) {
      throw new LgspException(
          ErrorCode.CSR_MALFORMED,
          "the CSR's CN is '"
              + csr.commonName()
              + "' but it enrols '"
              + target
              + "'; create the CSR with --cn "
              + target);
    }
    requireNames(kind, csr);
    requireRegistered(kind, target);
    String id = UUID.randomUUID().toString();
    Sql.inTransaction(
        db,
        h ->
            h.createUpdate(
                    "INSERT INTO enrolment_request (id, kind, target, csr, status, submitted_at,"
                        + " detail) VALUES (?, ?, ?, ?, 'pending', ?, '')")
                .bind(0, id)
                .bind(1, kind.label())
                .bind(2, target)
                .bind(3, csr.der())
                .bind(4, clock.millis())
                .execute());
    return id;
  }

  /**
   * The names a CSR asks for, beyond their syntax (checked when it is parsed): a signing
   * certificate carries none, a node's at most a few, each once.
   */
  private static void requireNames(Kind kind, CertificateRequest csr) {
    List<String> names = csr.subjectAltNames();
    if (kind == Kind.MEMBER_SIGNING && !names.isEmpty()) {
      throw new LgspException(
          ErrorCode.CSR_MALFORMED,
          "a member-signing certificate carries no DNS or IP names, the CSR asks for "
              + names
              + "; create it without --san");
    }
    if (names.size() > MAX_NAMES) {
      throw new LgspException(
          ErrorCode.CSR_MALFORMED,
          "the CSR asks for "
              + names.size()
              + " names; a node certificate carries at most "
              + MAX_NAMES);
    }
    if (names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).distinct().count()
        != names.size()) {
      throw new LgspException(
          ErrorCode.CSR_MALFORMED, "the CSR names " + names + " with repeats; name each once");
    }
  }

  private void requireRegistered(Kind kind, String target) {
    boolean known =
        switch (kind) {
          case NODE_TLS -> {
            NodeId node = NodeId.parse(target);
            yield registry.nodes().stream().anyMatch(n -> n.id().equals(node));
          }
          case MEMBER_SIGNING -> {
            ClientId member = ClientId.parse(target);
            yield registry.members().stream().anyMatch(m -> m.id().equals(member));
          }
        };
    if (!known) {
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND,
          target
              + " is not registered; add the "
              + (kind == Kind.NODE_TLS ? "node" : "member")
              + " first");
    }
  }

  /** Issues the certificate and publishes it in the directory; returns the chain, leaf first. */
  public List<X509Certificate> approve(String id) {
    return approve(id, Optional.empty());
  }

  /**
   * As {@link #approve(String)}, when {@code names} (if given) are exactly the names the request
   * asks for (in any order and case): the administrator approves names seen, not whatever the CSR
   * holds.
   */
  public List<X509Certificate> approve(String id, Optional<List<String>> names) {
    Row row = row(id);
    if (!row.status.equals("pending")) {
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT, "enrolment " + id + " is already " + row.status);
    }
    Kind kind = Kind.fromLabel(row.kind);
    CertificateRequest csr = CertificateRequest.parse(row.csr);
    if (names.isPresent() && !lower(names.get()).equals(lower(csr.subjectAltNames()))) {
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT,
          "enrolment "
              + id
              + " asks for the names "
              + csr.subjectAltNames()
              + ", not "
              + names.get()
              + "; approve what it asks for or reject it");
    }
    X509Certificate cert = ca.issue(csr, kind.profile, validity);
    try {
      switch (kind) {
        case NODE_TLS -> registry.addNodeTlsCertificate(NodeId.parse(row.target), cert);
        case MEMBER_SIGNING -> registry.addSigningCertificate(ClientId.parse(row.target), cert);
      }
    } catch (RuntimeException e) {
      // Never leave a valid certificate that the directory does not know about.
      ca.revoke(cert.getSerialNumber(), RevocationReason.CESSATION_OF_OPERATION);
      throw e;
    }
    decide(id, "approved", "serial " + cert.getSerialNumber().toString(16), cert);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(ca.chain());
    return chain;
  }

  private static java.util.Set<String> lower(List<String> names) {
    return names.stream()
        .map(n -> n.strip().toLowerCase(java.util.Locale.ROOT))
        .collect(java.util.stream.Collectors.toSet());
  }

  public void reject(String id, String reason) {
    Row row = row(id);
    if (!row.status.equals("pending")) {
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT, "enrolment " + id + " is already " + row.status);
    }
    decide(id, "rejected", reason, null);
  }

  public List<Enrolment> list() {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, kind, target, status, submitted_at, decided_at, detail,"
                        + " certificate, csr FROM enrolment_request ORDER BY submitted_at")
                .map(
                    (r, ctx) -> {
                      long decided = r.getLong(6);
                      Optional<Instant> decidedAt =
                          r.wasNull()
                              ? Optional.empty()
                              : Optional.of(Instant.ofEpochMilli(decided));
                      return new Enrolment(
                          r.getString(1),
                          r.getString(2),
                          r.getString(3),
                          CertificateRequest.parse(r.getBytes(9)).subjectAltNames(),
                          r.getString(4),
                          Instant.ofEpochMilli(r.getLong(5)),
                          decidedAt,
                          r.getString(7),
                          Optional.ofNullable(r.getBytes(8))
                              .map(d -> Certificates.fromDer(d).getSerialNumber().toString(16)));
                    })
                .list());
  }

  private record Row(String kind, String target, byte[] csr, String status) {}

  private Row row(String id) {
    return Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT kind, target, csr, status FROM enrolment_request WHERE id = ?")
                    .bind(0, id)
                    .map(
                        (r, ctx) ->
                            new Row(r.getString(1), r.getString(2), r.getBytes(3), r.getString(4)))
                    .findOne())
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.RESOURCE_NOT_FOUND, "no enrolment " + id + "; list them first"));
  }

  private void decide(String id, String status, String detail, X509Certificate cert) {
    Sql.inTransaction(
        db,
        h -> {
          int decided =
              h.createUpdate(
                      "UPDATE enrolment_request SET status = ?, decided_at = ?, detail = ?,"
                          + " certificate = ? WHERE id = ? AND status = 'pending'")
                  .bind(0, status)
                  .bind(1, clock.millis())
                  .bind(2, detail.length() > 500 ? detail.substring(0, 500) : detail)
                  .bind(3, cert == null ? null : Certificates.der(cert))
                  .bind(4, id)
                  .execute();
          if (decided != 1) {
            throw new LgspException(
                ErrorCode.RESOURCE_CONFLICT, "enrolment " + id + " was decided concurrently");
          }
          return null;
        });
  }
}
