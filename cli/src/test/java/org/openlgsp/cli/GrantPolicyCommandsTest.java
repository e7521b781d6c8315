package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.testkit.Federation;

/**
 * A grant's privacy policy made with {@code lgsp registry grant add} reaches the running gateways
 * of a federation within a directory refresh: a purpose it does not allow is refused, an allowed
 * one gets the minimised, masked answer (docs/privacy.md).
 */
class GrantPolicyCommandsTest {
  @TempDir Path dir;

  static CommandRun run(String... args) {
    return CommandRun.run(args);
  }

  @Test
  void aPolicyMadeOnTheCommandLineBindsPurposeAndMinimisesTheAnswer() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(2))) {
      Path token = dir.resolve("admin.token");
      Files.writeString(token, fed.adminToken());
      String[] conn = {"--url", fed.registryUrl(), "--token-file", token.toString()};
      RegistryClient admin = new RegistryClient(fed.registryUrl(), fed.adminToken());
      String citizen = fed.citizenIds().getFirst();
      String open = admin.grants().getFirst().id();

      CommandRun badMask = grantAdd(conn, "--mask", "/CongDan/SoDinhDanh=first:4");
      CommandRun badField = grantAdd(conn, "--field", "CongDan");
      CommandRun added =
          grantAdd(
              conn,
              "--method",
              "GET",
              "--path",
              "/citizens/*",
              "--purpose",
              "1.001234",
              "--officer-required",
              "--field",
              "/CongDan/SoDinhDanh",
              "--field",
              "/CongDan/NgayThangNamSinh",
              "--mask",
              "/CongDan/SoDinhDanh=last:4",
              "--mask",
              "/CongDan/NgayThangNamSinh/NgayThangNam=year",
              "--non-json",
              "refuse");
      CommandRun revoked = run(cat(new String[] {"registry", "grant", "revoke", open}, conn));
      CommandRun listed = run(cat(new String[] {"registry", "grant", "list"}, conn));

      assertThat(badMask.exit()).as(badMask.err()).isNotZero();
      assertThat(badMask.err()).contains("first:4");
      assertThat(badField.exit()).isNotZero();
      assertThat(added.exit()).as(added.err()).isZero();
      assertThat(revoked.exit()).as(revoked.err()).isZero();
      assertThat(listed.out()).contains("1.001234").contains("last:4");
      assertThat(admin.grants())
          .singleElement()
          .extracting(Registry.GrantEntry::id)
          .isEqualTo(added.out().strip());

      // within a directory refresh (2 s in the fixture) both gateways act on it: the client's
      // gateway refuses the purpose, the provider's minimises; each refreshes on its own clock
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  fed.lookUpCitizen(citizen, "other-purpose").statusCode() == 403
                      && !fed.lookUpCitizen(citizen, "1.001234:HS-2026-000124")
                          .body()
                          .contains("HoVaTen"));
      Federation.Reply refused = fed.lookUpCitizen(citizen, "other-purpose");
      Federation.Reply answered = fed.lookUpCitizen(citizen, "1.001234:HS-2026-000124");

      assertThat(Json.mapper().readValue(refused.body(), Map.class).get("code"))
          .isEqualTo("access.purpose_not_allowed");
      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      Map<?, ?> congDan =
          (Map<?, ?>) Json.mapper().readValue(answered.body(), Map.class).get("CongDan");
      assertThat(congDan.keySet().stream().map(Object::toString))
          .containsExactlyInAnyOrder("SoDinhDanh", "NgayThangNamSinh");
      assertThat((String) congDan.get("SoDinhDanh")).isEqualTo("********" + citizen.substring(8));
      // the ID's 4th digit gives the century, the 5th and 6th the year (the sample's IDs are real)
      String year = (citizen.charAt(3) >= '2' ? "20" : "19") + citizen.substring(4, 6);
      assertThat(((Map<?, ?>) congDan.get("NgayThangNamSinh")).get("NgayThangNam")).isEqualTo(year);
      assertThat(answered.body()).doesNotContain(citizen).doesNotContain("HoVaTen");
    }
  }

  /** {@code lgsp registry grant add} for the portal on the citizens service, with {@code extra}. */
  private static CommandRun grantAdd(String[] conn, String... extra) {
    String[] base = {
      "registry",
      "grant",
      "add",
      "--client",
      Federation.PORTAL.toString(),
      "--service",
      Federation.CITIZEN_SERVICE
    };
    return run(cat(cat(base, extra), conn));
  }

  private static String[] cat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
