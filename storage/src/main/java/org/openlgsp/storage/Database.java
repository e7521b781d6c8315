package org.openlgsp.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A relational store chosen by JDBC URL: {@code jdbc:sqlite:FILE} (embedded default: WAL journal,
 * {@code synchronous=FULL}, so a committed transaction survives power loss) or {@code
 * jdbc:postgresql://...} (production). Each module migrates its own tables with its own Flyway
 * history, so modules can share one database without knowing each other.
 */
public final class Database implements AutoCloseable {
  private final String url;
  private final Dialect dialect;
  private final HikariDataSource pool;

  private Database(String url, Dialect dialect, HikariDataSource pool) {
    this.url = url;
    this.dialect = dialect;
    this.pool = pool;
  }

  /** The SQL flavours we run on. */
  public enum Dialect {
    SQLITE,
    POSTGRESQL
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
   * Applies the migrations under {@code classpath:db/migration/MODULE/{common,sqlite|postgresql}},
   * recording them in {@code lgsp_schema_MODULE}.
   */
  public void migrate(String module) {
    if (!module.matches("[a-z]+")) {
      throw new IllegalArgumentException("module name must be lower-case letters");
    }
    String flavour = dialect == Dialect.SQLITE ? "sqlite" : "postgresql";
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(pool)
        .table("lgsp_schema_" + module)
        .locations("classpath:db/migration/" + module + "/" + flavour)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  public DataSource dataSource() {
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
