package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The archive {@code package} built, unpacked into a folder: commands run from there as an operator
 * runs them ({@code bin/lgsp ...}), with no build tree on their class path.
 */
final class Distribution {
  /** One-shot commands: C1 only starts a short JVM faster and uses less CPU. */
  static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private final Path home;

  private Distribution(Path home) {
    this.home = home;
  }

  /**
   * Unpacks the archive named by the surefire property {@code lgsp.dist.archive} into {@code dir}.
   */
  static Distribution unpack(Path dir) throws IOException, InterruptedException {
    Path archive = Path.of(System.getProperty("lgsp.dist.archive"));
    assertThat(archive).as("the archive `package` builds").isRegularFile();
    Process tar =
        new ProcessBuilder("tar", "xzf", archive.toString(), "-C", dir.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
    Path home = dir.resolve("lgsp-" + System.getProperty("lgsp.dist.version"));
    assertThat(home.resolve("bin/lgsp")).isExecutable();
    return new Distribution(home);
  }

  Path home() {
    return home;
  }

  Path resolve(String path) {
    return home.resolve(path);
  }

  /** What a finished command printed and returned. */
  record Result(int exit, String out) {}

  /**
   * Runs {@code prefix + bin/lgsp + args} in the distribution's folder and waits (bounded).
   *
   * @param prefix e.g. {@code ip netns exec h1}; empty for none
   */
  Result run(List<String> prefix, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    return runIn(home, prefix, env, timeout, args);
  }

  /** {@link #run} in the folder {@code cwd} (a host's own folder). */
  Result runIn(
      Path cwd, List<String> prefix, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(home, "command-", ".out");
    Process p = builder(cwd, prefix, env, args).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "bin/lgsp "
              + String.join(" ", args)
              + " did not end within "
              + timeout
              + ":\n"
              + Files.readString(log));
    }
    String out = Files.readString(log);
    Files.delete(log);
    return new Result(p.exitValue(), out);
  }

  /** {@link #run} that must exit 0; returns what it printed. */
  String ok(List<String> prefix, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return okIn(home, prefix, env, args);
  }

  /** {@link #ok} in the folder {@code cwd}. */
  String okIn(Path cwd, List<String> prefix, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Result r = runIn(cwd, prefix, env, Duration.ofSeconds(60), args);
    assertThat(r.exit()).as("bin/lgsp " + String.join(" ", args) + "\n" + r.out()).isZero();
    return r.out();
  }

  /**
   * Starts a long-running {@code bin/lgsp} (a node) in {@code cwd}, its output going to {@code
   * log}.
   */
  Process start(Path cwd, List<String> prefix, Map<String, String> env, Path log, String... args)
      throws IOException {
    return builder(cwd, prefix, env, args)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private ProcessBuilder builder(
      Path cwd, List<String> prefix, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(home.resolve("bin/lgsp").toString());
    command.addAll(List.of(args));
    ProcessBuilder b =
        new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
    // the distribution picks its JDK itself, as on a host with only a JDK installed
    b.environment().remove("JAVA_HOME");
    b.environment().remove("CLASSPATH");
    b.environment().putAll(env);
    return b;
  }
}
