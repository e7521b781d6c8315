package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class DatabaseAuditLogTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void rowsSurviveReopeningNewestFirst(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Instant at = Instant.parse("2026-01-01T00:00:00Z");
      DatabaseAuditLog.open(db)
          .record(new AuditEvent("alice", "a.first", "/x", "ok", "", "127.0.0.1", at));
      DatabaseAuditLog.open(db)
          .record(
              new AuditEvent(
                  "bob", "a.second", "/y", "admin.forbidden", "no", "10.0.0.1", at.plusSeconds(1)));

      assertThat(DatabaseAuditLog.open(db).recent(10))
          .containsExactly(
              new AuditEvent(
                  "bob", "a.second", "/y", "admin.forbidden", "no", "10.0.0.1", at.plusSeconds(1)),
              new AuditEvent("alice", "a.first", "/x", "ok", "", "127.0.0.1", at));
    }
  }
}
