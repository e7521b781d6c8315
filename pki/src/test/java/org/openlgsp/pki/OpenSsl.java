package org.openlgsp.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;

/**
 * Runs the openssl command line: the independent peer that checks what our PKI produces. Without
 * openssl the calling test skips (or fails with {@code -Dlgsp.openssl.required=true}).
 */
final class OpenSsl {
  private OpenSsl() {}

  record Result(int exit, String output) {
    Result requireSuccess() {
      if (exit != 0) {
        throw new AssertionError("openssl failed (" + exit + "):\n" + output);
      }
      return this;
    }
  }

  static Result run(Path workDir, String... args) {
    Peers.require(Peer.OPENSSL);
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("openssl timed out: " + command);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("openssl is needed for this test (apt-get install openssl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * {@code openssl ocsp} asking {@code url} about {@code leaf.pem} issued by {@code issuing.pem},
   * the answer verified up to {@code root.pem} (all in {@code workDir}), with {@code more} options.
   */
  static Result ocspForLeaf(Path workDir, String url, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ocsp",
                "-issuer",
                "issuing.pem",
                "-cert",
                "leaf.pem",
                "-url",
                url,
                "-CAfile",
                "root.pem"));
    args.addAll(List.of(more));
    return run(workDir, args.toArray(String[]::new));
  }

  static Path write(Path dir, String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Path write(Path dir, String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
