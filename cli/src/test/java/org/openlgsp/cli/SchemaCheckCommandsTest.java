package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testkit.Federation;

/**
 * {@code lgsp registry service schema-check} against a running registry (docs/privacy.md, "Data
 * quality"): the mode reaches the published directory; a service without a document, an unknown
 * mode and an unknown service are refused with their codes.
 */
class SchemaCheckCommandsTest {
  @TempDir Path dir;

  @Test
  void theModeIsSetThroughTheAdminApiAndBadInputIsRefusedWithItsCode() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(5))) {
      String token = dir.resolve("pki/admin.token").toString();
      String url = fed.registryUrl();
      Path doc = dir.resolve("households.json");
      Files.writeString(
          doc, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"h\",\"version\":\"1\"},\"paths\":{}}");
      String households = fed.citizensService().provider() + "/households";

      CommandRun added =
          CommandRun.run(
              "registry",
              "service",
              "add",
              households,
              "--backend-url",
              "http://127.0.0.1:9/api",
              "--openapi",
              doc.toString(),
              "--url",
              url,
              "--token-file",
              token);
      CommandRun set = schemaCheck(url, token, households, "warn");
      CommandRun listed =
          CommandRun.run("registry", "service", "list", "--url", url, "--token-file", token);
      CommandRun noDocument = schemaCheck(url, token, fed.citizensService().toString(), "block");
      CommandRun unknownMode = schemaCheck(url, token, households, "strict");
      CommandRun unknownService =
          schemaCheck(url, token, fed.citizensService().provider() + "/nothing", "warn");

      assertThat(added.exit()).as(added.err()).isZero();
      assertThat(set.exit()).as(set.err()).isZero();
      assertThat(listed.out()).containsPattern("\"schemaCheck\"\\s*:\\s*\"warn\"");
      assertThat(noDocument.exit()).isNotZero();
      assertThat(noDocument.err()).contains("quality.no_schema");
      assertThat(unknownMode.err()).contains("request.malformed");
      assertThat(unknownService.err()).contains("resource.not_found");
    }
  }

  static CommandRun schemaCheck(String url, String token, String service, String mode) {
    return CommandRun.run(
        "registry",
        "service",
        "schema-check",
        service,
        "--mode",
        mode,
        "--url",
        url,
        "--token-file",
        token);
  }
}
