package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code registryUrl} a running gateway fetches its directory from follows its file: a changed
 * URL is taken (also one of the same length written at once); a file that no longer reads, has no
 * gateway section or is gone keeps the URL in use.
 */
class ConfiguredRegistryUrlTest {
  @TempDir Path dir;

  @Test
  void aChangedUrlIsTakenAndAFileThatDoesNotReadKeepsTheOneInUse() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, NodeConfigTest.GATEWAY);
    ConfiguredRegistryUrl url = new ConfiguredRegistryUrl(file, "http://127.0.0.1:7070");
    assertThat(url.get()).isEqualTo("http://127.0.0.1:7070");

    Files.writeString(file, NodeConfigTest.GATEWAY.replace(":7070", ":7071"));
    assertThat(url.get()).isEqualTo("http://127.0.0.1:7071");
    Files.writeString(file, NodeConfigTest.GATEWAY.replace(":7070", ":8080/tenants/bca"));
    assertThat(url.get()).isEqualTo("http://127.0.0.1:8080/tenants/bca");

    Files.writeString(file, NodeConfigTest.GATEWAY.replace("registryUrl:", "registryUlr:"));
    assertThat(url.get()).isEqualTo("http://127.0.0.1:8080/tenants/bca");
    Files.writeString(file, "instance: VN\n");
    assertThat(url.get()).isEqualTo("http://127.0.0.1:8080/tenants/bca");
    Files.delete(file);
    assertThat(url.get()).isEqualTo("http://127.0.0.1:8080/tenants/bca");

    Files.writeString(file, NodeConfigTest.GATEWAY.replace(":7070", ":9090"));
    assertThat(url.get()).isEqualTo("http://127.0.0.1:9090");
  }
}
