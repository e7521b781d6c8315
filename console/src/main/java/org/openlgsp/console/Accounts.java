package org.openlgsp.console;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.StorageException;

/**
 * The console's local accounts (table {@code console_account}, migration {@code console}): Argon2id
 * password hashes ({@link Passwords}), a TOTP secret set up at the first sign-in ({@link Totp}),
 * and the lockout: {@code lockoutAfter} failed sign-ins in a row lock the account for {@code
 * lockoutFor}, during which even the right password is refused.
 */
public final class Accounts {
  private static final String COLUMNS =
      "username, role, agency, password_hash, password_salt, argon2_memory_kib,"
          + " argon2_iterations, argon2_parallelism, totp_secret, totp_last_step, failures,"
          + " locked_until";
  // checked against when the username is unknown, so that both cases cost one Argon2id
  private static final Passwords.Hash DUMMY = Passwords.hash("not a password of anyone");
  private final Database db;
  private final Clock clock;
  private final ConsoleOptions options;
  private final Totp totp = new Totp(6);

  public Accounts(Database db, ConsoleOptions options, Clock clock) {
    this.db = db;
    this.options = options;
    this.clock = clock;
    db.migrate("console");
  }

  /** One stored row, secrets included: never leaves this class. */
  private record Row(
      Account account,
      Passwords.Hash password,
      Optional<byte[]> totpSecret,
      long totpLastStep,
      int failures,
      long lockedUntil) {}

  static void requireUsername(String username) {
    Objects.requireNonNull(username, "username");
    if (!username.matches("[a-z0-9][a-z0-9._-]{1,63}")) {
      throw new IllegalArgumentException(
          "a username is 2 to 64 lower-case letters, digits, '.', '_' or '-'");
    }
  }

  /**
   * Creates an account with a new random password and returns that password: the one time it is
   * ever shown.
   */
  public String create(String username, ConsoleRole role, Optional<ClientId> agency) {
    String password = Passwords.random(20);
    create(username, password, role, agency);
    return password;
  }

