package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testkit.Federation;

/**
 * {@code lgsp registry service remove ID} ({@code DELETE /api/v1/services?id=}): the service leaves
 * the registry's list; removing it again, or a malformed id, is refused with its code.
 */
class ServiceRemoveCommandTest {
  @TempDir Path dir;

  @Test
  void aRemovedServiceLeavesTheListAndASecondRemovalIsNotFound() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(5))) {
      String token = dir.resolve("pki/admin.token").toString();
      String url = fed.registryUrl();
      String citizens = fed.citizensService().toString();

      CommandRun before = list(url, token);
      CommandRun removed = remove(url, token, citizens);
      CommandRun after = list(url, token);
      CommandRun again = remove(url, token, citizens);
      CommandRun malformed = remove(url, token, "not-a-service-id");

      assertThat(before.out()).contains("\"" + citizens + "\"");
      assertThat(removed.exit()).as(removed.err()).isZero();
      assertThat(removed.out()).contains("removed service " + citizens);
      assertThat(after.exit()).isZero();
      assertThat(after.out()).doesNotContain("\"" + citizens + "\"");
      assertThat(again.exit()).isNotZero();
      assertThat(again.err()).contains("resource.not_found");
      assertThat(malformed.exit()).isNotZero();
      assertThat(malformed.err()).startsWith("lgsp: ").doesNotContain("Exception");
    }
  }

  private static CommandRun list(String url, String token) {
    return CommandRun.run("registry", "service", "list", "--url", url, "--token-file", token);
  }

  private static CommandRun remove(String url, String token, String id) {
    return CommandRun.run("registry", "service", "remove", id, "--url", url, "--token-file", token);
  }
}
