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
    settings.level().map(Level::parse).ifPresent(PROJECT::setLevel);
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      settings
          .level()
          .map(Level::parse)
          .filter(level -> handler.getLevel().intValue() > level.intValue())
          .ifPresent(handler::setLevel); // loggers' own levels still keep other libraries quiet
      if (settings.json()) {
        handler.setFormatter(new JsonLogFormatter());
      } else if (handler.getFormatter() instanceof JsonLogFormatter) {
        handler.setFormatter(new SimpleFormatter()); // an earlier node of this JVM chose json
      }
    }
  }
}