  /** Creates an account with {@code password} (at least 12 characters). */
  public Account create(
      String username, String password, ConsoleRole role, Optional<ClientId> agency) {
    Account account = new Account(username, role, agency, false);
    if (password.length() < 12) {
      throw new IllegalArgumentException("a password has at least 12 characters");
    }
    Passwords.Hash h = Passwords.hash(password);
    try {
      Sql.inTransaction(
          db,
          handle ->
              handle.execute(
                  "INSERT INTO console_account ("
                      + COLUMNS
                      + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, 0, ?)",
                  username,
                  role.id(),
                  agency.map(ClientId::encoded).orElse(null),
                  h.hash(),
                  h.salt(),
                  h.memoryKib(),
                  h.iterations(),
                  h.parallelism(),
                  clock.millis()));
    } catch (StorageException e) {
      if (e.isUniqueViolation()) {
        throw new LgspException(ErrorCode.RESOURCE_CONFLICT, "account " + username + " exists");
      }
      throw e;
    }
    return account;
  }

  public Optional<Account> find(String username) {
    return row(username).map(Row::account);
  }

  /** Every account, by username. */
  public List<Account> list() {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM console_account ORDER BY username")
                .map((r, ctx) -> toRow(r).account())
                .list());
  }

  /**
   * The account when {@code password} is its password and it is not locked; a wrong password counts
   * towards the lockout, a right one resets the count. Unknown usernames, wrong passwords and
   * locked accounts are told apart by nobody: the caller gets an empty answer for each.
   */
  public Optional<Account> checkPassword(String username, String password) {
    Optional<Row> found;
    try {
      requireUsername(username);
      found = row(username);
    } catch (IllegalArgumentException malformed) {
      found = Optional.empty();
    }
    if (found.isEmpty()) {
      Passwords.matches(password, DUMMY);
      return Optional.empty();
    }
    Row row = found.get();
    boolean right = Passwords.matches(password, row.password());
    long now = clock.millis();
    if (row.lockedUntil() > now) {
      return Optional.empty();
    }
    if (!right) {
      failed(row);
      return Optional.empty();
    }
    if (row.failures() > 0) {
      Sql.inTransaction(
          db,
          h ->
              h.execute(
                  "UPDATE console_account SET failures = 0, locked_until = 0 WHERE username = ?",
                  username));
    }
    return Optional.of(row.account());
  }

  private void failed(Row row) {
    int failures = row.failures() + 1;
    long lockedUntil =
        failures >= options.lockoutAfter()
            ? clock.millis() + options.lockoutFor().toMillis()
            : row.lockedUntil();
    Sql.inTransaction(
        db,
        h ->
            h.execute(
                "UPDATE console_account SET failures = ?, locked_until = ? WHERE username = ?",
                failures >= options.lockoutAfter() ? 0 : failures,
                lockedUntil,
                row.account().username()));
  }

  /** True while failed sign-ins keep the account locked. */
  public boolean locked(String username) {
    return row(username).filter(r -> r.lockedUntil() > clock.millis()).isPresent();
  }

  /**
   * Checks a second-factor code of an enrolled account: accepted once (a step already used is
   * refused), a wrong code counting towards the lockout like a wrong password.
   */
  boolean checkTotp(String username, String code) {
    Row row = row(username).orElseThrow();
    if (row.totpSecret().isEmpty() || row.lockedUntil() > clock.millis()) {
      return false;
    }
    Optional<Long> step = totp.verify(row.totpSecret().get(), code, clock.instant());
    if (step.isEmpty() || step.get() <= row.totpLastStep()) {
      failed(row);
      return false;
    }
    int updated =
        Sql.inTransaction(
            db,
            h ->
                h.execute(
                    "UPDATE console_account SET totp_last_step = ?, failures = 0"
                        + " WHERE username = ? AND totp_last_step < ?",
                    step.get(),
                    username,
                    step.get()));
    return updated == 1;
  }

  /**
   * Sets up the second factor of an account that has none: {@code secret} is kept only when {@code
   * code} proves the user's authenticator holds it.
   */
  boolean enrolTotp(String username, byte[] secret, String code) {
    Optional<Long> step = totp.verify(secret, code, clock.instant());
    if (step.isEmpty()) {
      return false;
    }
    int updated =
        Sql.inTransaction(
            db,
            h ->
                h.execute(
                    "UPDATE console_account SET totp_secret = ?, totp_last_step = ?"
                        + " WHERE username = ? AND totp_secret IS NULL",
                    secret,
                    step.get(),
                    username));
    return updated == 1;
  }

  /** The code an authenticator holding {@code secret} shows now (tests and the demo's checks). */
  String currentCode(byte[] secret, Instant at) {
    return totp.code(secret, at);
  }

  // ---- administration (the accounts page, docs/console.md)

  /** An account and its lockout state, as the accounts page lists it. */
  public record Overview(Account account, boolean locked, int failures) {}

  /** Every account with its lockout state, by username. */
  public List<Overview> overview() {
    long now = clock.millis();
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM console_account ORDER BY username")
                .map(
                    (r, ctx) -> {
                      Row row = toRow(r);
                      return new Overview(row.account(), row.lockedUntil() > now, row.failures());
                    })
                .list());
  }

  /**
   * Gives an account a new random password and returns it: the one time it is ever shown. The
   * lockout is left as it is ({@link #unlock}).
   */
  public String resetPassword(String username) {
    String password = Passwords.random(20);
    Passwords.Hash h = Passwords.hash(password);
    requireUpdated(
        username,
        Sql.inTransaction(
            db,
            handle ->
                handle.execute(
                    "UPDATE console_account SET password_hash = ?, password_salt = ?,"
                        + " argon2_memory_kib = ?, argon2_iterations = ?, argon2_parallelism = ?"
                        + " WHERE username = ?",
                    h.hash(),
                    h.salt(),
                    h.memoryKib(),
                    h.iterations(),
                    h.parallelism(),
                    username)));
    return password;
  }

  /** Forgets the account's second factor: its next sign-in sets up a new one. */
  public void resetTotp(String username) {
    updateOne(
        username,
        "UPDATE console_account SET totp_secret = NULL, totp_last_step = 0 WHERE username = ?");
  }

  /** Ends a lockout and forgets the failed sign-ins counted so far. */
  public void unlock(String username) {
    updateOne(
        username, "UPDATE console_account SET failures = 0, locked_until = 0 WHERE username = ?");
  }

  /**
   * Runs {@code update}, whose one parameter is the username: not found unless it changed a row.
   */
  private void updateOne(String username, String update) {
    requireUpdated(username, Sql.inTransaction(db, h -> h.execute(update, username)));
  }

  /**
   * Changes an account's role and agency scope, refused ({@code resource.conflict}) when it would
   * leave the console without a platform administrator: the last one cannot give that role up.
   */
  public Account changeRole(String username, ConsoleRole role, Optional<ClientId> agency) {
    Account changed = new Account(username, role, agency, false);
    Sql.inTransaction(
        db,
        h -> {
          Account now =
              h.createQuery("SELECT " + COLUMNS + " FROM console_account WHERE username = ?")
                  .bind(0, username)
                  .map((r, ctx) -> toRow(r).account())
                  .findOne()
                  .orElseThrow(
                      () ->
                          new LgspException(
                              ErrorCode.RESOURCE_NOT_FOUND, "no account " + username));
          if (now.role() == ConsoleRole.PLATFORM_ADMIN && role != ConsoleRole.PLATFORM_ADMIN) {
            long others =
                h.createQuery(
                        "SELECT COUNT(*) FROM console_account WHERE role = ? AND username <> ?")
                    .bind(0, ConsoleRole.PLATFORM_ADMIN.id())
                    .bind(1, username)
                    .mapTo(Long.class)
                    .one();
            if (others == 0) {
              throw new LgspException(
                  ErrorCode.RESOURCE_CONFLICT,
                  username + " is the last platform administrator; make another one first");
            }
          }
          return h.execute(
              "UPDATE console_account SET role = ?, agency = ? WHERE username = ?",
              role.id(),
              agency.map(ClientId::encoded).orElse(null),
              username);
        });
    return find(username).orElse(changed);
  }

  private static void requireUpdated(String username, int updated) {
    if (updated != 1) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no account " + username);
    }
  }

  private Optional<Row> row(String username) {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM console_account WHERE username = ?")
                .bind(0, username)
                .map((r, ctx) -> toRow(r))
                .findOne());
  }

  private static Row toRow(java.sql.ResultSet r) throws java.sql.SQLException {
    ConsoleRole role =
        ConsoleRole.of(r.getString(2))
            .orElseThrow(() -> new IllegalStateException("unknown role in console_account"));
    Optional<ClientId> agency = Optional.ofNullable(r.getString(3)).map(ClientId::parse);
    byte[] secret = r.getBytes(9);
    return new Row(
        new Account(r.getString(1), role, agency, secret != null),
        new Passwords.Hash(r.getBytes(5), r.getBytes(4), r.getInt(6), r.getInt(7), r.getInt(8)),
        Optional.ofNullable(secret),
        r.getLong(10),
        r.getInt(11),
        r.getLong(12));
  }
}
