package org.openlgsp.cli.spi;

import java.util.List;

/**
 * Adds top-level commands to {@code lgsp}: the command line finds providers with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/org.openlgsp.cli.spi.CommandProvider}), so a
 * distribution decides which extra commands it carries (the production runtime carries none).
 */
public interface CommandProvider {
  /**
   * The commands to add: picocli {@code @Command} classes or instances of them. They are listed
   * before the built-in commands.
   */
  List<Object> commands();
}
