package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.testkit.Federation;

/**
 * Consents end to end (docs/privacy.md): made and withdrawn with {@code lgsp registry consent},
 * published by keyed hash under {@code registry.consentKey}, checked by the provider gateway with
 * its copy ({@code gateway.consentKey}); a withdrawal while the portal keeps calling takes effect
 * within a directory refresh (2 s in the fixture) and for good.
 */
class ConsentCommandsTest {
  @TempDir Path dir;

  record Outcome(Instant at, int status, String code) {}

  @Test
  void aWithdrawalMidTrafficStopsTheCallsItCoveredWithinARefresh() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(2))) {
      Path token = dir.resolve("admin.token");
      Files.writeString(token, fed.adminToken());
      String[] conn = {"--url", fed.registryUrl(), "--token-file", token.toString()};
      RegistryClient admin = new RegistryClient(fed.registryUrl(), fed.adminToken());
      String citizen = fed.citizenIds().get(0);
      String other = fed.citizenIds().get(1);
      String open = admin.grants().getFirst().id();

      ok(
          conn,
          "registry",
          "grant",
          "add",
          "--client",
          Federation.PORTAL.toString(),
          "--service",
          Federation.CITIZEN_SERVICE,
          "--purpose",
          "1.001234",
          "--consent",
          "ho-tich");
      ok(conn, "registry", "grant", "revoke", open);
      String consent =
          ok(
                  conn,
                  "registry",
                  "consent",
                  "add",
                  "--subject",
                  citizen,
                  "--category",
                  "ho-tich",
                  "--recipient",
                  Federation.TAY_NINH.toString(),
                  "--purpose",
                  "1.001234",
                  "--valid-to",
                  Instant.now().plus(Duration.ofDays(1)).toString())
              .out()
              .strip();

      // until the gateways hold the directory without the open grant, every lookup passes
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fed.lookUpCitizen(other, "1.001234:HS-2").statusCode() == 403);
      assertThat(fed.lookUpCitizen(citizen, "1.001234:HS-1").statusCode()).isEqualTo(200);
      Federation.Reply noConsent = fed.lookUpCitizen(other, "1.001234:HS-2");
      assertThat(noConsent.statusCode()).as(noConsent.body()).isEqualTo(403);
      assertThat(code(noConsent.body())).isEqualTo("consent.missing");
      assertThat(
              new String(
                  org.openlgsp.core.Digests.fromBase64("payload", admin.directory().payload()),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains("ho-tich")
          .doesNotContain(citizen);

      List<Outcome> outcomes = new CopyOnWriteArrayList<>();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread portal =
          Thread.ofVirtual()
              .start(
                  () -> {
                    int i = 0;
                    while (running.get()) {
                      Federation.Reply r = fed.lookUpCitizen(citizen, "1.001234:HS-t" + i++);
                      outcomes.add(new Outcome(Instant.now(), r.statusCode(), code(r.body())));
                    }
                  });
      await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() >= 5);
      Instant withdrawn = Instant.now();
      ok(conn, "registry", "consent", "withdraw", consent);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> outcomes.stream().anyMatch(o -> o.status() == 403));
      Instant firstRefusal =
          outcomes.stream().filter(o -> o.status() == 403).findFirst().orElseThrow().at();
      int seen = outcomes.size();
      await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() >= seen + 5);
      running.set(false);
      portal.join();

      assertThat(outcomes.stream().filter(o -> o.at().isBefore(withdrawn)))
          .isNotEmpty()
          .allSatisfy(o -> assertThat(o.status()).isEqualTo(200));
      // one directory refresh (2 s) plus the fetch and the call in flight
      assertThat(Duration.between(withdrawn, firstRefusal)).isLessThan(Duration.ofSeconds(5));
      assertThat(outcomes.stream().filter(o -> o.at().isAfter(firstRefusal)))
          .isNotEmpty()
          .allSatisfy(o -> assertThat(o.code()).isEqualTo("consent.missing"));
      assertThat(ok(conn, "registry", "consent", "list", "--subject", citizen).out())
          .contains(consent)
          .contains("withdrawnAt");
      assertThat(admin.auditLog(50))
          .extracting(org.openlgsp.registry.Registry.AuditEntry::action)
          .contains("consent.add", "consent.withdraw");
    }
  }

  private static String code(String body) {
    try {
      Object code = Json.mapper().readValue(body, Map.class).get("code");
      return code == null ? "" : code.toString();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Runs {@code args} then {@code conn}; it must exit 0 (TenantCommandsTest uses it too). */
  static CommandRun ok(String[] conn, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + conn.length);
    System.arraycopy(conn, 0, all, args.length, conn.length);
    CommandRun r = CommandRun.run(all);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
    return r;
  }
}
