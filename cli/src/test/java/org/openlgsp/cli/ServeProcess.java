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

  /** Whether something accepts connections on {@code port} of the loopback address now. */
  static boolean accepts(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
