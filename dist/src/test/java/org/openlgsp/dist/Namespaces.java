package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Linux network namespaces standing for separate hosts: host {@code n} is namespace {@code
 * <prefix>-hn} with address {@code 10.77.0.n/24} on a veth pair whose other end is on one bridge;
 * the bridge has {@code 10.77.0.254}, so the test itself (in the root namespace) reaches every
 * host. Names start with {@value #PREFIX}: what an interrupted run left is deleted first.
 */
final class Namespaces implements AutoCloseable {
  static final String PREFIX = "lgspsh";

  /** The bridge's address: the root namespace (the test itself) as the hosts reach it. */
  static final String BRIDGE = "10.77.0.254";

  /**
   * Held while a set of hosts exists: every run uses the same addresses, so two test JVMs on one
   * machine (two checkouts) take turns, and only what a dead run left is ever deleted as stale.
   */
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "lgsp-netns.lock");

  private final String name;
  private final int hosts;
  private final FileChannel lockFile;
  private final FileLock lock;

  private Namespaces(String name, int hosts, FileChannel lockFile, FileLock lock) {
    this.name = name;
    this.hosts = hosts;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /** Deletes stale namespaces and links, then builds {@code hosts} hosts on a fresh bridge. */
  static Namespaces create(int hosts) throws IOException, InterruptedException {
    FileChannel lockFile =
        FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = lockFile.lock(); // the kernel drops it when its process dies
    deleteStale();
    String name =
        PREFIX + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    Namespaces n = new Namespaces(name, hosts, lockFile, lock);
    try {
      ip("link", "add", n.bridge(), "type", "bridge");
      ip("addr", "add", BRIDGE + "/24", "dev", n.bridge());
      ip("link", "set", n.bridge(), "up");
      for (int h = 1; h <= hosts; h++) {
        String ns = n.namespace(h);
        ip("netns", "add", ns);
        ip(
            "link",
            "add",
            name + "v" + h,
            "type",
            "veth",
            "peer",
            "name",
            name + "p" + h,
            "netns",
            ns);
        ip("link", "set", name + "v" + h, "master", n.bridge());
        ip("link", "set", name + "v" + h, "up");
        ip("-n", ns, "addr", "add", address(h) + "/24", "dev", name + "p" + h);
        ip("-n", ns, "link", "set", name + "p" + h, "up");
        ip("-n", ns, "link", "set", "lo", "up");
      }
    } catch (IOException | InterruptedException | AssertionError e) {
      n.close();
      throw e;
    }
    return n;
  }

  static String address(int host) {
    return "10.77.0." + host;
  }

  String namespace(int host) {
    return name + "-h" + host;
  }

  /** The command prefix that runs a program on host {@code host}. */
  List<String> on(int host) {
    return List.of("ip", "netns", "exec", namespace(host));
  }

  private String bridge() {
    return name + "br";
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (int h = 1; h <= hosts; h++) {
      quietly("ip", "netns", "delete", namespace(h));
    }
    quietly("ip", "link", "delete", bridge());
    lock.release();
    lockFile.close();
  }

  private static void deleteStale() throws IOException, InterruptedException {
    for (String line : output("ip", "netns", "list")) {
      String ns = line.split(" ")[0];
      if (ns.startsWith(PREFIX)) {
        quietly("ip", "netns", "delete", ns);
      }
    }
    for (String line : output("ip", "-o", "link", "show")) {
      // "12: lgspsh1a2bbr: <...>" or "13: lgspsh1a2bv1@if2: <...>"
      String[] parts = line.split(":\\s+", 3);
      if (parts.length > 1 && parts[1].startsWith(PREFIX)) {
        quietly("ip", "link", "delete", parts[1].split("@")[0]);
      }
    }
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private static void quietly(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(20, TimeUnit.SECONDS);
  }

  private static List<String> output(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(20, TimeUnit.SECONDS);
    return out.lines().toList();
  }
}
