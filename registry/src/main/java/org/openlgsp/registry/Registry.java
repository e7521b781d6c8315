package org.openlgsp.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDirectory;
import org.openlgsp.core.SubjectLocator;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateValidator;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.StorageException;

/**
 * The federation's source of truth and publisher of the signed directory. Every change bumps the
 * directory serial in the same transaction, so gateways can tell a newer directory from an older
 * one.
 */
public final class Registry {
  static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final int MAX_OPENAPI = 2 * 1024 * 1024;
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Database db;
  private final RegistryOptions options;
  private final MessageSigner directorySigner;
  private final Clock clock;
  private volatile Published published;

  private record Published(long serial, Instant signedAt, SignedDirectory directory) {}

  /** A grant and the id it is administered by. */
  public record GrantEntry(String id, Directory.Grant grant) {}

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
    this.db = db;
    this.options = options;
    this.directorySigner = directorySigner;
    this.clock = clock;
    db.migrate("registry");
    db.migrate("anchors");
  }

  public RegistryOptions options() {
    return options;
  }

  public X509Certificate directoryCertificate() {
    return directorySigner.certificate();
  }

  public void addMember(ClientId id, String name) {
    requireMember(id);
    requireName(name);
    requireInstance(id);
    change(
        c ->
            insert(
                c,
                "INSERT INTO registry_member (id, name, created_at) VALUES (?, ?, ?)",
                id.toString(),
                name,
                now()),
        "member " + id);
  }

  public void addSigningCertificate(ClientId member, X509Certificate certificate) {
    requireMember(member);
    requireTrusted(certificate, CertificateProfile.MEMBER_SIGNING);
    change(
        c -> {
          requireExists(c, "registry_member", member.toString(), "member");
          insert(
              c,
              "INSERT INTO registry_signing_cert (fingerprint, member_id, der, added_at) VALUES (?, ?, ?, ?)",
              Certificates.fingerprint(certificate),
              member.toString(),
              Certificates.der(certificate),
              now());
        },
        "signing certificate");
  }

  /**
   * Takes a member signing certificate out of the directory: the last step of a key rotation, once
   * the member's gateway signs with the new key.
   */
  public void removeSigningCertificate(ClientId member, String fingerprint) {
    removeCertificate(
        "DELETE FROM registry_signing_cert WHERE member_id = ? AND fingerprint = ?",
        member.toString(),
        fingerprint,
        "member " + member + " has no signing certificate " + fingerprint,
        "signing certificate");
  }

  /** Deletes one certificate row by owner and fingerprint; not found when there is none. */
  private void removeCertificate(
      String delete, String owner, String fingerprint, String notFound, String what) {
    change(
        c -> {
          if (update(c, delete, owner, fingerprint) == 0) {
            throw notFound(notFound);
          }
        },
        what);
  }

  public void addNode(NodeId id, String address, List<X509Certificate> tlsCertificates) {
    requireAddress(address);
    for (X509Certificate cert : tlsCertificates) {
      requireTrusted(cert, CertificateProfile.NODE_TLS);
    }
    requireInstance(id.owner());
    change(
        c -> {
          requireExists(c, "registry_member", id.owner().toString(), "member");
          insert(
              c,
              "INSERT INTO registry_node (id, owner_id, address, created_at) VALUES (?, ?, ?, ?)",
              id.toString(),
              id.owner().toString(),
              address,
              now());
          for (X509Certificate cert : tlsCertificates) {
            insertTls(c, id, cert);
          }
        },
        "node " + id);
  }

  public void addNodeTlsCertificate(NodeId id, X509Certificate certificate) {
    requireTrusted(certificate, CertificateProfile.NODE_TLS);
    change(
        c -> {
          requireExists(c, "registry_node", id.toString(), "node");
          insertTls(c, id, certificate);
        },
        "TLS certificate");
  }

  public void removeNodeTlsCertificate(NodeId id, String fingerprint) {
    removeCertificate(
        "DELETE FROM registry_node_tls_cert WHERE node_id = ? AND fingerprint = ?",
        id.toString(),
        fingerprint,
        "node " + id + " has no TLS certificate " + fingerprint,
        "TLS certificate");
  }

  public void addSystem(ClientId id, String name, NodeId node) {
    if (!id.isSubsystem()) {
      throw new LgspException(
          ErrorCode.IDENTIFIER_INVALID, "a system id needs a subsystem code: " + id);
    }
    requireName(name);
    change(
        c -> {
          requireExists(c, "registry_member", id.memberId().toString(), "member");
          requireExists(c, "registry_node", node.toString(), "node");
          insert(
              c,
              "INSERT INTO registry_system (id, member_id, name, node_id, created_at) VALUES (?, ?, ?, ?, ?)",
              id.toString(),
              id.memberId().toString(),
              name,
              node.toString(),
              now());
        },
        "system " + id);
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
        });
    change(
        c -> {
          requireExists(c, "registry_system", id.provider().toString(), "provider system");
          insert(
              c,
              "INSERT INTO registry_service (id, system_id, backend_url, subject_locator, openapi, created_at) VALUES (?, ?, ?, ?, ?, ?)",
              id.toString(),
              id.provider().toString(),
              backendUrl,
              subjectLocator,
              openApi.orElse(null),
              now());
        },
        "service " + id);
  }

  /** Grants {@code client} access to {@code service}; returns the grant id. */
  public String grant(
      ClientId client, ServiceId service, List<String> methods, List<String> pathPatterns) {
    for (String m : methods) {
      if (!METHODS.contains(m)) {
        throw malformed("unknown HTTP method '" + m + "'; use one of " + METHODS);
      }
    }
    pathPatterns.forEach(PathPattern::parse); // refuses a malformed one
    String id = UUID.randomUUID().toString();
    change(
        c -> {
          requireExists(c, "registry_system", client.toString(), "client system");
          requireExists(c, "registry_service", service.toString(), "service");
          insert(
              c,
              "INSERT INTO registry_grant (id, client_id, service_id, methods, path_patterns, created_at) VALUES (?, ?, ?, ?, ?, ?)",
              id,
              client.toString(),
              service.toString(),
              Json.writeString(List.copyOf(methods)),
              Json.writeString(List.copyOf(pathPatterns)),
              now());
        },
        "grant");
    return id;
  }

  public void revokeGrant(String grantId) {
    change(
        c -> {
          if (update(c, "DELETE FROM registry_grant WHERE id = ?", grantId) == 0) {
            throw notFound("no grant " + grantId);
          }
        },
        "grant");
  }

  /**
   * Imports a CA certificate (the built-in CA's, or an external CA's such as the government CA's)
   * as a trust anchor: from then on, members' and nodes' certificates must chain to an anchor.
   */
  public void addTrustAnchor(X509Certificate ca) {
    if (ca.getBasicConstraints() < 0 || ca.getKeyUsage() == null || !ca.getKeyUsage()[5]) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "'"
              + ca.getSubjectX500Principal().getName()
              + "' is not a CA certificate (basicConstraints CA and keyCertSign); import the CA's"
              + " certificate, not one it issued");
    }
    CertificateValidator.requireUsable(
        ca,
        ca.getBasicConstraints() > 0
            ? CertificateProfile.ROOT_CA
            : CertificateProfile.INTERMEDIATE_CA,
        clock.instant());
    change(
        c ->
            insert(
                c,
                "INSERT INTO registry_trust_anchor (fingerprint, subject, der, added_at) VALUES (?, ?, ?, ?)",
                Certificates.fingerprint(ca),
                ca.getSubjectX500Principal().getName(),
                Certificates.der(ca),
                now()),
        "trust anchor");
  }

  public List<X509Certificate> trustAnchors() {
    return read(this::trustAnchors);
  }

  private List<X509Certificate> trustAnchors(Connection c) throws SQLException {
    List<X509Certificate> result = new ArrayList<>();
    try (ResultSet r =
        c.createStatement()
            .executeQuery("SELECT der FROM registry_trust_anchor ORDER BY added_at, fingerprint")) {
      while (r.next()) {
        result.add(Certificates.fromDer(r.getBytes(1)));
      }
    }
    return result;
  }

  /**
   * A certificate must be usable for its purpose and, once trust anchors are imported, chain to one
   * of them (the anchors may be issuing CAs, so the leaf alone suffices).
   */
  private void requireTrusted(X509Certificate certificate, CertificateProfile purpose) {
    CertificateValidator.requireUsable(certificate, purpose, clock.instant());
    List<X509Certificate> anchors = trustAnchors();
    if (!anchors.isEmpty()) {
      new CertificateValidator(anchors, clock).validate(List.of(certificate), purpose);
    }
  }

  public List<Directory.Member> members() {
    return read(this::members);
  }

  public List<Directory.SystemEntry> systems() {
    return read(this::systems);
  }

  public List<Directory.Node> nodes() {
    return read(this::nodes);
  }

  public List<Directory.Service> services() {
    return read(this::services);
  }

  public List<GrantEntry> grants() {
    return read(this::grants);
  }

  public Optional<String> openApi(ServiceId id) {
    return read(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT openapi FROM registry_service WHERE id = ?")) {
            p.setString(1, id.toString());
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                throw notFound("no service " + id);
              }
              return Optional.ofNullable(r.getString(1));
            }
          }
        });
  }

  public long serial() {
    return read(Registry::serial);
  }

  /** The directory as of now, unsigned. */
  public Directory directory() {
    Instant now = clock.instant();
    return read(
        c ->
            new Directory(
                options.instance(),
                serial(c),
                now,
                now.plus(options.directoryValidity()),
                members(c),
                systems(c),
                nodes(c),
                services(c),
                grants(c).stream().map(GrantEntry::grant).toList(),
                trustAnchors(c).stream().map(Certificates::base64).toList()));
  }

  /**
   * The signed directory. Re-signed when the serial changed or a tenth of its validity passed, so
   * polling gateways do not cost a signature each.
   */
  public SignedDirectory publish() {
    Published p = published;
    Instant now = clock.instant();
    long serial = serial();
    if (p == null
        || p.serial() != serial
        || now.isAfter(p.signedAt().plus(options.directoryValidity().dividedBy(10)))) {
      p = new Published(serial, now, SignedDirectory.sign(directory(), directorySigner));
      published = p;
    }
    return p.directory();
  }

  /** Appends to the audit log (its own transaction, so refusals are recorded too). */
  public void audit(String actor, String action, String target, String outcome, String detail) {
    Sql.inTransaction(
        db,
        c ->
            insert(
                c,
                "INSERT INTO registry_audit (at, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                now(),
                actor,
                action,
                cut(target),
                outcome,
                cut(detail)));
  }

  public List<AuditEntry> auditLog(int limit) {
    return read(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT id, at, actor, action, target, outcome, detail FROM registry_audit ORDER BY id DESC LIMIT ?")) {
            p.setInt(1, limit);
            List<AuditEntry> result = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                result.add(
                    new AuditEntry(
                        r.getLong(1),
                        Instant.ofEpochMilli(r.getLong(2)),
                        r.getString(3),
                        r.getString(4),
                        r.getString(5),
                        r.getString(6),
                        r.getString(7)));
              }
            }
            return result;
          }
        });
  }

  // ---- reading

  private List<Directory.Member> members(Connection c) throws SQLException {
    Map<String, List<String>> certs = new LinkedHashMap<>();
    try (ResultSet r =
        c.createStatement()
            .executeQuery(
                "SELECT member_id, der FROM registry_signing_cert ORDER BY added_at, fingerprint")) {
      while (r.next()) {
        certs
            .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
            .add(java.util.Base64.getEncoder().encodeToString(r.getBytes(2)));
      }
    }
    List<Directory.Member> result = new ArrayList<>();
    try (ResultSet r =
        c.createStatement().executeQuery("SELECT id, name FROM registry_member ORDER BY id")) {
      while (r.next()) {
        result.add(
            new Directory.Member(
                ClientId.parse(r.getString(1)),
                r.getString(2),
                certs.getOrDefault(r.getString(1), List.of())));
      }
    }
    return result;
  }

  private List<Directory.SystemEntry> systems(Connection c) throws SQLException {
    List<Directory.SystemEntry> result = new ArrayList<>();
    try (ResultSet r =
        c.createStatement()
            .executeQuery("SELECT id, name, node_id FROM registry_system ORDER BY id")) {
      while (r.next()) {
        result.add(
            new Directory.SystemEntry(
                ClientId.parse(r.getString(1)), r.getString(2), NodeId.parse(r.getString(3))));
      }
    }
    return result;
  }

  private List<Directory.Node> nodes(Connection c) throws SQLException {
    Map<String, List<String>> certs = new LinkedHashMap<>();
    try (ResultSet r =
        c.createStatement()
            .executeQuery(
                "SELECT node_id, der FROM registry_node_tls_cert ORDER BY added_at, fingerprint")) {
      while (r.next()) {
        certs
            .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
            .add(java.util.Base64.getEncoder().encodeToString(r.getBytes(2)));
      }
    }
    List<Directory.Node> result = new ArrayList<>();
    try (ResultSet r =
        c.createStatement().executeQuery("SELECT id, address FROM registry_node ORDER BY id")) {
      while (r.next()) {
        result.add(
            new Directory.Node(
                NodeId.parse(r.getString(1)),
                r.getString(2),
                certs.getOrDefault(r.getString(1), List.of())));
      }
    }
    return result;
  }

  private List<Directory.Service> services(Connection c) throws SQLException {
    List<Directory.Service> result = new ArrayList<>();
    try (ResultSet r =
        c.createStatement()
            .executeQuery(
                "SELECT id, backend_url, subject_locator FROM registry_service ORDER BY id")) {
      while (r.next()) {
        result.add(
            new Directory.Service(ServiceId.parse(r.getString(1)), r.getString(2), r.getString(3)));
      }
    }
    return result;
  }

  private List<GrantEntry> grants(Connection c) throws SQLException {
    List<GrantEntry> result = new ArrayList<>();
    try (ResultSet r =
        c.createStatement()
            .executeQuery(
                "SELECT id, client_id, service_id, methods, path_patterns FROM registry_grant ORDER BY client_id, service_id, id")) {
      while (r.next()) {
        result.add(
            new GrantEntry(
                r.getString(1),
                new Directory.Grant(
                    ClientId.parse(r.getString(2)),
                    ServiceId.parse(r.getString(3)),
                    strings(r.getString(4)),
                    strings(r.getString(5)).stream().map(PathPattern::parse).toList())));
      }
    }
    return result;
  }

  private static long serial(Connection c) throws SQLException {
    try (ResultSet r =
        c.createStatement().executeQuery("SELECT serial FROM registry_state WHERE singleton = 1")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static List<String> strings(String json) {
    try {
      return Json.mapper().readValue(json, STRINGS);
    } catch (java.io.IOException e) {
      throw new StorageException("corrupt list in registry", e);
    }
  }

  // ---- writing

  /** A change to the registry. */
  @FunctionalInterface
  private interface Change {
    void apply(Connection c) throws SQLException;
  }

  private void change(Change change, String what) {
    try {
      Sql.inTransaction(
          db,
          c -> {
            change.apply(c);
            update(c, "UPDATE registry_state SET serial = serial + 1 WHERE singleton = 1");
            return null;
          });
    } catch (StorageException e) {
      if (isUniqueViolation(e)) {
        throw new LgspException(ErrorCode.RESOURCE_CONFLICT, what + " already exists");
      }
      throw e;
    }
  }

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState() == null ? "" : s.getSQLState();
        String msg = s.getMessage() == null ? "" : s.getMessage();
        if (state.equals("23505")
            || msg.contains("UNIQUE constraint")
            || msg.contains("PRIMARY KEY")) {
          return true;
        }
      }
    }
    return false;
  }

  private <T> T read(Sql.Work<T> work) {
    return Sql.read(db, work);
  }

  private static void insertTls(Connection c, NodeId id, X509Certificate cert) throws SQLException {
    insert(
        c,
        "INSERT INTO registry_node_tls_cert (fingerprint, node_id, der, added_at) VALUES (?, ?, ?, ?)",
        Certificates.fingerprint(cert),
        id.toString(),
        Certificates.der(cert),
        System.currentTimeMillis());
  }

  private static int insert(Connection c, String sql, Object... values) throws SQLException {
    return update(c, sql, values);
  }

  private static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        p.setObject(i + 1, values[i]);
      }
      return p.executeUpdate();
    }
  }

  private static void requireExists(Connection c, String table, String id, String what)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          throw notFound(what + " " + id + " is not registered");
        }
      }
    }
  }

  private long now() {
    return clock.millis();
  }

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

  private static String cut(String s) {
    return s.length() > 1000 ? s.substring(0, 1000) : s;
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }

  private static LgspException notFound(String detail) {
    return new LgspException(ErrorCode.RESOURCE_NOT_FOUND, detail);
  }
}
