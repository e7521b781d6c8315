package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;

/**
 * A real SoftHSM2 token for tests, initialised in a fresh folder. SoftHSM2 reads SOFTHSM2_CONF when
 * its library loads, so the surefire configuration points it at a fixed path and this writes the
 * file there; call it before anything in the JVM loads the library. Without SoftHSM2 the test is
 * skipped, or fails when {@code -Dlgsp.softhsm.required=true}.
 */
public final class SoftHsm {
  public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  // SoftHSM2 reads its token folder once, when the library loads: every test class of a JVM that
  // asks for a token with the same PIN shares the first one (each uses aliases of its own).
  private static final java.util.Map<String, Pkcs11Token.Config> INITIALISED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private SoftHsm() {}

  /** Initialises a token with user PIN {@code pin} (once per JVM) and returns where it is. */
  public static synchronized Pkcs11Token.Config initialise(String pin)
      throws IOException, InterruptedException {
    Peers.require(Peer.SOFTHSM);
    Pkcs11Token.Config known = INITIALISED.get(pin);
    if (known != null) {
      return known;
    }
    Pkcs11Token.Config created = create(pin);
    INITIALISED.put(pin, created);
    return created;
  }

  private static Pkcs11Token.Config create(String pin) throws IOException, InterruptedException {
    if (!Files.exists(LIBRARY)) {
      Peers.missing(Peer.SOFTHSM, "has no PKCS#11 library at " + LIBRARY);
    }
    String confPath = System.getenv("SOFTHSM2_CONF");
    assertThat(confPath).as("SOFTHSM2_CONF set by surefire").isNotBlank();
    Path conf = Path.of(confPath);
    Path tokens = conf.getParent().resolve("tokens-" + UUID.randomUUID());
    Files.createDirectories(tokens);
    Files.writeString(
        conf,
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    String out =
        run(
            conf,
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "lgsp-test",
            "--so-pin",
            "4711-so",
            "--pin",
            pin);
    Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    assertThat(m.find()).as("slot in: " + out).isTrue();
    return new Pkcs11Token.Config(LIBRARY, Long.parseLong(m.group(1)));
  }

  private static String run(Path conf, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
