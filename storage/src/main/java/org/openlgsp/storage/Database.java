package org.openlgsp.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A relational store chosen by JDBC URL: {@code jdbc:sqlite:FILE} (embedded default: WAL journal,
 * {@code synchronous=FULL}, so a committed transaction survives power loss) or {@code
 * jdbc:postgresql://...} (production). Each module migrates its own tables with its own Flyway
 * history, so modules can share one database without knowing each other. Statements run through
 * {@link Sql} (Jdbi handles) or, on the group-commit write paths, {@link GroupCommit}.
 */
public final class Database implements AutoCloseable {
  private final String url;
  private final Dialect dialect;
  private final HikariDataSource pool;
  private final Jdbi jdbi;

  private Database(String url, Dialect dialect, HikariDataSource pool) {
    this.url = url;
    this.dialect = dialect;
    this.pool = pool;
    this.jdbi = Jdbi.create(pool);
    // Statements are plain SQL with ? parameters: no templating (SQL's own '<' stays SQL).
    jdbi.getConfig(SqlStatements.class).setTemplateEngine(TemplateEngine.NOP);
    // Failure messages must not carry the values bound (personal data, keys) into logs.
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.NONE);
  }

  /**
   * The SQL flavours we run on. Migrations written once for both use the placeholders {@code
   * ${blob}} (bytes), {@code ${int64_pk}} (a 64-bit integer primary key; SQLite's rowid) and {@code
   * ${identity_pk}} (a 64-bit key the database numbers).
   */
  public enum Dialect {
    SQLITE("sqlite", "BLOB", "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"),
    POSTGRESQL(
        "postgresql",
        "BYTEA",
        "BIGINT PRIMARY KEY",
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");

    private final String folder;
    private final Map<String, String> placeholders;

    Dialect(String folder, String blob, String int64Key, String identityKey) {
      this.folder = folder;
      this.placeholders = Map.of("blob", blob, "int64_pk", int64Key, "identity_pk", identityKey);
    }
  }

  public static Database open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return openSqlite(jdbcUrl);
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return openPostgres(jdbcUrl);
    }
    throw new StorageException(
        "unsupported JDBC URL (expected jdbc:sqlite:FILE or jdbc:postgresql://...)");
  }

  /** An embedded database in a file, creating its folder. */
  public static Database sqlite(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (java.io.IOException e) {
      throw new StorageException("cannot create folder for " + file, e);
    }
    return openSqlite("jdbc:sqlite:" + file.toAbsolutePath());
  }

  private static Database openSqlite(String url) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(30_000);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl(url);
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(source);
    // One writer at a time is all SQLite allows; a few readers share the WAL snapshot.
    hikari.setMaximumPoolSize(4);
    hikari.setPoolName("sqlite");
    return new Database(url, Dialect.SQLITE, new HikariDataSource(hikari));
  }

  private static Database openPostgres(String url) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setMaximumPoolSize(8);
    hikari.setPoolName("postgresql");
    hikari.setInitializationFailTimeout(5_000);
    try {
      return new Database(url, Dialect.POSTGRESQL, new HikariDataSource(hikari));
    } catch (RuntimeException e) {
      throw new StorageException("cannot connect to PostgreSQL", e);
    }
  }

  /**
   * Applies the migrations under {@code classpath:db/migration/MODULE/common} (written for both
   * dialects, see {@link Dialect}) and {@code .../MODULE/sqlite} or {@code .../MODULE/postgresql}
   * (only what differs), recording them in {@code lgsp_schema_MODULE}. Versions are unique across
   * both folders.
   */
  public void migrate(String module) {
    if (!module.matches("[a-z]+")) {
      throw new IllegalArgumentException("module name must be lower-case letters");
    }
    ClassLoader loader = Database.class.getClassLoader();
    List<String> locations = new ArrayList<>();
    for (String folder : List.of("common", dialect.folder)) {
      String path = "db/migration/" + module + "/" + folder;
      if (loader.getResource(path) != null) {
        locations.add("classpath:" + path);
      }
    }
    if (locations.isEmpty()) {
      throw new IllegalArgumentException("no migrations for module " + module);
    }
    Flyway.configure(loader)
        .dataSource(pool)
        .table("lgsp_schema_" + module)
        .locations(locations.toArray(String[]::new))
        .placeholders(dialect.placeholders)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** The Jdbi over this database's pool; reached through {@link Sql} and {@link GroupCommit}. */
  Jdbi jdbi() {
    return jdbi;
  }

  DataSource dataSource() {
    return pool;
  }

  public Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new StorageException("no database connection", e);
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * Rewrites {@code table}'s storage so that row versions an update replaced are gone from the
   * database files, as after a re-encryption pass that replaced plaintext: SQLite {@code VACUUM} (a
   * fresh file) and a truncating WAL checkpoint; PostgreSQL {@code VACUUM FULL} of the table (a new
   * heap file; the old one is unlinked). Takes an exclusive lock while it runs.
   */
  public void purgeReplacedRows(String table) {
    if (!table.matches("[a-z_]+")) {
      throw new IllegalArgumentException("table name " + table);
    }
    try (Connection c = connection();
        java.sql.Statement st = c.createStatement()) {
      if (dialect == Dialect.SQLITE) {
        st.execute("VACUUM");
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } else {
        st.execute("VACUUM FULL " + table);
      }
    } catch (SQLException e) {
      throw StorageException.of("cannot purge replaced rows of " + table, e);
    }
  }

  /**
   * Claims this database for {@code writer} alone when it is an embedded SQLite file, refusing
   * ({@link StorageException}) if another process or another open writer here holds it; the claim
   * ends when the returned handle is closed or the process ends. On PostgreSQL several writers may
   * share the database (they coordinate in it), so nothing is claimed.
   */
  public Claim claimSoleWriter(String writer) {
    if (!writer.matches("[a-z]+")) {
      throw new IllegalArgumentException("writer name must be lower-case letters");
    }
    return sqliteFile().<Claim>map(f -> SoleWriter.claim(f, writer)).orElse(() -> {});
  }

  /** A claim held until closed. */
  public interface Claim extends AutoCloseable {
    @Override
    void close();
  }

  /** The file of an embedded database, if this is one (not an in-memory one). */
  private java.util.Optional<Path> sqliteFile() {
    if (dialect != Dialect.SQLITE) {
      return java.util.Optional.empty();
    }
    String name = describe().substring("jdbc:sqlite:".length());
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    }
    if (name.isEmpty() || name.equals(":memory:") || name.contains("mode=memory")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Path.of(name).toAbsolutePath().normalize());
  }

  /** The URL without credentials, for logs. */
  public String describe() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  @Override
  public void close() {
    pool.close();
  }
}
