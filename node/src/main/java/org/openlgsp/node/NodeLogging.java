package org.openlgsp.node;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.openlgsp.edge.JsonLogFormatter;

/**
 * Applies the {@code logging:} section: the level of the project's loggers ({@code org.openlgsp})
 * and, with {@code format: json}, one JSON object a line on every handler of the root logger
 * (standard error by default). Other libraries keep their levels.
 */
final class NodeLogging {
  private static final Logger PROJECT = Logger.getLogger("org.openlgsp");

  private NodeLogging() {}

  static void apply(NodeConfig.Logging settings) {
    apply(settings, java.util.Optional.empty());
  }

  /**
   * As above; with {@code instance} ({@code gateway.instance}) every line names it: the {@code
   * instance} field of a JSON line, an {@code [instance]} prefix of a text one.
   */
  static void apply(NodeConfig.Logging settings, java.util.Optional<String> instance) {
    settings.level().map(Level::parse).ifPresent(PROJECT::setLevel);
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      settings
          .level()
          .map(Level::parse)
          .filter(level -> handler.getLevel().intValue() > level.intValue())
          .ifPresent(handler::setLevel); // loggers' own levels still keep other libraries quiet
      if (settings.json()) {
        handler.setFormatter(new JsonLogFormatter(instance));
      } else if (instance.isPresent()) {
        handler.setFormatter(new Prefixed("[" + instance.get() + "] "));
      } else if (handler.getFormatter() instanceof JsonLogFormatter
          || handler.getFormatter() instanceof Prefixed) {
        handler.setFormatter(new SimpleFormatter()); // an earlier node of this JVM chose another
      }
    }
  }

  /** The JDK's text format, each event prefixed (with the instance's name). */
  private static final class Prefixed extends java.util.logging.Formatter {
    private final SimpleFormatter text = new SimpleFormatter();
    private final String prefix;

    Prefixed(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public String format(java.util.logging.LogRecord event) {
      return prefix + text.format(event);
    }
  }
}
