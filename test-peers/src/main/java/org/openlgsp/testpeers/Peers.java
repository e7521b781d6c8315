package org.openlgsp.testpeers;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * Whether the peers a test needs are there, and what happens when one is not: the test is skipped
 * with a {@link PeerMissingException} whose message is the one line {@link PeerSkipReport} prints,
 * or, when {@code lgsp.<peer>.required=true}, it fails.
 *
 * <p>Use {@link RequiresPeer} for what can be known before the test runs, {@link #require} inside a
 * test or fixture, and {@link #missing} when the test itself found the peer absent (e.g. a database
 * that does not answer).
 */
public final class Peers {
  static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final Pattern HOST_PORT = Pattern.compile("//([^/:?]+)(?::(\\d+))?");

  /** Probes are slow-ish (processes, sockets): one per peer, PATH and database address. */
  private static final Map<String, Optional<String>> PROBED = new ConcurrentHashMap<>();

  private static final Peers SYSTEM = new Peers(System::getProperty, System::getenv);

  private final Function<String, String> properties;
  private final Function<String, String> environment;

  /**
   * Peers as seen through these lookups (both answer {@code null} when unset): {@code properties}
   * for {@code lgsp.<peer>.required} and {@code lgsp.postgres.url}, {@code environment} for PATH.
   */
  Peers(Function<String, String> properties, Function<String, String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /** Peers as this JVM sees them: system properties and the PATH. */
  public static Peers system() {
    return SYSTEM;
  }

  /** Skips the running test (or fails it when required) unless {@code peer} is available. */
  public static void require(Peer peer) {
    SYSTEM.check(peer);
  }

  /**
   * The running test found {@code peer} unavailable, {@code why} says how (e.g. "unreachable at
   * 127.0.0.1:5432 (Connection refused)"): skips it, or fails it when required. Never returns.
   */
  public static void missing(Peer peer, String why) {
    SYSTEM.fail(peer, why);
  }

  /** Skips or fails unless {@code peer} is available. */
  void check(Peer peer) {
    Optional<String> why = whyMissing(peer);
    if (why.isPresent()) {
      fail(peer, why.get());
    }
  }

  /** Throws: {@link AssertionFailedError} when {@code peer} is required, else a skip. */
  void fail(Peer peer, String why) {
    if (required(peer)) {
      throw new AssertionFailedError(
          "peer "
              + peer.key()
              + " is required (-D"
              + peer.requiredProperty()
              + "=true) but "
              + why
              + "; "
              + peer.hint());
    }
    throw new PeerMissingException(skipReason(peer, why));
  }

  /** {@code peer xmlsec1 not found; install it or set -Dlgsp.xmlsec1.required=true ...}. */
  static String skipReason(Peer peer, String why) {
    return "peer "
        + peer.key()
        + " "
        + why
        + "; "
        + peer.hint()
        + " or set -D"
        + peer.requiredProperty()
        + "=true to fail instead";
  }

  boolean required(Peer peer) {
    return Boolean.parseBoolean(properties.apply(peer.requiredProperty()));
  }

  /** Empty when {@code peer} is available, else what is wrong ("not found", ...). */
  Optional<String> whyMissing(Peer peer) {
    String path = Optional.ofNullable(environment.apply("PATH")).orElse("");
    String key = peer + "\n" + path + "\n" + postgresUrl();
    return PROBED.computeIfAbsent(key, k -> probe(peer));
  }

  private String postgresUrl() {
    return Optional.ofNullable(properties.apply("lgsp.postgres.url")).orElse(DEFAULT_POSTGRES_URL);
  }

  private Optional<String> probe(Peer peer) {
    if (peer == Peer.POSTGRES) {
      return probePostgres();
    }
    Optional<Path> executable =
        peer.commands().stream().flatMap(c -> onPath(c).stream()).findFirst();
    if (executable.isEmpty()) {
      return Optional.of("not found");
    }
    List<String> command = new ArrayList<>();
    command.add(executable.get().toString());
    command.addAll(peer.probeArguments());
    Optional<String> broken = run(command);
    if (broken.isPresent()) {
      return Optional.of("not runnable (" + broken.get() + ")");
    }
    if (peer == Peer.NETNS) {
      return probeNamespaces(executable.get());
    }
    if (peer == Peer.OIDC && oidcProvider().isEmpty()) {
      return Optional.of("has no oidc-provider package in test-peers/oidc/node_modules");
    }
    return Optional.empty();
  }

  /** Network namespaces need root: creating and deleting one proves it. */
  private Optional<String> probeNamespaces(Path ip) {
    String name = "lgsp-probe-" + ProcessHandle.current().pid();
    Optional<String> added = run(List.of(ip.toString(), "netns", "add", name));
    if (added.isPresent()) {
      return Optional.of("cannot create network namespaces (" + added.get() + ")");
    }
    return run(List.of(ip.toString(), "netns", "delete", name))
        .map(e -> "cannot delete network namespaces (" + e + ")");
  }

  private Optional<String> probePostgres() {
    Matcher m = HOST_PORT.matcher(postgresUrl());
    if (!m.find()) {
      return Optional.of("has no host in lgsp.postgres.url");
    }
    String host = m.group(1);
    int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("unreachable at " + host + ":" + port + " (" + e.getMessage() + ")");
    }
  }

  /**
   * The folder of the OpenID provider peer ({@code test-peers/oidc}, holding {@code provider.mjs}
   * and the installed {@code node_modules/oidc-provider}), found from the working directory or one
   * of its parents (a module's tests run in the module's folder); empty when not installed.
   */
  public static Optional<Path> oidcProvider() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path peer = dir.resolve("test-peers").resolve("oidc");
      if (Files.isRegularFile(peer.resolve("provider.mjs"))
          && Files.isRegularFile(
              peer.resolve("node_modules").resolve("oidc-provider").resolve("package.json"))) {
        return Optional.of(peer);
      }
    }
    return Optional.empty();
  }

  /** The executable {@code name} in the injected PATH. */
  Optional<Path> onPath(String name) {
    String path = environment.apply("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Empty when {@code command} exits 0 within 20 s, else why not. */
  private static Optional<String> run(List<String> command) {
    List<String> words = new ArrayList<>(command);
    words.set(0, Path.of(command.get(0)).getFileName().toString());
    String shown = String.join(" ", words);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of("'" + shown + "' timed out");
      }
      if (p.exitValue() != 0) {
        String first =
            new String(out, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        return Optional.of("'" + shown + "' exited " + p.exitValue() + ": " + first);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
