package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * Webhooks signed with the node's Ed25519 key: a receiver holding only the public key verifies them
 * as docs/alerts.md says, with the JDK's own Ed25519 (not the sender's Bouncy Castle) and with the
 * openssl commands the page gives; a changed body or time stamp fails, and a captured call replayed
 * outside the window, or twice inside it, is caught.
 */
class WebhookEd25519Test {
  static final Pattern HEADER =
      Pattern.compile("t=(\\d+),keyid=([0-9a-f]{64}),ed25519=([A-Za-z0-9+/]{86}==)");
  static final long WINDOW_SECONDS = 300;
  @TempDir Path dir;

  record Received(String header, String alertId, byte[] body) {}

  /** What a receiver keeps: the public keys it trusts by id, and the calls it took. */
  static final class Receiver {
    final java.util.Map<String, PublicKey> keys = new java.util.HashMap<>();
    final Set<String> seen = new HashSet<>();

    Receiver trust(PublicKey k) throws Exception {
      String id =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.getEncoded()));
      keys.put(id, k);
      return this;
    }

    /** Why the call is refused, or "ok" (and remembered, so the same call again is a replay). */
    String check(String header, String alertId, byte[] body, Instant now) throws Exception {
      Matcher m = HEADER.matcher(header);
      if (!m.matches()) {
        return "malformed";
      }
      long t = Long.parseLong(m.group(1));
      if (Math.abs(now.getEpochSecond() - t) > WINDOW_SECONDS) {
        return "outside the window";
      }
      PublicKey k = keys.get(m.group(2));
      if (k == null) {
        return "unknown key";
      }
      Signature v = Signature.getInstance("Ed25519");
      v.initVerify(k);
      v.update((t + ".").getBytes(StandardCharsets.US_ASCII));
      v.update(body);
      if (!v.verify(Base64.getDecoder().decode(m.group(3)))) {
        return "bad signature";
      }
      // inside the window, a call already taken (same alert, same time) is a replay
      if (!seen.add(alertId + "/" + t)) {
        return "replayed";
      }
      return "ok";
    }
  }

  /** An Ed25519 key pair written as openssl writes it: PKCS#8 PEM, and the public key's DER. */
  KeyPair writeKey(Path file) throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Files.writeString(
        file,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return pair;
  }

  /** One alert, delivered to a real receiver by a webhook signed with webhook-signing.pem. */
  Received deliveredSigned() throws Exception {
    List<Received> got = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(got);
    try {
      return deliver(AlertsOptions.Webhook.signedWith(hook(server), "webhook-signing.pem"), got)
          .getFirst();
    } finally {
      server.stop(0);
    }
  }

  List<Received> deliver(AlertsOptions.Webhook hook, List<Received> got) throws Exception {
    try (Dispatcher d =
        new Dispatcher(
            List.of(new Channel.Webhook(hook, hook.key(dir), hook.signing(dir), Clock.systemUTC())),
            new AlertsOptions.Delivery(1, null, null))) {
      d.deliver(Samples.alert(42));
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    }
    return got;
  }

  HttpServer receiver(List<Received> got) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          got.add(
              new Received(
                  x.getRequestHeaders().getFirst(WebhookSigning.HEADER),
                  x.getRequestHeaders().getFirst("X-LGSP-Alert-Id"),
                  body));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.start();
    return server;
  }

  URI hook(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  @Test
  void theReceiverVerifiesWithThePublicKeyAloneAndCatchesTamperingAndReplays() throws Exception {
    KeyPair node = writeKey(dir.resolve("webhook-signing.pem"));
    Received r = deliveredSigned();
    Instant now = Instant.now();
    Receiver receiver = new Receiver().trust(node.getPublic());

    assertThat(receiver.check(r.header(), r.alertId(), r.body(), now)).isEqualTo("ok");
    // the same call again, inside the window: a replay
    assertThat(receiver.check(r.header(), r.alertId(), r.body(), now)).isEqualTo("replayed");
    // captured and replayed later: outside the window
    assertThat(
            new Receiver()
                .trust(node.getPublic())
                .check(r.header(), r.alertId(), r.body(), now.plusSeconds(WINDOW_SECONDS + 1)))
        .isEqualTo("outside the window");

    Receiver fresh = new Receiver().trust(node.getPublic());
    byte[] tampered = r.body().clone();
    tampered[tampered.length - 2] ^= 1;
    assertThat(fresh.check(r.header(), r.alertId(), tampered, now)).isEqualTo("bad signature");
    // a time stamp moved forward to get past the window: the signature covers it
    Matcher m = HEADER.matcher(r.header());
    assertThat(m.matches()).isTrue();
    long t = Long.parseLong(m.group(1));
    String moved = r.header().replace("t=" + t + ",", "t=" + (t + 1) + ",");
    assertThat(fresh.check(moved, r.alertId(), r.body(), now)).isEqualTo("bad signature");
    // another node's key, or a key the receiver does not hold
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThat(new Receiver().trust(other.getPublic()).check(r.header(), "x", r.body(), now))
        .isEqualTo("unknown key");
    // the key id is the SHA-256 of the public key's DER, what openssl prints
    assertThat(m.group(2))
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256").digest(node.getPublic().getEncoded())));
  }

  @Test
  void aSecretAndAKeyTogetherSendBothHeadersAndAWebhookWithNeitherIsRefused() throws Exception {
    writeKey(dir.resolve("k.pem"));
    AlertsOptions.Webhook both =
        new AlertsOptions.Webhook(
            URI.create("http://127.0.0.1:9/hook"),
            java.util.Optional.of(DeliveryTest.SECRET),
            java.util.Optional.empty(),
            null,
            null,
            java.util.Optional.of("k.pem"));
    assertThat(both.key(dir)).contains(DeliveryTest.SECRET);
    assertThat(both.signing(dir)).isPresent();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new AlertsOptions.Webhook(
                    URI.create("http://127.0.0.1:9/hook"), null, null, null, null, null))
        .hasMessageContaining("give secret, secretFile or signingKeyFile");
    Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                AlertsOptions.Webhook.signedWith(
                        URI.create("http://127.0.0.1:9/h"), "not-a-key.pem")
                    .signing(dir))
        .hasMessage("signingKeyFile not-a-key.pem is not an Ed25519 private key in PKCS#8 PEM");
  }

  /** The verification docs/alerts.md gives a receiver, run as written with openssl. */
  @Test
  @RequiresPeer(Peer.OPENSSL)
  void theOpensslCommandsInTheDocsVerifyIt() throws Exception {
    run("openssl", "genpkey", "-algorithm", "ed25519", "-out", "webhook-signing.pem");
    run(
        "openssl",
        "pkey",
        "-in",
        "webhook-signing.pem",
        "-pubout",
        "-out",
        "webhook-signing.pub.pem");
    Received r = deliveredSigned();
    Matcher m = HEADER.matcher(r.header());
    assertThat(m.matches()).isTrue();
    Files.write(dir.resolve("body.json"), r.body());
    Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(m.group(3)));
    // docs/alerts.md: printf '%s.' "$t" > signed; cat body.json >> signed
    Files.write(
        dir.resolve("signed"),
        concat((m.group(1) + ".").getBytes(StandardCharsets.US_ASCII), r.body()));
    assertThat(verify()).isEqualTo(0);
    Files.write(dir.resolve("signed"), concat("1.".getBytes(StandardCharsets.US_ASCII), r.body()));
    assertThat(verify()).isNotZero();

    // the key id: openssl pkey -pubin -in webhook-signing.pub.pem -outform DER | sha256sum
    run(
        "openssl",
        "pkey",
        "-pubin",
        "-in",
        "webhook-signing.pub.pem",
        "-outform",
        "DER",
        "-out",
        "pub.der");
    assertThat(m.group(2))
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(dir.resolve("pub.der")))));
    // the JDK reads the same public key
    PublicKey pub =
        KeyFactory.getInstance("Ed25519")
            .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(dir.resolve("pub.der"))));
    assertThat(new Receiver().trust(pub).check(r.header(), r.alertId(), r.body(), Instant.now()))
        .isEqualTo("ok");
  }

  int verify() throws Exception {
    return exit(
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "webhook-signing.pub.pem",
        "-rawin",
        "-in",
        "signed",
        "-sigfile",
        "sig.bin");
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  void run(String... command) throws Exception {
    assertThat(exit(command)).as(String.join(" ", command)).isZero();
  }

  int exit(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.out").toFile())
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
