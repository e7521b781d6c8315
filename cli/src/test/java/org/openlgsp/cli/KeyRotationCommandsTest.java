package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openlgsp.cli.EnrolmentCommandsTest.ok;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.TlsContexts;
import org.openlgsp.testkit.Federation;

/**
 * What an operator runs to rotate keys, under traffic: new key and CSR ({@code lgsp keys csr}),
 * enrolment through the registry (which publishes the new certificate next to the old one), new
 * files in place of the configured ones (the running gateway switches to them by itself), then the
 * old certificate removed ({@code lgsp registry ... remove-...-certificate}). No exchange may fail,
 * and the old TLS key is refused at the end.
 */
class KeyRotationCommandsTest {
  @TempDir Path dir;

  @Test
  void nodeTlsAndMemberSigningKeysRotateFromTheCommandLineWithoutAFailedExchange()
      throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(20))) {
      Files.writeString(dir.resolve("admin.token"), fed.adminToken());
      Path pki = dir.resolve("pki");
      Credentials oldTls = credentials(pki, "tn-tls");
      Credentials oldSigning = credentials(pki, "tn-signing");
      GatewayNode tn = fed.consumerNode();
      GatewayNode mps = fed.providerNode();
      Traffic traffic = new Traffic(fed, 2);

      // Node TLS key: key and CSR, enrolment, files replaced, old certificate removed.
      Path tlsPem = enrol("tls", "node-tls", Federation.TN_NODE.toString(), fed);
      X509Certificate newTls = Pem.certificates(Files.readString(tlsPem)).getFirst();
      await(() -> tlsCertificates(mps).size() == 2 && tlsCertificates(tn).size() == 2);
      install(dir.resolve("new-tls.key"), tlsPem, pki, "tn-tls");
      await(() -> tn.gateway().nodeTlsCertificate().equals(newTls));
      int switchedTls = traffic.count();
      Files.writeString(dir.resolve("old-tls.pem"), Pem.write(oldTls.certificate()));
      ok(
          registry(
              dir,
              fed,
              "node",
              "remove-tls-certificate",
              Federation.TN_NODE.toString(),
              "--certificate",
              dir.resolve("old-tls.pem").toString()));
      await(() -> tlsCertificates(mps).size() == 1);

      // Member signing key: the same steps; removal by fingerprint this time.
      Path signingPem = enrol("signing", "member-signing", Federation.TAY_NINH.toString(), fed);
      X509Certificate newSigning = Pem.certificates(Files.readString(signingPem)).getFirst();
      await(() -> signingCertificates(mps).size() == 2);
      install(dir.resolve("new-signing.key"), signingPem, pki, "tn-signing");
      await(
          () ->
              tn.gateway()
                  .signingCertificate(Federation.TAY_NINH)
                  .orElseThrow()
                  .equals(newSigning));
      int switchedSigning = traffic.count();
      ok(
          registry(
              dir,
              fed,
              "member",
              "remove-signing-certificate",
              Federation.TAY_NINH.toString(),
              "--fingerprint",
              Certificates.fingerprint(oldSigning.certificate())));
      await(() -> signingCertificates(mps).size() == 1);
      int removedSigning = traffic.count();
      await(() -> traffic.count() > removedSigning + 10); // exchanges go on without the old key
      List<Traffic.Outcome> outcomes = traffic.stop();

      assertThat(switchedTls).isGreaterThan(10);
      assertThat(switchedSigning).isGreaterThan(switchedTls + 10);
      assertThat(outcomes.size()).isGreaterThan(switchedSigning + 10);
      assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).as("%s", o).isEqualTo(200));
      assertThat(signingCertificates(mps)).containsExactly(newSigning);
      // The provider refuses the old TLS key now, and takes the new one.
      X509Certificate providerTls = mps.gateway().nodeTlsCertificate();
      assertThatThrownBy(() -> request(mps.gateway().peerPort(), oldTls, providerTls))
          .isInstanceOf(IOException.class);
      request(mps.gateway().peerPort(), credentials(pki, "tn-tls"), providerTls);
    }
  }

  /** {@code lgsp keys csr}, then submission and approval; returns the issued chain's file. */
  private Path enrol(String keyKind, String enrolmentKind, String target, Federation fed)
      throws IOException {
    Path key = dir.resolve("new-" + keyKind + ".key");
    Path csr = dir.resolve("new-" + keyKind + ".csr");
    Path pem = dir.resolve("new-" + keyKind + ".pem");
    ok(csr(keyKind, target, csr, List.of("--key-out", key.toString())));
    return approve(dir, fed, enrolmentKind, target, csr, pem);
  }

  /** {@code lgsp keys csr} for {@code target}; {@code destination} says where the key goes. */
  static String[] csr(String keyKind, String target, Path csr, List<String> destination) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "keys",
                "csr",
                "--kind",
                keyKind,
                "--cn",
                target,
                "--org",
                "UBND tỉnh Tây Ninh",
                "--out",
                csr.toString()));
    args.addAll(destination);
    if (keyKind.equals("tls")) {
      args.addAll(List.of("--san", "127.0.0.1", "--san", "localhost"));
    }
    return args.toArray(String[]::new);
  }

  /**
   * Submits {@code csr} to the registry, approves it and writes the issued chain to {@code pem}.
   */
  static Path approve(
      Path dir, Federation fed, String enrolmentKind, String target, Path csr, Path pem) {
    String submitted =
        ok(registry(
                dir,
                fed,
                "enrolment",
                "submit",
                "--kind",
                enrolmentKind,
                "--target",
                target,
                "--csr",
                csr.toString()))
            .out();
    Matcher m = Pattern.compile("submitted enrolment (\\S+)").matcher(submitted);
    assertThat(m.find()).as(submitted).isTrue();
    ok(registry(dir, fed, "enrolment", "approve", m.group(1), "--out", pem.toString()));
    return pem;
  }

  /** An {@code lgsp registry} command line against the federation's admin API. */
  static String[] registry(Path dir, Federation fed, String... args) {
    List<String> all = new ArrayList<>(List.of("registry"));
    all.addAll(List.of(args));
    all.addAll(
        List.of("--url", fed.registryUrl(), "--token-file", dir.resolve("admin.token").toString()));
    return all.toArray(String[]::new);
  }

  /** Replaces the configured files the way an operator should: key first, each by atomic move. */
  private static void install(Path key, Path pem, Path pki, String name) throws IOException {
    for (Path[] move :
        List.of(
            new Path[] {key, pki.resolve(name + ".key")},
            new Path[] {pem, pki.resolve(name + ".pem")})) {
      Path staged = move[1].resolveSibling(move[1].getFileName() + ".new");
      Files.copy(move[0], staged, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          staged, move[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Credentials credentials(Path pki, String name) throws IOException {
    return new Credentials(
        Pem.privateKey(Files.readString(pki.resolve(name + ".key"))),
        Pem.certificates(Files.readString(pki.resolve(name + ".pem"))));
  }

  /** The Tây Ninh node's TLS certificates in the directory {@code node} holds. */
  static List<X509Certificate> tlsCertificates(GatewayNode node) {
    return node.directory()
        .current()
        .flatMap(d -> d.nodes().stream().filter(n -> n.id().equals(Federation.TN_NODE)).findFirst())
        .map(n -> n.tlsCertificates().stream().map(Certificates::fromBase64).toList())
        .orElse(List.of());
  }

  /** Tây Ninh's signing certificates in the directory {@code node} holds. */
  static List<X509Certificate> signingCertificates(GatewayNode node) {
    return node.directory()
        .current()
        .flatMap(d -> d.member(Federation.TAY_NINH))
        .map(m -> m.signingCertificates().stream().map(Certificates::fromBase64).toList())
        .orElse(List.of());
  }

  /** Waits for what a directory refresh or a key-file check brings (each takes seconds). */
  static void await(BooleanSupplier condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(condition::getAsBoolean);
  }

  /** Sends one request over a fresh TLS connection to a gateway's peer listener. */
  private static void request(int port, Credentials own, X509Certificate server)
      throws IOException {
    SSLContext ctx =
        TlsContexts.create(
            own, new PinnedTrustManager(() -> Set.of(Certificates.fingerprint(server))));
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              "GET /r1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // TLS 1.3 servers judge the client certificate after the handshake: a refusal shows here.
      if (socket.getInputStream().read() < 0) {
        throw new IOException("connection closed without an answer");
      }
    }
  }

  /** Portal calls through the consumer gateway from a few threads until stopped. */
  static final class Traffic {
    record Outcome(Instant sent, int status, String body) {}

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    Traffic(Federation fed, int n) {
      String token = fed.portalToken();
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < n; i++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (running.get()) {
                        Instant sent = Instant.now();
                        try {
                          HttpResponse<String> r =
                              http.send(
                                  HttpRequest.newBuilder(
                                          URI.create(
                                              fed.consumerHttpUrl()
                                                  + "/r1/"
                                                  + Federation.CITIZEN_SERVICE
                                                  + "/citizens/"
                                                  + fed.citizenIds().getFirst()))
                                      .header("Authorization", "Bearer " + token)
                                      .header("X-Road-Client", Federation.PORTAL.toString())
                                      .header("X-Road-Issue", "HS-2026-000123")
                                      .GET()
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString());
                          outcomes.add(new Outcome(sent, r.statusCode(), r.body()));
                        } catch (IOException | InterruptedException e) {
                          outcomes.add(new Outcome(sent, -1, e.toString()));
                        }
                      }
                    }));
      }
    }

    int count() {
      return outcomes.size();
    }

    List<Outcome> stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
      return List.copyOf(outcomes);
    }
  }
}
