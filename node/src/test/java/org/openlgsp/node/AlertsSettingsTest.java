package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.pki.CertificateAuthority;

/**
 * Each {@code gateway.alerts} key of node.yaml changes what the running gateway node does. The
 * node's certificates are valid for an hour, so the certificate rule raises an alert for its TLS
 * and its signing certificate at the first poll, through the node's real wiring.
 */
class AlertsSettingsTest {
  static final String READER = "alerts-reader-token-0123456789";
  static final String OPERATOR = "alerts-operator-token-0123456789";
  static final String API =
      "api: {port: 0, readerTokenSha256: "
          + hash(READER)
          + ", operatorTokenSha256: "
          + hash(OPERATOR)
          + "}";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();

  static String hash(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  Path file(String alerts) throws Exception {
    return GatewayNodeSettingsTest.configWith(dir, ca, "alerts", alerts);
  }

  GatewayNode start(String alerts) throws Exception {
    return GatewayNode.start(
        NodeConfig.read(file(alerts)).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  GatewayNode start(String alerts, io.micrometer.core.instrument.MeterRegistry meters)
      throws Exception {
    return GatewayNode.start(
        NodeConfig.read(file(alerts)).gateway().orElseThrow(), dir, Clock.systemUTC(), meters);
  }

  JsonNode alerts(GatewayNode node, String query) throws Exception {
    HttpResponse<String> r = list(node, query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body()).get("alerts");
  }

  HttpResponse<String> list(GatewayNode node, String query) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + node.alerts().apiPort().orElseThrow()
                        + "/alerts/v1/alerts"
                        + query))
            .header("Authorization", "Bearer " + READER)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void apiOpensTheAlertListForItsTokensAndByDefaultThereIsNone() throws Exception {
    try (GatewayNode node = start("")) {
      assertThat(node.alerts().apiPort()).isEmpty();
    }
    try (GatewayNode node = start(API)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(node, "").size() == 2);
      JsonNode a = alerts(node, "?rule=certificateExpiry").get(0);
      assertThat(a.get("severity").asText()).isEqualTo("CRITICAL");
      assertThat(Instant.parse(a.get("evidence").get("facts").get("notAfter").asText()))
          .isBefore(Instant.now().plus(Duration.ofHours(2)));
    }
  }

  @Test
  void enabledFalseRaisesNothing() throws Exception {
    try (GatewayNode node = start("enabled: false, pollInterval: PT0.1S, " + API)) {
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(alerts(node, "")).isEmpty();
    }
  }

