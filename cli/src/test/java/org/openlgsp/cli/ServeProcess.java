package org.openlgsp.cli;

import java.io.IOException;
import java.nio.file.Path;

/** {@code lgsp serve --config FILE} in a JVM of its own, its output appended to {@code log}. */
final class ServeProcess {
  private ServeProcess() {}

  static Process start(Path config, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            "org.openlgsp.cli.Lgsp",
            "serve",
            "--config",
            config.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
