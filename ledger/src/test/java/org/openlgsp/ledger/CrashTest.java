package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.Database;

class CrashTest {
  @TempDir Path dir;

  @Test
  void killDashNineDuringAppendsLosesNoAcknowledgedRecordAndKeepsTheTreeConsistent()
      throws Exception {
    Path file = dir.resolve("crash.db");
    NoteKey key = NoteKey.generate("lgsp.test/crash", NoteKey.TYPE_ED25519);
    Map<Long, String> acknowledged = new HashMap<>();
    for (int round = 0; round < 2; round++) {
      acknowledged.putAll(runAndKill(file, key, 4000 * (round + 1)));
    }
    try (Database db = Database.sqlite(file);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      TreeHead head = ledger.head();
      assertThat(head.size()).isGreaterThanOrEqualTo(acknowledged.size());
      for (var e : acknowledged.entrySet()) {
        assertThat(ledger.get(e.getKey()))
            .as("acknowledged record %d", e.getKey())
            .hasValueSatisfying(
                entry -> assertThat(entry.record().messageId()).isEqualTo(e.getValue()));
      }
      var checkpoints = Checkpoints.readAll(db);
      assertThat(checkpoints).isNotEmpty();
      StoredCheckpoint last = checkpoints.get(checkpoints.size() - 1);
      assertThat(last.note().verifiedBy(key.verifier())).isTrue();
      for (StoredCheckpoint c : checkpoints) {
        assertThat(c.size()).isLessThanOrEqualTo(head.size());
        assertThat(
                Merkle.verifyConsistency(
                    c.size(),
                    head.size(),
                    c.checkpoint().rootHash(),
                    head.rootHash(),
                    ledger.consistencyProof(c.size(), head.size())))
            .as("checkpoint %d consistent with the recovered tree", c.size())
            .isTrue();
      }
      // and the recovered ledger keeps appending into the same tree
      long next = ledger.append(Records.sample("after-crash"));
      assertThat(next).isEqualTo(head.size());
    }
  }

  private Map<Long, String> runAndKill(Path file, NoteKey key, int acks) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                file.toString(),
                key.privateText())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Map<Long, String> seen = new HashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          seen.put(Long.parseLong(parts[1]), parts[2]);
        }
        if (seen.size() >= acks || System.nanoTime() > deadline) {
          // SIGKILL: no shutdown hooks, no close. (destroyForcibly would also close our end of
          // the pipe, losing acknowledgements the child wrote just before dying.)
          new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
          break;
        }
      }
      // lines already written before the kill still count as acknowledged
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          seen.put(Long.parseLong(parts[1]), parts[2]);
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(seen).hasSizeGreaterThan(100);
    return seen;
  }
}