  @Test
  void rulesFileChangesTheRulesAndAMalformedOneStopsTheNode() throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "certificateExpiry: {enabled: false}\n");
    try (GatewayNode node = start("rulesFile: rules.yaml, pollInterval: PT0.1S, " + API)) {
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(alerts(node, "")).isEmpty();
    }
    Files.writeString(dir.resolve("rules.yaml"), "certificateExpiry: {warnBefor: P1D}\n");
    Path f = file("rulesFile: rules.yaml");
    assertThatThrownBy(
            () ->
                GatewayNode.start(
                    NodeConfig.read(f).gateway().orElseThrow(), dir, Clock.systemUTC()))
        .hasMessageContaining("rule 'certificateExpiry': unknown key 'warnBefor'");
    // serve --check reads the rules file too
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(f))
        .hasMessageContaining("gateway.alerts.rulesFile")
        .hasMessageContaining("rule 'certificateExpiry': unknown key 'warnBefor'");
  }

  @Test
  void pollIntervalAndSuppressionDecideWhenTheSameFindingIsRaisedAgain() throws Exception {
    try (GatewayNode node = start("pollInterval: PT0.1S, suppression: PT0.3S, " + API)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> alerts(node, "?rule=certificateExpiry").size() >= 4);
    }
    try (GatewayNode node = start(API)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(node, "").size() == 2);
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(alerts(node, "")).hasSize(2); // polled once a minute, suppressed 15 minutes
    }
  }

  @Test
  void webhooksAndDeliveryGetEachAlertSignedRetriedAtMostMaxAttempts() throws Exception {
    Files.writeString(dir.resolve("hook.secret"), "webhook-secret-from-a-file-0123\n");
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger verified = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          String sig = x.getRequestHeaders().getFirst("X-LGSP-Signature");
          if (sig.equals(hmac("webhook-secret-from-a-file-0123", sig, body))) {
            verified.incrementAndGet();
          }
          calls.incrementAndGet();
          x.sendResponseHeaders(500, -1);
          x.close();
        });
    server.start();
    try (GatewayNode node =
        start(
            "webhooks: [{url: 'http://127.0.0.1:"
                + server.getAddress().getPort()
                + "/hook', secretFile: hook.secret}],"
                + " delivery: {maxAttempts: 2, backoff: PT0.05S}")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 4); // 2 alerts x 2
      await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(calls.get()).isEqualTo(4);
      assertThat(verified.get()).isEqualTo(4); // signed with the key in secretFile
    } finally {
      server.stop(0);
    }
  }

  @Test
  void signingKeyFileSignsEachWebhookSoThePublicKeyAloneVerifiesIt() throws Exception {
    java.security.KeyPair pair =
        java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Files.writeString(
        dir.resolve("webhook-signing.pem"),
        "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    AtomicInteger verified = new AtomicInteger();
    AtomicInteger unsigned = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          String sig = x.getRequestHeaders().getFirst("X-LGSP-Signature-Ed25519");
          if (sig == null) {
            unsigned.incrementAndGet();
          } else if (ed25519Verifies(pair.getPublic(), sig, body)) {
            verified.incrementAndGet();
          }
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.start();
    String url = "'http://127.0.0.1:" + server.getAddress().getPort() + "/hook'";
    try {
      try (GatewayNode node =
          start("webhooks: [{url: " + url + ", signingKeyFile: webhook-signing.pem}]")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> verified.get() == 2); // tls, signing
      }
      // without it (a secret only): no Ed25519 header
      Files.writeString(dir.resolve("hook.secret"), "webhook-secret-from-a-file-0123\n");
      try (GatewayNode node = start("webhooks: [{url: " + url + ", secretFile: hook.secret}]")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> unsigned.get() == 2);
      }
      assertThat(verified.get()).isEqualTo(2);
      // a file that is no Ed25519 key stops the node, naming it
      Files.writeString(dir.resolve("bad.pem"), "not a key\n");
      assertThatThrownBy(() -> start("webhooks: [{url: " + url + ", signingKeyFile: bad.pem}]"))
          .hasMessageContaining("signingKeyFile bad.pem is not an Ed25519 private key");
    } finally {
      server.stop(0);
    }
  }

  /** A receiver's check with the JDK's Ed25519 and the public key only (docs/alerts.md). */
  static boolean ed25519Verifies(java.security.PublicKey key, String header, byte[] body) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("t=(\\d+),keyid=[0-9a-f]{64},ed25519=(\\S+)")
            .matcher(header);
    if (!m.matches()) {
      return false;
    }
    try {
      java.security.Signature v = java.security.Signature.getInstance("Ed25519");
      v.initVerify(key);
      v.update((m.group(1) + ".").getBytes(StandardCharsets.US_ASCII));
      v.update(body);
      return v.verify(java.util.Base64.getDecoder().decode(m.group(2)));
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The header a sender with {@code secret} would put on {@code body} at the time {@code sig} has.
   */
  static String hmac(String secret, String sig, byte[] body) {
    try {
      String t = sig.substring(2, sig.indexOf(','));
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
      return "t=" + t + ",v1=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void smtpSendsEachAlertByMail() throws Exception {
    GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    try (GatewayNode node =
        start(
            "smtp: {host: 127.0.0.1, port: "
                + smtp.getSmtp().getPort()
                + ", from: lgsp@tayninh.gov.vn, to: [soc@tayninh.gov.vn]}")) {
      assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
      assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("[OpenLGSP CRITICAL]");
    } finally {
      smtp.stop();
    }
  }

  @Test
  void syslogSendsEachAlertAsCef() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        GatewayNode node =
            start(
                "syslog: {host: 127.0.0.1, port: "
                    + receiver.getLocalPort()
                    + ", transport: UDP}")) {
      receiver.setSoTimeout(10_000);
      DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
      receiver.receive(p);
      String got = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
      assertThat(got)
          .startsWith("<82>1 ")
          .contains("CEF:0|OpenLGSP|gateway|")
          .contains("|certificateExpiry|");
    }
  }

  /**
   * The syslog keys beyond host and port: TCP framing (RFC 6587 octet counting), the application
   * name and facility in the RFC 5424 header, and the lowest severity sent. The certificate rule
   * raises MEDIUM here (its critical limit set to a minute, the certificates last an hour).
   */
  @Test
  void syslogTransportAppNameFacilityAndMinSeverityShapeWhatTheSiemGets() throws Exception {
    Files.writeString(dir.resolve("medium.yaml"), "certificateExpiry: {criticalBefore: PT1M}\n");
    try (java.net.ServerSocket siem =
            new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        GatewayNode node =
            start(
                "rulesFile: medium.yaml, syslog: {host: 127.0.0.1, port: "
                    + siem.getLocalPort()
                    + ", transport: TCP, appName: lgsp-tn, facility: 4, minSeverity: MEDIUM}")) {
      siem.setSoTimeout(10_000);
      try (java.net.Socket s = siem.accept()) {
        java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
        StringBuilder length = new StringBuilder();
        for (int c = in.read(); c != ' '; c = in.read()) {
          length.append((char) c);
        }
        byte[] msg = new byte[Integer.parseInt(length.toString())];
        in.readFully(msg);
        // PRI = facility 4 × 8 + 4 (MEDIUM → warning)
        assertThat(new String(msg, StandardCharsets.UTF_8))
            .startsWith("<36>1 ")
            .contains(" lgsp-tn ")
            .contains("|certificateExpiry|");
      }
    }
    // minSeverity HIGH: the MEDIUM alerts are stored but not sent
    try (java.net.ServerSocket siem =
            new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        GatewayNode node =
            start(
                "rulesFile: medium.yaml, "
                    + API
                    + ", syslog: {host: 127.0.0.1, port: "
                    + siem.getLocalPort()
                    + ", transport: TCP, minSeverity: HIGH}")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(node, "").size() == 2);
      siem.setSoTimeout(1_500);
      assertThatThrownBy(siem::accept).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  /**
   * A webhook's timeout gives up on a receiver slower than it (the default 5 s waits for it), and
   * its minSeverity keeps lower alerts from it (MEDIUM here: the certificate rule's critical limit
   * set to a minute).
   */
  @Test
  void webhookTimeoutAndMinSeverityDecideWhatReachesTheReceiver() throws Exception {
    Files.writeString(dir.resolve("medium.yaml"), "certificateExpiry: {criticalBefore: PT1M}\n");
    AtomicInteger slow = new AtomicInteger();
    AtomicInteger picky = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/slow",
        x -> {
          x.getRequestBody().readAllBytes();
          try {
            Thread.sleep(1_500);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          slow.incrementAndGet();
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.createContext(
        "/picky",
        x -> {
          x.getRequestBody().readAllBytes();
          picky.incrementAndGet();
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try {
      String hooks = "rulesFile: medium.yaml, delivery: {maxAttempts: 1}, webhooks: ";
      String secret = "', secret: 'webhook-secret-0123456789'";
      try (GatewayNode node =
          start(
              hooks
                  + "[{url: '"
                  + base
                  + "/slow"
                  + secret
                  + ", timeout: PT0.3S}, {url: '"
                  + base
                  + "/picky"
                  + secret
                  + ", minSeverity: HIGH}]",
              meters)) {
        // both MEDIUM alerts given up on the slow receiver, none sent to the picky one
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> meters.get("lgsp.alerts.delivery.failed").functionCounter().count() == 2);
        assertThat(meters.get("lgsp.alerts.raised").functionCounter().count()).isEqualTo(2);
        assertThat(picky.get()).isZero();
      }
      // the default timeout (5 s) waits for the same receiver
      meters.clear();
      try (GatewayNode node = start(hooks + "[{url: '" + base + "/slow" + secret + "}]", meters)) {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> meters.get("lgsp.alerts.delivered").functionCounter().count() == 2);
        assertThat(meters.get("lgsp.alerts.delivery.failed").functionCounter().count()).isZero();
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void apiMaxPageSizeIsTheLargestPageAListMayAskFor() throws Exception {
    String api = API.substring(0, API.length() - 1) + ", maxPageSize: 1}";
    try (GatewayNode node = start(api)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(node, "?limit=1").size() == 1);
      HttpResponse<String> r = list(node, "?limit=2");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("query.page_invalid").contains("from 1 to 1");
    }
  }

  @Test
  void queueSizeBoundsWhatWaitsForTheRules() throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (GatewayNode node =
        GatewayNode.start(
            NodeConfig.read(file("queueSize: 1")).gateway().orElseThrow(),
            dir,
            Clock.systemUTC(),
            registry)) {
      for (int i = 0; i < 2000; i++) {
        node.alerts().observer().observed(MonitoringSettingsTest.observed(Instant.now()));
      }
      assertThat(node.alerts().dropped()).isPositive();
      assertThat(registry.get("lgsp.alerts.dropped").functionCounter().count())
          .isEqualTo(node.alerts().dropped());
      // the node's own certificates: two alerts raised at the first poll
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.get("lgsp.alerts.raised").functionCounter().count() == 2);
    }
    try (GatewayNode node = start("")) {
      for (int i = 0; i < 2000; i++) {
        node.alerts().observer().observed(MonitoringSettingsTest.observed(Instant.now()));
      }
      assertThat(node.alerts().dropped()).isZero();
    }
  }

  @Test
  void unknownOrOutOfRangeAlertKeysAreRefusedNamingThem() throws Exception {
    for (String bad :
        new String[] {
          "colour: red",
          "queueSize: 0",
          "suppression: PT0S",
          "webhooks: [{url: 'ftp://x', secret: webhook-secret-0123456789}]",
          "webhooks: [{url: 'https://x', secret: short}]",
          "webhooks: [{url: 'http://soc.example/hook', secret: webhook-secret-0123456789}]",
          "webhooks: [{url: 'https://soc.example/hook'}]",
          "smtp: {host: x, from: a@b.vn, to: [c@b.vn], username: u}",
          "smtp: {host: x, from: a@b.vn}",
          "syslog: {host: x, transport: QUIC}",
          "api: {port: 0, readerTokenSha256: abc, operatorTokenSha256: abc}",
          "delivery: {maxAttempts: 0}"
        }) {
      Path f = file(bad);
      assertThatThrownBy(() -> NodeConfig.read(f)).as(bad).hasMessageContaining("alerts");
    }
  }

  @Test
  void serveCheckShowsTheAlertDefaultsAndRedactsItsSecrets() throws Exception {
    Path f =
        file(
            "webhooks: [{url: 'https://soc.example/hook', secret: webhook-secret-0123456789}],"
                + " smtp: {host: mail, from: a@b.vn, to: [c@b.vn], username: u, password: hunter2-pass},"
                + " "
                + API);
    String effective = ConfigCheck.effectiveConfiguration(f);
    Path missing =
        file("webhooks: [{url: 'https://soc.example/hook', secretFile: nowhere.secret}]");
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(missing))
        .hasMessageContaining("gateway.alerts.webhooks[0].secretFile");
    Path noKey = file("webhooks: [{url: 'https://soc.example/hook', signingKeyFile: nowhere.pem}]");
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(noKey))
        .hasMessageContaining("gateway.alerts.webhooks[0].signingKeyFile");
    assertThat(effective)
        .doesNotContain("webhook-secret-0123456789", "hunter2-pass", hash(READER), hash(OPERATOR))
        .contains("(redacted)")
        .contains("suppression");
  }

  @Test
  void aTimeStampAuthorityThatFailsRaisesTrustServiceFailuresAndNoWitnessIsNotAlerted()
      throws Exception {
    int closed;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there once closed
    }
    Files.writeString(
        dir.resolve("rules.yaml"),
        "trustServiceFailures: {threshold: 1}\ncheckpointWitnessing: {grace: PT0.1S}\n");
    Files.deleteIfExists(dir.resolve("node.yaml"));
    Path f =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw-tsa.db\n"
                + "  ledger: {tsaUrl: 'http://127.0.0.1:"
                + closed
                + "/tsa', tsaCertificates: [registry.pem]}\n"
                + "  alerts: {rulesFile: rules.yaml, pollInterval: PT0.1S, "
                + API
                + "}\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(f).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      node.checkpoints().publish(); // the TSA is asked and fails; the checkpoint is kept
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> alerts(node, "?rule=trustServiceFailures").size() == 1);
      JsonNode a = alerts(node, "?rule=trustServiceFailures").get(0);
      assertThat(a.get("key").asText()).isEqualTo("timestamp");
      // not time-stamped though a TSA is configured: raised; no witness configured: not asked for
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> alerts(node, "?rule=checkpointWitnessing").size() == 1);
      assertThat(alerts(node, "?rule=checkpointWitnessing").get(0).get("summary").asText())
          .contains("not time-stamped")
          .doesNotContain("cosigned");
    }
  }

  @Test
  void certificateExpiryWatchesTheCertificateInUseAfterItsFileIsReplaced() throws Exception {
    Files.writeString(
        dir.resolve("rules.yaml"),
        "certificateExpiry: {warnBefore: PT30M, criticalBefore: PT5M}\n");
    Files.deleteIfExists(dir.resolve("node.yaml"));
    Path f =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw-rotate.db\n"
                + "  directoryRefresh: PT0.2S\n" // how often replaced key files are picked up
                + "  alerts: {rulesFile: rules.yaml, pollInterval: PT0.1S, "
                + API
                + "}\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(f).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      // an hour left on both certificates: nothing to warn of yet
      await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
      assertThat(alerts(node, "?rule=certificateExpiry")).isEmpty();

      GatewayNodeSettingsTest.write(
          dir,
          "tls",
          ca.issueCredentials(
              org.openlgsp.pki.CertificateProfile.NODE_TLS,
              "gw1",
              "Test",
              java.util.List.of("localhost"),
              Duration.ofMinutes(20)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> alerts(node, "?rule=certificateExpiry").size() == 1);
      JsonNode a = alerts(node, "?rule=certificateExpiry").get(0);
      assertThat(a.get("key").asText()).isEqualTo("tls");
      assertThat(Instant.parse(a.at("/evidence/facts/notAfter").asText()))
          .isEqualTo(node.gateway().nodeTlsCertificate().getNotAfter().toInstant());
    }
  }

  @Test
  void retentionIsHowLongAResolvedAlertIsKept() throws Exception {
    for (String retention : new String[] {"retention: PT0.3S, ", ""}) {
      try (GatewayNode node = start(retention + API)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts(node, "").size() == 2);
        long id = alerts(node, "").get(0).get("id").asLong();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + node.alerts().apiPort().orElseThrow()
                                + "/alerts/v1/alerts/"
                                + id
                                + "/resolve"))
                    .header("Authorization", "Bearer " + OPERATOR)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (retention.isEmpty()) {
          // a year by default: still there after the short retention's purge would have run
          await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
          assertThat(alerts(node, "")).hasSize(2);
        } else {
          await().atMost(Duration.ofSeconds(10)).until(() -> alerts(node, "").size() == 1);
          assertThat(alerts(node, "").get(0).get("state").asText()).isEqualTo("OPEN");
        }
      }
    }
  }
}
