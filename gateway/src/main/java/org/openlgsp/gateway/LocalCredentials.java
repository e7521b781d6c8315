package org.openlgsp.gateway;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.spi.AuditLog;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * OAuth2 client credentials of local systems created, rotated and revoked while the gateway runs,
 * kept in the gateway's database ({@code gateway_credential}, migration history {@code
 * credentials}) so every instance sharing it sees the same ones at once. Only systems the gateway
 * serves (node.yaml's {@code localSystems}) get credentials; node.yaml's own client secrets keep
 * working beside them.
 *
 * <p>A secret is 256 random bits, shown once in the answer that made it; only its SHA-256 is kept,
 * as for node.yaml's secrets (a slow hash adds nothing to a 256-bit random secret) and compared in
 * constant time. A rotation keeps the old secret valid for an overlap, then refuses it; a
 * revocation refuses the secret at the next {@code POST /token} and drops the tokens this process
 * issued under it at once.
 */
public final class LocalCredentials {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "lgsp-";
  private final Database db;
  private final Set<ClientId> systems;
  private final Set<String> configuredClientIds;
  private final java.util.Map<ClientId, String> configuredClientIdOf = new java.util.HashMap<>();
  private final CredentialOptions options;
  private final Clock clock;
  private volatile Consumer<String> onRevoke = clientId -> {};
  // revocations already passed to onRevoke, by this process or read from the database: client id
  // -> revoked_at, kept only while the poll could read the row again (cursor minus the look-back)
  private final java.util.Map<String, Long> revokedSeen =
      new java.util.concurrent.ConcurrentHashMap<>();
  // the latest revoked_at the poll has read (epoch ms); written by the poll only
  private volatile long revocationCursor = Long.MIN_VALUE;
  private volatile Optional<java.util.concurrent.ScheduledExecutorService> polling =
      Optional.empty();

  /** How often a gateway reads revocations other instances sharing its database made. */
  public static final Duration REVOCATION_POLL = Duration.ofSeconds(5);

  /**
   * How far before its cursor the poll reads again: a revocation committed late, or stamped by an
   * instance whose clock is behind, with a time up to this much before the latest one read, is
   * still seen. Each poll reads the revocations of this last minute and newer ones, never the older
   * ones.
   */
  static final Duration REVOCATION_LOOKBACK = Duration.ofMinutes(1);

  /**
   * A credential as listed: never its secret nor the secret's hash.
   *
   * @param previousValidUntil until when the secret before the last rotation still gets tokens
   */
  public record Credential(
      String clientId,
      ClientId system,
      Instant createdAt,
      String createdBy,
      Optional<Instant> rotatedAt,
      Optional<String> rotatedBy,
      Optional<Instant> previousValidUntil,
      Optional<Instant> revokedAt,
      Optional<String> revokedBy) {
    public Credential {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(system, "system");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(createdBy, "createdBy");
      Objects.requireNonNull(rotatedAt, "rotatedAt");
      Objects.requireNonNull(rotatedBy, "rotatedBy");
      Objects.requireNonNull(previousValidUntil, "previousValidUntil");
      Objects.requireNonNull(revokedAt, "revokedAt");
      Objects.requireNonNull(revokedBy, "revokedBy");
    }

    public boolean revoked() {
      return revokedAt.isPresent();
    }
  }

  /** A credential with its new secret: the only time the secret is seen. */
  public record Issued(Credential credential, String secret) {
    public Issued {
      Objects.requireNonNull(credential, "credential");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Issued[" + credential.clientId() + ", secret=(not shown)]";
    }
  }

  /** Who a presented credential is. */
  record Match(ClientId system, String clientId) {}

  private LocalCredentials(
      Database db, List<LocalSystem> configured, CredentialOptions options, Clock clock) {
    this.db = db;
    this.options = options;
    this.clock = clock;
    this.systems =
        configured.stream()
            .map(LocalSystem::id)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.configuredClientIds =
        configured.stream()
            .map(LocalSystem::oauthClientId)
            .filter(s -> !s.isEmpty())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    configured.stream()
        .filter(s -> !s.oauthClientId().isEmpty())
        .forEach(s -> configuredClientIdOf.put(s.id(), s.oauthClientId()));
  }

  /** The client id node.yaml gives {@code system}, if any. */
  Optional<String> configuredClientId(ClientId system) {
    return Optional.ofNullable(configuredClientIdOf.get(system));
  }

  /** The store in {@code db} (migrated here) for the systems {@code configured}. */
  static LocalCredentials open(
      Database db, List<LocalSystem> configured, CredentialOptions options, Clock clock) {
    db.migrate("credentials");
    return new LocalCredentials(db, configured, options, clock);
  }

  void onRevoke(Consumer<String> dropTokens) {
    this.onRevoke = dropTokens;
  }

  public CredentialOptions options() {
    return options;
  }

  /** The systems this gateway serves, which may hold credentials. */
  public Set<ClientId> systems() {
    return systems;
  }

  /** A new credential for {@code system}, made by {@code actor}. */
  public Issued create(ClientId system, String actor) {
    if (!systems.contains(system)) {
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND, "this gateway serves no local system " + system);
    }
    String secret = randomSecret();
    long now = clock.millis();
    String clientId =
        Sql.inTransaction(
            db,
            h -> {
              String id = newClientId(h);
              h.createUpdate(
                      "INSERT INTO gateway_credential (client_id, system, secret_sha256,"
                          + " created_at, created_by) VALUES (?, ?, ?, ?, ?)")
                  .bind(0, id)
                  .bind(1, system.toString())
                  .bind(2, LocalSystem.hashSecret(secret))
                  .bind(3, now)
                  .bind(4, actor)
                  .execute();
              return id;
            });
    return new Issued(get(clientId), secret);
  }

  /**
   * A new secret for {@code clientId}; the old one still gets tokens for {@code overlap} (the
   * configured one when empty), only the last one before this rotation.
   */
  public Issued rotate(String clientId, Optional<Duration> overlap, String actor) {
    Duration keep = overlap.orElse(options.rotationOverlap());
    CredentialOptions.requireOverlap("overlap", keep);
    String secret = randomSecret();
    long now = clock.millis();
    changeActive(
        clientId,
        "previous_sha256 = secret_sha256, previous_until = ?, secret_sha256 = ?, rotated_at = ?,"
            + " rotated_by = ?",
        now + keep.toMillis(),
        LocalSystem.hashSecret(secret),
        now,
        actor);
    return new Issued(get(clientId), secret);
  }

  /**
   * Revokes {@code clientId} at once: its secrets get no token from now on, and the tokens this
   * process issued under it stop working.
   */
  public Credential revoke(String clientId, String actor) {
    long now = clock.millis();
    changeActive(
        clientId,
        "revoked_at = ?, revoked_by = ?, previous_sha256 = NULL, previous_until = NULL",
        now,
        actor);
    revokedSeen.put(clientId, now);
    onRevoke.accept(clientId); // after the commit: a token issued meanwhile is dropped too
    return get(clientId);
  }

  /** Every credential, of every system or of one, revoked ones included, oldest first. */
  public List<Credential> list(Optional<ClientId> system) {
    return Sql.read(
        db,
        h ->
            system.isPresent()
                ? h.createQuery(
                        "SELECT * FROM gateway_credential WHERE system = ?"
                            + " ORDER BY created_at, client_id")
                    .bind(0, system.get().toString())
                    .map((rs, ctx) -> credential(rs))
                    .list()
                : h.createQuery("SELECT * FROM gateway_credential ORDER BY created_at, client_id")
                    .map((rs, ctx) -> credential(rs))
                    .list());
  }

  public Credential get(String clientId) {
    return Sql.read(db, h -> find(h, clientId));
  }

  /**
   * The system {@code clientId} names when {@code secret} is its current secret, or its previous
   * one within the overlap, and it is not revoked and its system is still served here.
   */
  Optional<Match> check(String clientId, String secret) {
    if (!clientId.startsWith(PREFIX)) {
      return Optional.empty();
    }
    record Row(
        String system, String current, Optional<String> previous, long until, boolean revoked) {}
    Optional<Row> row =
        Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT system, secret_sha256, previous_sha256, previous_until, revoked_at"
                            + " FROM gateway_credential WHERE client_id = ?")
                    .bind(0, clientId)
                    .map(
                        (rs, ctx) ->
                            new Row(
                                rs.getString(1),
                                rs.getString(2),
                                Optional.ofNullable(rs.getString(3)),
                                rs.getLong(4),
                                rs.getObject(5) != null))
                    .findOne());
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Row r = row.get();
    byte[] presented = LocalSystem.hashSecret(secret).getBytes(StandardCharsets.US_ASCII);
    boolean current =
        Digests.constantTimeEquals(r.current().getBytes(StandardCharsets.US_ASCII), presented);
    // compared whether or not it is still valid, so the timing does not tell
    boolean previous =
        Digests.constantTimeEquals(
                r.previous().orElse("").getBytes(StandardCharsets.US_ASCII), presented)
            && clock.millis() < r.until();
    ClientId system = ClientId.parse(r.system());
    if (r.revoked() || !(current || previous) || !systems.contains(system)) {
      return Optional.empty();
    }
    return Optional.of(new Match(system, clientId));
  }

  /**
   * Drops the tokens this process issued under credentials another instance sharing the database
   * revoked since the last look; returns how many such revocations were new. Reads only the rows
   * revoked at or after the latest revocation time read so far, less {@link #REVOCATION_LOOKBACK}
   * (keyset on {@code revoked_at, client_id}), and forgets a revocation once the poll can no longer
   * read it again.
   */
  int pollRevocations() {
    return readRevocations(true);
  }

  private int readRevocations(boolean passOn) {
    long cursor = revocationCursor;
    long from = cursor == Long.MIN_VALUE ? Long.MIN_VALUE : cursor - REVOCATION_LOOKBACK.toMillis();
    record Revoked(String clientId, long at) {}
    List<Revoked> revoked =
        Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT client_id, revoked_at FROM gateway_credential"
                            + " WHERE revoked_at >= ? ORDER BY revoked_at, client_id")
                    .bind(0, from)
                    .map((rs, ctx) -> new Revoked(rs.getString(1), rs.getLong(2)))
                    .list());
    int fresh = 0;
    for (Revoked r : revoked) {
      if (revokedSeen.putIfAbsent(r.clientId(), r.at()) == null && passOn) {
        onRevoke.accept(r.clientId());
        fresh++;
      }
      cursor = Math.max(cursor, r.at());
    }
    revocationCursor = cursor;
    long forgetBefore = cursor - REVOCATION_LOOKBACK.toMillis();
    revokedSeen.values().removeIf(at -> at < forgetBefore);
    return fresh;
  }

  /** How many revocations the poll holds in memory (those it could still read again). */
  int revocationsHeld() {
    return revokedSeen.size();
  }

  /**
   * Starts the poll at the newest revocation stored: what was revoked before this process started
   * issued it nothing, so older rows are never read, and those the poll will read again are taken
   * as seen.
   */
  private void startAtNewestRevocation() {
    long newest =
        Sql.read(
            db,
            h ->
                h.createQuery("SELECT COALESCE(MAX(revoked_at), 0) FROM gateway_credential")
                    .mapTo(Long.class)
                    .one());
    revocationCursor = newest;
    readRevocations(false);
  }

  /** Reads other instances' revocations every {@code period} until {@link #close}. */
  void pollEvery(Duration period) {
    startAtNewestRevocation();
    var executor =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("credential-revocations").factory());
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            pollRevocations();
          } catch (RuntimeException e) { // the database away: tried again next time
            java.util.logging.Logger.getLogger(LocalCredentials.class.getName())
                .warning("revoked credentials not read: " + e.getMessage());
          }
        },
        period.toMillis(),
        period.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    polling = Optional.of(executor);
  }

  /** Stops reading other instances' revocations. */
  void close() {
    polling.ifPresent(java.util.concurrent.ScheduledExecutorService::shutdownNow);
  }

  /** Starts the operator API on {@code host} (options' {@code apiPort} and tokens). */
  public AdminApi startApi(String host, AuditLog audit) {
    int port =
        options
            .apiPort()
            .orElseThrow(() -> new IllegalStateException("gateway.credentials has no apiPort"));
    return CredentialsApi.start(this, host, port, audit);
  }

  // One change to a credential that is not revoked: 404 when unknown, 409 when revoked.
  private void changeActive(String clientId, String assignments, Object... values) {
    Sql.inTransaction(
        db,
        h -> {
          find(h, clientId);
          var update =
              h.createUpdate(
                  "UPDATE gateway_credential SET "
                      + assignments
                      + " WHERE client_id = ? AND revoked_at IS NULL");
          for (int i = 0; i < values.length; i++) {
            update.bind(i, values[i]);
          }
          if (update.bind(values.length, clientId).execute() == 0) {
            throw new LgspException(
                ErrorCode.RESOURCE_CONFLICT, "credential " + clientId + " is revoked");
          }
          return null;
        });
  }

  private Credential find(Handle h, String clientId) {
    return h.createQuery("SELECT * FROM gateway_credential WHERE client_id = ?")
        .bind(0, clientId)
        .map((rs, ctx) -> credential(rs))
        .findOne()
        .orElseThrow(
            () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no credential " + clientId));
  }

  private static Credential credential(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Credential(
        rs.getString("client_id"),
        ClientId.parse(rs.getString("system")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        instant(rs, "rotated_at"),
        Optional.ofNullable(rs.getString("rotated_by")),
        instant(rs, "previous_until"),
        instant(rs, "revoked_at"),
        Optional.ofNullable(rs.getString("revoked_by")));
  }

  private static Optional<Instant> instant(java.sql.ResultSet rs, String column)
      throws java.sql.SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  // Random, never one of node.yaml's client ids nor one already stored.
  private String newClientId(Handle h) {
    while (true) {
      byte[] raw = new byte[10];
      RANDOM.nextBytes(raw);
      String id = PREFIX + HexFormat.of().formatHex(raw);
      boolean taken =
          configuredClientIds.contains(id)
              || h.createQuery("SELECT COUNT(*) FROM gateway_credential WHERE client_id = ?")
                      .bind(0, id)
                      .mapTo(Long.class)
                      .one()
                  > 0;
      if (!taken) {
        return id;
      }
    }
  }

  private static String randomSecret() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
