package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A gateway's {@code registryUrl} as its configuration file says now: read again when the file's
 * bytes changed (asked at each directory refresh), so that repointing a gateway (a tenant moved out
 * of an as-a-Service installation, docs/federation.md) takes one refresh and no restart. Only this
 * key is taken from a changed file; a file that does not read, or has no gateway section, keeps the
 * URL in use, with a warning.
 */
final class ConfiguredRegistryUrl implements Supplier<String> {
  private static final Logger LOG = Logger.getLogger(ConfiguredRegistryUrl.class.getName());
  private final Path file;
  private String url;
  private byte[] seen;

  ConfiguredRegistryUrl(Path file, String started) {
    this.file = file;
    this.url = started;
    this.seen = bytes();
  }

  @Override
  public synchronized String get() {
    byte[] now = bytes();
    if (now.length == 0 || Arrays.equals(now, seen)) {
      return url;
    }
    seen = now;
    try {
      NodeConfig.read(file)
          .gateway()
          .map(NodeConfig.GatewayRole::registryUrl)
          .ifPresentOrElse(
              u -> url = u,
              () -> LOG.warning(file + " has no gateway section now: keeping registryUrl " + url));
    } catch (RuntimeException e) {
      LOG.warning(file + " does not read now, keeping registryUrl " + url + ": " + e.getMessage());
    }
    return url;
  }

  /** The file's bytes; none when it cannot be read (being replaced, removed). */
  private byte[] bytes() {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
