package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A gateway's {@code registryUrl} as its configuration file says now: read again when the file
 * changed (time or size), so that repointing a gateway (a tenant moved out of an as-a-Service
 * installation, docs/federation.md) takes one directory refresh and no restart. Only this key is
 * taken from a changed file; a file that no longer reads, or has no gateway, keeps the URL in use.
 */
final class ConfiguredRegistryUrl implements Supplier<String> {
  private static final Logger LOG = Logger.getLogger(ConfiguredRegistryUrl.class.getName());
  private final Path file;
  private String url;
  private FileTime modified;
  private long size;

  ConfiguredRegistryUrl(Path file, String started) {
    this.file = file;
    this.url = started;
    stamp().ifPresent(s -> remember(s));
  }

  private record Stamp(FileTime modified, long size) {}

  @Override
  public synchronized String get() {
    java.util.Optional<Stamp> now = stamp();
    if (now.isEmpty() || (now.get().modified().equals(modified) && now.get().size() == size)) {
      return url;
    }
    remember(now.get());
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

  private void remember(Stamp s) {
    modified = s.modified();
    size = s.size();
  }

  private java.util.Optional<Stamp> stamp() {
    try {
      return java.util.Optional.of(new Stamp(Files.getLastModifiedTime(file), Files.size(file)));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
