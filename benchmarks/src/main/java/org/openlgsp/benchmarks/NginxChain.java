package org.openlgsp.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.openlgsp.testkit.Federation;

/**
 * Debian's nginx as a two-hop mutual-TLS proxy chain in front of a backend, the peer OpenLGSP's
 * exchange is compared with: client → nginx A (plain HTTP, like a local system calling its consumer
 * gateway) → mutual TLS 1.3 → nginx B → backend (plain HTTP, like the provider gateway's backend
 * call). A presents its certificate to B and checks B's; B refuses a client without a certificate
 * of the chain's CA. Both run as the current user with their own configuration, pid file, logs and
 * temporary directories under {@code dir}, on free ports; certificates (EC P-256) come from
 * openssl. No signatures and no durable log: this is what a proxy chain costs, nothing more.
 */
final class NginxChain implements AutoCloseable {
  private final Path dir;
  private final int frontPort;
  private final int innerPort;
  private final List<Process> processes = new ArrayList<>();

  private NginxChain(Path dir, int frontPort, int innerPort) {
    this.dir = dir;
    this.frontPort = frontPort;
    this.innerPort = innerPort;
  }

  /** The nginx executable: {@code nginx} on the PATH, else Debian's {@code /usr/sbin/nginx}. */
  static Optional<Path> executable() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "nginx");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    Path debian = Path.of("/usr/sbin/nginx");
    return Files.isExecutable(debian) ? Optional.of(debian) : Optional.empty();
  }

  /**
   * Issues the certificates, writes both configurations and starts B then A in front of {@code
   * backendPort}; returns once A answers. Throws if either does not start within 20 s.
   */
  static NginxChain start(Path dir, int backendPort) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    NginxChain chain = new NginxChain(dir, Federation.free(), Federation.free());
    try {
      chain.issueCertificates();
      chain.startNginx("b", chain.innerConfig(backendPort), chain.innerPort);
      chain.startNginx("a", chain.frontConfig(), chain.frontPort);
      return chain;
    } catch (IOException | InterruptedException | RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  /** The chain's entry, e.g. {@code http://127.0.0.1:24001}. */
  String url() {
    return "http://127.0.0.1:" + frontPort;
  }

  /** Port of nginx B, the mutual-TLS hop. */
  int innerPort() {
    return innerPort;
  }

  /** Pids of every nginx process of the chain (both masters and their workers). */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Process p : processes) {
      if (p.isAlive()) {
        pids.add(p.pid());
        p.descendants().forEach(d -> pids.add(d.pid()));
      }
    }
    return pids;
  }

  /** What B answers, over TLS, to a request sent with {@code client}'s certificate (or none). */
  record Answer(String protocol, int status) {}

  /**
   * One request straight to B: with the client certificate nginx A uses ({@code "a"}), with a
   * certificate from another CA ({@code "rogue"}), or with none ({@code empty}). The status line's
   * code, or -1 when the TLS handshake itself was refused.
   */
  Answer callInner(Optional<String> clientCertificate, String path) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManagerFactory keys = null;
    if (clientCertificate.isPresent()) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(dir.resolve(clientCertificate.get() + ".p12"))) {
        store.load(in, PASSWORD.toCharArray());
      }
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
      trust.setCertificateEntry(
          "ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trusts =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trusts.init(trust);
    context.init(keys == null ? null : keys.getKeyManagers(), trusts.getTrustManagers(), null);
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress("127.0.0.1", innerPort), 5000);
      raw.setSoTimeout(5000);
      try (SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(raw, "localhost", innerPort, false)) {
        tls.startHandshake();
        String protocol = tls.getSession().getProtocol();
        OutputStream out = tls.getOutputStream();
        out.write(
            ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // "HTTP/1.1 400 Bad Request": the code is the second word of the status line
        String[] statusLine = response.lines().findFirst().orElse("").split(" ");
        return new Answer(protocol, statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1);
      } catch (SSLException refused) {
        return new Answer("", -1);
      }
    }
  }

  /**
   * The start-up check: B speaks TLS 1.3, answers a request carrying A's certificate, and refuses
   * one without a certificate and one with a certificate from another CA. Throws if not.
   */
  void assertMutualTls(String path) throws Exception {
    Answer withCert = callInner(Optional.of("a"), path);
    Answer without = callInner(Optional.empty(), path);
    Answer rogue = callInner(Optional.of("rogue"), path);
    if (withCert.status() != 200 || !withCert.protocol().equals("TLSv1.3")) {
      throw new IllegalStateException("nginx B with A's certificate: " + withCert);
    }
    if (without.status() == 200 || rogue.status() == 200) {
      throw new IllegalStateException(
          "nginx B served a client without a valid certificate: " + without + ", " + rogue);
    }
  }

  private static final String PASSWORD = "benchmark";

  private void issueCertificates() throws IOException, InterruptedException {
    String ext =
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
            + "extendedKeyUsage=serverAuth,clientAuth\n"
            + "basicConstraints=critical,CA:FALSE\n";
    Files.writeString(dir.resolve("leaf.ext"), ext);
    for (String ca : List.of("ca", "rogue-ca")) {
      openssl(
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-keyout",
          ca + ".key",
          "-out",
          ca + ".pem",
          "-days",
          "2",
          "-subj",
          "/CN=" + ca);
    }
    for (String[] leaf : new String[][] {{"a", "ca"}, {"b", "ca"}, {"rogue", "rogue-ca"}}) {
      String name = leaf[0];
      openssl(
          "req",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-keyout",
          name + ".key",
          "-out",
          name + ".csr",
          "-subj",
          "/CN=nginx-" + name);
      openssl(
          "x509",
          "-req",
          "-in",
          name + ".csr",
          "-CA",
          leaf[1] + ".pem",
          "-CAkey",
          leaf[1] + ".key",
          "-CAcreateserial",
          "-days",
          "2",
          "-extfile",
          "leaf.ext",
          "-out",
          name + ".pem");
      openssl(
          "pkcs12",
          "-export",
          "-in",
          name + ".pem",
          "-inkey",
          name + ".key",
          "-out",
          name + ".p12",
          "-passout",
          "pass:" + PASSWORD);
    }
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "openssl "
              + String.join(" ", args)
              + " failed: "
              + Files.readString(dir.resolve("openssl.log")));
    }
  }

  /** Lines both configurations start with: own pid file, logs and temporary directories. */
  private String common(String name) throws IOException {
    Path temp = Files.createDirectories(dir.resolve(name + "-temp"));
    boolean root = "root".equals(System.getProperty("user.name"));
    return String.join(
        "\n",
        "daemon off;",
        root ? "user root root;" : "",
        "worker_processes auto;",
        "worker_rlimit_nofile 16384;",
        "pid " + dir.resolve(name + ".pid") + ";",
        "error_log " + dir.resolve(name + "-error.log") + " warn;",
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        "  keepalive_requests 1000000;",
        "  client_body_temp_path " + temp.resolve("body") + ";",
        "  proxy_temp_path " + temp.resolve("proxy") + ";",
        "  fastcgi_temp_path " + temp.resolve("fastcgi") + ";",
        "  uwsgi_temp_path " + temp.resolve("uwsgi") + ";",
        "  scgi_temp_path " + temp.resolve("scgi") + ";",
        "");
  }

  /** nginx A: plain HTTP in, mutual TLS 1.3 out to B over kept-alive connections. */
  private String frontConfig() throws IOException {
    return common("a")
        + String.join(
            "\n",
            "  upstream inner { server 127.0.0.1:" + innerPort + "; keepalive 256; }",
            "  server {",
            "    listen 127.0.0.1:" + frontPort + ";",
            "    location / {",
            "      proxy_pass https://inner;",
            "      proxy_http_version 1.1;",
            "      proxy_set_header Connection \"\";",
            "      proxy_ssl_protocols TLSv1.3;",
            "      proxy_ssl_certificate " + dir.resolve("a.pem") + ";",
            "      proxy_ssl_certificate_key " + dir.resolve("a.key") + ";",
            "      proxy_ssl_trusted_certificate " + dir.resolve("ca.pem") + ";",
            "      proxy_ssl_verify on;",
            "      proxy_ssl_name localhost;",
            "      proxy_ssl_session_reuse on;",
            "    }",
            "  }",
            "}",
            "");
  }

  /** nginx B: mutual TLS 1.3 in (client certificate required), plain HTTP to the backend. */
  private String innerConfig(int backendPort) throws IOException {
    return common("b")
        + String.join(
            "\n",
            "  upstream backend { server 127.0.0.1:" + backendPort + "; keepalive 256; }",
            "  server {",
            "    listen 127.0.0.1:" + innerPort + " ssl;",
            "    ssl_protocols TLSv1.3;",
            "    ssl_certificate " + dir.resolve("b.pem") + ";",
            "    ssl_certificate_key " + dir.resolve("b.key") + ";",
            "    ssl_client_certificate " + dir.resolve("ca.pem") + ";",
            "    ssl_verify_client on;",
            "    location / {",
            "      proxy_pass http://backend;",
            "      proxy_http_version 1.1;",
            "      proxy_set_header Connection \"\";",
            "    }",
            "  }",
            "}",
            "");
  }

  private void startNginx(String name, String config, int port)
      throws IOException, InterruptedException {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(conf, config);
    Path nginx = executable().orElseThrow(() -> new IllegalStateException("nginx not found"));
    Process p =
        new ProcessBuilder(
                nginx.toString(),
                "-p",
                dir.toString(),
                "-e",
                dir.resolve(name + "-error.log").toString(),
                "-c",
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .start();
    processes.add(p);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "nginx " + name + " exited: " + Files.readString(dir.resolve(name + "-error.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
    throw new IllegalStateException("nginx " + name + " did not listen on " + port + " in 20 s");
  }

  /** Stops both nginx (SIGTERM to the masters: fast shutdown) and waits for them. */
  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
