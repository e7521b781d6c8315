package org.openlgsp.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.ServiceId;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.StorageException;

/**
 * The registry's records: members and their signing certificates, nodes and their TLS certificates,
 * systems, services, grants and trust anchors. Every change bumps the directory serial in the same
 * transaction, so gateways can tell a newer directory from an older one. Takes inputs already
 * checked by {@link Registry}; checks only what needs the stored state. Its tables are migrated as
 * "registry" and "anchors".
 */
final class Catalogue {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Database db;
  private final Clock clock;

  /** Everything the directory is made of, read together. */
  record Contents(
      long serial,
      List<Directory.Member> members,
      List<Directory.SystemEntry> systems,
      List<Directory.Node> nodes,
      List<Directory.Service> services,
      List<Registry.GrantEntry> grants,
      List<X509Certificate> trustAnchors) {}

  Catalogue(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  // ---- changes

  void addMember(ClientId id, String name) {
    change(
        h ->
            h.execute(
                "INSERT INTO registry_member (id, name, created_at) VALUES (?, ?, ?)",
                id.toString(),
                name,
                now()),
        "member " + id);
  }

  void addSigningCertificate(ClientId member, X509Certificate certificate) {
    addMemberCertificate("registry_signing_cert", member, certificate, "signing certificate");
  }

  void addEncryptionCertificate(ClientId member, X509Certificate certificate) {
    addMemberCertificate("registry_encryption_cert", member, certificate, "encryption certificate");
  }

  /**
   * Adds a member's certificate to {@code table} (one of the two fixed member-certificate tables).
   */
  private void addMemberCertificate(
      String table, ClientId member, X509Certificate certificate, String what) {
    change(
        h -> {
          requireExists(h, "registry_member", member.toString(), "member");
          h.execute(
              "INSERT INTO "
                  + table
                  + " (fingerprint, member_id, der, added_at) VALUES (?, ?, ?, ?)",
              Certificates.fingerprint(certificate),
              member.toString(),
              Certificates.der(certificate),
              now());
        },
        what);
  }

  void removeEncryptionCertificate(ClientId member, String fingerprint) {
    removeCertificate(
        "DELETE FROM registry_encryption_cert WHERE member_id = ? AND fingerprint = ?",
        member.toString(),
        fingerprint,
        "member " + member + " has no encryption certificate " + fingerprint,
        "encryption certificate");
  }

  void removeSigningCertificate(ClientId member, String fingerprint) {
    removeCertificate(
        "DELETE FROM registry_signing_cert WHERE member_id = ? AND fingerprint = ?",
        member.toString(),
        fingerprint,
        "member " + member + " has no signing certificate " + fingerprint,
        "signing certificate");
  }

  void addNode(NodeId id, String address, List<X509Certificate> tlsCertificates, String ledgerApi) {
    change(
        h -> {
          requireExists(h, "registry_member", id.owner().toString(), "member");
          h.execute(
              "INSERT INTO registry_node (id, owner_id, address, created_at, ledger_api)"
                  + " VALUES (?, ?, ?, ?, ?)",
              id.toString(),
              id.owner().toString(),
              address,
              now(),
              ledgerApi.isEmpty() ? null : ledgerApi);
          for (X509Certificate cert : tlsCertificates) {
            insertTls(h, id, cert);
          }
        },
        "node " + id);
  }

  void addNodeTlsCertificate(NodeId id, X509Certificate certificate) {
    change(
        h -> {
          requireExists(h, "registry_node", id.toString(), "node");
          insertTls(h, id, certificate);
        },
        "TLS certificate");
  }

  void removeNodeTlsCertificate(NodeId id, String fingerprint) {
    removeCertificate(
        "DELETE FROM registry_node_tls_cert WHERE node_id = ? AND fingerprint = ?",
        id.toString(),
        fingerprint,
        "node " + id + " has no TLS certificate " + fingerprint,
        "TLS certificate");
  }

  void addSystem(ClientId id, String name, NodeId node) {
    change(
        h -> {
          requireExists(h, "registry_member", id.memberId().toString(), "member");
          requireExists(h, "registry_node", node.toString(), "node");
          h.execute(
              "INSERT INTO registry_system (id, member_id, name, node_id, created_at) VALUES (?, ?, ?, ?, ?)",
              id.toString(),
              id.memberId().toString(),
              name,
              node.toString(),
              now());
        },
        "system " + id);
  }

  void addService(
      ServiceId id, String backendUrl, String subjectLocator, Optional<String> openApi) {
    change(
        h -> {
          requireExists(h, "registry_system", id.provider().toString(), "provider system");
          h.createUpdate(
                  "INSERT INTO registry_service (id, system_id, backend_url, subject_locator, openapi, created_at) VALUES (?, ?, ?, ?, ?, ?)")
              .bind(0, id.toString())
              .bind(1, id.provider().toString())
              .bind(2, backendUrl)
              .bind(3, subjectLocator)
              .bind(4, openApi.orElse(null))
              .bind(5, now())
              .execute();
        },
        "service " + id);
  }

  void addGrant(
      String id,
      ClientId client,
      ServiceId service,
      List<String> methods,
      List<String> pathPatterns,
      PrivacyPolicy policy) {
    change(
        h -> {
          requireExists(h, "registry_system", client.toString(), "client system");
          requireExists(h, "registry_service", service.toString(), "service");
          h.createUpdate(
                  "INSERT INTO registry_grant (id, client_id, service_id, methods, path_patterns, created_at, policy) VALUES (?, ?, ?, ?, ?, ?, ?)")
              .bind(0, id)
              .bind(1, client.toString())
              .bind(2, service.toString())
              .bind(3, Json.writeString(List.copyOf(methods)))
              .bind(4, Json.writeString(List.copyOf(pathPatterns)))
              .bind(5, now())
              .bind(6, policy.isOpen() ? null : Json.writeString(policy))
              .execute();
        },
        "grant");
  }

  /**
   * A grant across instances: the side of this instance ({@code client} or {@code service}) must be
   * registered here; the other is another instance's, checked against the agreement by the caller.
   */
  void addFederatedGrant(
      String id,
      String agreement,
      ClientId client,
      ServiceId service,
      boolean clientIsLocal,
      List<String> methods,
      List<String> pathPatterns,
      PrivacyPolicy policy) {
    change(
        h -> {
          if (clientIsLocal) {
            requireExists(h, "registry_system", client.toString(), "client system");
          } else {
            requireExists(h, "registry_service", service.toString(), "service");
          }
          h.execute(
              "INSERT INTO registry_federated_grant (id, client_id, service_id, agreement, methods, path_patterns, created_at, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              client.toString(),
              service.toString(),
              agreement,
              Json.writeString(List.copyOf(methods)),
              Json.writeString(List.copyOf(pathPatterns)),
              now(),
              policy.isOpen() ? null : Json.writeString(policy));
        },
        "grant");
  }

  /**
   * Sets how the provider's gateway checks {@code id}'s exchanges against its OpenAPI document.
   *
   * @throws LgspException {@code resource.not_found} for an unknown service; {@code
   *     quality.no_schema} when {@code mode} is not off and the service has no document
   */
  void setSchemaCheck(ServiceId id, org.openlgsp.core.SchemaCheck mode) {
    change(
        h -> {
          Optional<String> doc =
              h.createQuery("SELECT openapi FROM registry_service WHERE id = ?")
                  .bind(0, id.toString())
                  .map((r, ctx) -> Optional.ofNullable(r.getString(1)))
                  .findOne()
                  .orElseThrow(() -> notFound("no service " + id));
          if (doc.isEmpty() && mode != org.openlgsp.core.SchemaCheck.OFF) {
            throw new LgspException(
                ErrorCode.QUALITY_NO_SCHEMA,
                "service " + id + " has no OpenAPI document to check against");
          }
          h.execute(
              "UPDATE registry_service SET schema_check = ? WHERE id = ?",
              mode.text(),
              id.toString());
        },
        "schema check of " + id);
  }

  /** Removes a service with the grants naming it. */
  void removeService(ServiceId id) {
    change(
        h -> {
          h.execute("DELETE FROM registry_grant WHERE service_id = ?", id.toString());
          h.execute("DELETE FROM registry_federated_grant WHERE service_id = ?", id.toString());
          if (h.execute("DELETE FROM registry_service WHERE id = ?", id.toString()) == 0) {
            throw notFound("no service " + id);
          }
        },
        "service " + id);
  }

  /** Bumps the directory serial alone: what changed is outside these tables (an import). */
  void bumpSerial() {
    change(h -> {}, "serial");
  }

  void revokeGrant(String grantId) {
    change(
        h -> {
          if (h.execute("DELETE FROM registry_grant WHERE id = ?", grantId) == 0
              && h.execute("DELETE FROM registry_federated_grant WHERE id = ?", grantId) == 0) {
            throw notFound("no grant " + grantId);
          }
        },
        "grant");
  }

  void addConsent(String id, Directory.Consent c) {
    change(
        h -> {
          requireExists(h, "registry_member", c.recipient().toString(), "recipient agency");
          h.execute(
              "INSERT INTO registry_consent (id, subject_hash, category, recipient, purpose, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              c.subjectHash(),
              c.category(),
              c.recipient().toString(),
              c.purpose(),
              c.validFrom().toEpochMilli(),
              c.validTo().toEpochMilli(),
              now());
        },
        "consent");
  }

  /**
   * Records the withdrawal; a consent already withdrawn keeps its first withdrawal time. Returns
   * whether this call withdrew it.
   */
  boolean withdrawConsent(String id) {
    boolean[] changed = {false};
    change(
        h -> {
          requireExists(h, "registry_consent", id, "consent");
          changed[0] =
              h.execute(
                      "UPDATE registry_consent SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL",
                      now(),
                      id)
                  > 0;
        },
        "consent");
    return changed[0];
  }

  /** One consent by id, withdrawn or not. */
  java.util.Optional<Registry.ConsentEntry> consent(String id) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, subject_hash, category, recipient, purpose, valid_from, valid_to, withdrawn_at FROM registry_consent WHERE id = ?")
                .bind(0, id)
                .map((r, ctx) -> consentEntry(r))
                .findOne());
  }

  /** A subject's consents (by keyed hash), withdrawn ones included. */
  List<Registry.ConsentEntry> consents(String subjectHash) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, subject_hash, category, recipient, purpose, valid_from, valid_to, withdrawn_at FROM registry_consent WHERE subject_hash = ? ORDER BY created_at, id")
                .bind(0, subjectHash)
                .map((r, ctx) -> consentEntry(r))
                .list());
  }

  /** Consents neither withdrawn nor past their end at {@code now}: what the directory carries. */
  List<Directory.Consent> activeConsents(Instant now) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, subject_hash, category, recipient, purpose, valid_from, valid_to, withdrawn_at FROM registry_consent WHERE withdrawn_at IS NULL AND valid_to > ? ORDER BY subject_hash, id")
                .bind(0, now.toEpochMilli())
                .map((r, ctx) -> consentEntry(r).consent())
                .list());
  }

  private static Registry.ConsentEntry consentEntry(java.sql.ResultSet r)
      throws java.sql.SQLException {
    long withdrawn = r.getLong(8);
    boolean wasWithdrawn = !r.wasNull();
    return new Registry.ConsentEntry(
        r.getString(1),
        new Directory.Consent(
            r.getString(1),
            r.getString(2),
            r.getString(3),
            ClientId.parse(r.getString(4)),
            r.getString(5),
            Instant.ofEpochMilli(r.getLong(6)),
            Instant.ofEpochMilli(r.getLong(7))),
        wasWithdrawn ? Instant.ofEpochMilli(withdrawn) : null);
  }

  void addTrustAnchor(X509Certificate ca) {
    change(
        h ->
            h.execute(
                "INSERT INTO registry_trust_anchor (fingerprint, subject, der, added_at) VALUES (?, ?, ?, ?)",
                Certificates.fingerprint(ca),
                ca.getSubjectX500Principal().getName(),
                Certificates.der(ca),
                now()),
        "trust anchor");
  }

  /** Deletes one certificate row by owner and fingerprint; not found when there is none. */
  private void removeCertificate(
      String delete, String owner, String fingerprint, String notFound, String what) {
    change(
        h -> {
          if (h.execute(delete, owner, fingerprint) == 0) {
            throw notFound(notFound);
          }
        },
        what);
  }

  private void change(Consumer<Handle> change, String what) {
    try {
      Sql.inTransaction(
          db,
          h -> {
            change.accept(h);
            return h.execute("UPDATE registry_state SET serial = serial + 1 WHERE singleton = 1");
          });
    } catch (StorageException e) {
      if (e.isUniqueViolation()) {
        throw new LgspException(ErrorCode.RESOURCE_CONFLICT, what + " already exists");
      }
      throw e;
    }
  }

  private static void insertTls(Handle h, NodeId id, X509Certificate cert) {
    h.execute(
        "INSERT INTO registry_node_tls_cert (fingerprint, node_id, der, added_at) VALUES (?, ?, ?, ?)",
        Certificates.fingerprint(cert),
        id.toString(),
        Certificates.der(cert),
        System.currentTimeMillis());
  }

  private static void requireExists(Handle h, String table, String id, String what) {
    boolean found =
        h.createQuery("SELECT 1 FROM " + table + " WHERE id = ?")
            .bind(0, id)
            .map((r, ctx) -> true)
            .findFirst()
            .isPresent();
    if (!found) {
      throw notFound(what + " " + id + " is not registered");
    }
  }

  private long now() {
    return clock.millis();
  }

  // ---- reads

  Contents contents() {
    return Sql.read(
        db,
        h ->
            new Contents(
                serial(h),
                members(h),
                systems(h),
                nodes(h),
                services(h),
                grants(h),
                trustAnchors(h)));
  }

  long serial() {
    return Sql.read(db, Catalogue::serial);
  }

  List<X509Certificate> trustAnchors() {
    return Sql.read(db, Catalogue::trustAnchors);
  }

  List<Directory.Member> members() {
    return Sql.read(db, Catalogue::members);
  }

  List<Directory.SystemEntry> systems() {
    return Sql.read(db, Catalogue::systems);
  }

  List<Directory.Node> nodes() {
    return Sql.read(db, Catalogue::nodes);
  }

  List<Directory.Service> services() {
    return Sql.read(db, Catalogue::services);
  }

  List<Registry.GrantEntry> grants() {
    return Sql.read(db, Catalogue::grants);
  }

  Optional<String> openApi(ServiceId id) {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT openapi FROM registry_service WHERE id = ?")
                .bind(0, id.toString())
                // a service without a document is a row holding NULL, not a missing row
                .map((r, ctx) -> Optional.ofNullable(r.getString(1)))
                .findOne()
                .orElseThrow(() -> notFound("no service " + id)));
  }

  private static long serial(Handle h) {
    return h.createQuery("SELECT serial FROM registry_state WHERE singleton = 1")
        .map((r, ctx) -> r.getLong(1))
        .one();
  }

  private static List<X509Certificate> trustAnchors(Handle h) {
    return h.createQuery("SELECT der FROM registry_trust_anchor ORDER BY added_at, fingerprint")
        .map((r, ctx) -> Certificates.fromDer(r.getBytes(1)))
        .list();
  }

  private static List<Directory.Member> members(Handle h) {
    Map<String, List<String>> certs =
        certificatesBy(
            h, "SELECT member_id, der FROM registry_signing_cert ORDER BY added_at, fingerprint");
    Map<String, List<String>> encryption =
        certificatesBy(
            h,
            "SELECT member_id, der FROM registry_encryption_cert ORDER BY added_at, fingerprint");
    return h.createQuery("SELECT id, name FROM registry_member ORDER BY id")
        .map(
            (r, ctx) ->
                new Directory.Member(
                    ClientId.parse(r.getString(1)),
                    r.getString(2),
                    certs.getOrDefault(r.getString(1), List.of()),
                    encryption.getOrDefault(r.getString(1), List.of())))
        .list();
  }

  private static List<Directory.SystemEntry> systems(Handle h) {
    return h.createQuery("SELECT id, name, node_id FROM registry_system ORDER BY id")
        .map(
            (r, ctx) ->
                new Directory.SystemEntry(
                    ClientId.parse(r.getString(1)), r.getString(2), NodeId.parse(r.getString(3))))
        .list();
  }

  private static List<Directory.Node> nodes(Handle h) {
    Map<String, List<String>> certs =
        certificatesBy(
            h, "SELECT node_id, der FROM registry_node_tls_cert ORDER BY added_at, fingerprint");
    return h.createQuery("SELECT id, address, ledger_api FROM registry_node ORDER BY id")
        .map(
            (r, ctx) ->
                new Directory.Node(
                    NodeId.parse(r.getString(1)),
                    r.getString(2),
                    certs.getOrDefault(r.getString(1), List.of()),
                    r.getString(3)))
        .list();
  }

  /** Base64 DER certificates grouped by owner id, in the query's order. */
  private static Map<String, List<String>> certificatesBy(Handle h, String ownerAndDer) {
    return h.createQuery(ownerAndDer)
        .reduceResultSet(
            new LinkedHashMap<String, List<String>>(),
            (certs, r, ctx) -> {
              certs
                  .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                  .add(Base64.getEncoder().encodeToString(r.getBytes(2)));
              return certs;
            });
  }

  private static List<Directory.Service> services(Handle h) {
    return h.createQuery(
            "SELECT id, backend_url, subject_locator, openapi, schema_check FROM registry_service ORDER BY id")
        .map(
            (r, ctx) ->
                new Directory.Service(
                    ServiceId.parse(r.getString(1)),
                    r.getString(2),
                    org.openlgsp.core.SubjectLocator.parse(r.getString(3)),
                    // published signed, so every gateway answers getOpenAPI without the registry
                    Optional.ofNullable(r.getString(4)).orElse(""),
                    org.openlgsp.core.SchemaCheck.parse(r.getString(5))))
        .list();
  }

  private static List<Registry.GrantEntry> grants(Handle h) {
    return h.createQuery(
            "SELECT id, client_id, service_id, methods, path_patterns, policy FROM registry_grant"
                + " UNION ALL SELECT id, client_id, service_id, methods, path_patterns, policy"
                + " FROM registry_federated_grant ORDER BY 2, 3, 1")
        .map((r, ctx) -> grantEntry(r))
        .list();
  }

  private static Registry.GrantEntry grantEntry(java.sql.ResultSet r) throws java.sql.SQLException {
    return new Registry.GrantEntry(
        r.getString(1),
        new Directory.Grant(
            ClientId.parse(r.getString(2)),
            ServiceId.parse(r.getString(3)),
            strings(r.getString(4)),
            strings(r.getString(5)).stream().map(PathPattern::parse).toList(),
            policy(r.getString(6))));
  }

  /**
   * A page of grants (own and federated) after the query's cursor, read with keyset conditions on
   * the (client, service, id) indexes, and how many match in all (counted by SQL).
   */
  GrantPage grants(GrantQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    if (!q.text().isEmpty()) {
      where.append(" AND LOWER(client_id || ' ' || service_id) LIKE ? ESCAPE '!'");
      args.add("%" + likeEscaped(q.text().toLowerCase(java.util.Locale.ROOT)) + "%");
    }
    q.agency()
        .ifPresent(
            a -> {
              // a member's systems and services are its identifier and a further part
              // (compared exactly: SQLite's LIKE ignores case)
              where.append(
                  " AND (client_id = ? OR SUBSTR(client_id, 1, ?) = ? OR SUBSTR(service_id, 1, ?)"
                      + " = ?)");
              String member = a.memberId().toString();
              String prefix = member + "/";
              args.addAll(List.of(member, prefix.length(), prefix, prefix.length(), prefix));
            });
    List<Object> pageArgs = new ArrayList<>(args);
    StringBuilder after = new StringBuilder();
    q.after()
        .map(GrantQuery::position)
        .ifPresent(
            p -> {
              after.append(
                  " AND client_id >= ? AND (client_id > ? OR (client_id = ? AND (service_id > ?"
                      + " OR (service_id = ? AND id > ?))))");
              pageArgs.addAll(List.of(p.get(0), p.get(0), p.get(0), p.get(1), p.get(1), p.get(2)));
            });
    String arm =
        "SELECT id, client_id, service_id, methods, path_patterns, policy FROM %s"
            + where
            + after
            + " ORDER BY client_id, service_id, id LIMIT "
            + (q.limit() + 1);
    return Sql.read(
        db,
        h -> {
          long total =
              bindAll(
                      h.createQuery(
                          "SELECT (SELECT COUNT(*) FROM registry_grant"
                              + where
                              + ") + (SELECT COUNT(*) FROM registry_federated_grant"
                              + where
                              + ")"),
                      twice(args))
                  .mapTo(Long.class)
                  .one();
          List<Registry.GrantEntry> rows =
              bindAll(
                      h.createQuery(
                          "SELECT * FROM ("
                              + arm.formatted("registry_grant")
                              + ") a UNION ALL SELECT * FROM ("
                              + arm.formatted("registry_federated_grant")
                              + ") b ORDER BY 2, 3, 1 LIMIT "
                              + (q.limit() + 1)),
                      twice(pageArgs))
                  .map((r, ctx) -> grantEntry(r))
                  .list();
          // one row more than the page says whether there is a next one
          List<Registry.GrantEntry> page = rows.subList(0, Math.min(rows.size(), q.limit()));
          Optional<String> next =
              rows.size() > q.limit()
                  ? Optional.of(
                      GrantQuery.cursor(
                          page.getLast().grant().client().toString(),
                          page.getLast().grant().service().toString(),
                          page.getLast().id()))
                  : Optional.empty();
          return new GrantPage(page, total, next);
        });
  }

  private static List<Object> twice(List<Object> args) {
    List<Object> out = new ArrayList<>(args);
    out.addAll(args);
    return out;
  }

  private static org.jdbi.v3.core.statement.Query bindAll(
      org.jdbi.v3.core.statement.Query q, List<Object> args) {
    for (int i = 0; i < args.size(); i++) {
      q.bind(i, args.get(i));
    }
    return q;
  }

  /** {@code s} matched literally by {@code LIKE ... ESCAPE '!'}. */
  private static String likeEscaped(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static PrivacyPolicy policy(String json) {
    if (json == null) {
      return PrivacyPolicy.OPEN;
    }
    try {
      return Json.mapper().readValue(json, PrivacyPolicy.class);
    } catch (java.io.IOException e) {
      throw new StorageException("corrupt grant policy in registry", e);
    }
  }

  private static List<String> strings(String json) {
    try {
      return Json.mapper().readValue(json, STRINGS);
    } catch (java.io.IOException e) {
      throw new StorageException("corrupt list in registry", e);
    }
  }

  private static LgspException notFound(String detail) {
    return new LgspException(ErrorCode.RESOURCE_NOT_FOUND, detail);
  }
}
