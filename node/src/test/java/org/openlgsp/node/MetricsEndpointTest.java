package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * {@code GET /metrics} of a running node, scraped over a real socket: Prometheus text (or
 * OpenMetrics when asked), the meters docs/ops.md lists, and output promtool accepts.
 */
class MetricsEndpointTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aGatewayNodeServesItsMetersInThePrometheusTextFormat() throws Exception {
    Path file = gatewayConfig("management: {port: 0}\n");
    try (ManagementListenerTest.Node node = ManagementListenerTest.start(file, dir)) {
      HttpResponse<String> res = scrape(node.managementPort(), "");
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      String body = res.body();
      assertThat(body)
          .contains("# TYPE jvm_memory_used_bytes gauge")
          .contains("# TYPE process_uptime_seconds gauge")
          .contains("lgsp_admission_limit{side=\"consumer\"} 256.0")
          .contains("lgsp_admission_limit{side=\"provider\"} 256.0")
          .contains("lgsp_admission_refusals_total{side=\"consumer\"} 0.0")
          .contains("# TYPE lgsp_ledger_append_seconds histogram")
          .contains("lgsp_ledger_queue_depth 0.0")
          .contains("lgsp_checkpoint_witness_failures_total 0.0")
          // the registry is unreachable in this test: no directory, so unknown, not zero
          .contains("lgsp_directory_serial NaN")
          .doesNotContain("lgsp_ocsp_answer_age_seconds"); // no revocation configured
      // the node TLS certificate was issued for an hour
      double tls =
          value(
              body, "lgsp_certificate_expiry_seconds\\{holder=\"[^\"]+\",role=\"gateway_tls\"\\}");
      assertThat(tls).isBetween(3000.0, 3600.0);
      assertThat(body).contains("role=\"gateway_signing\"");
    }
  }

  @Test
  void aScraperAskingForOpenMetricsGetsOpenMetrics() throws Exception {
    Path file = gatewayConfig("management: {port: 0}\n");
    try (ManagementListenerTest.Node node = ManagementListenerTest.start(file, dir)) {
      HttpResponse<String> res =
          scrape(
              node.managementPort(),
              "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5");
      assertThat(res.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(res.body()).endsWith("# EOF\n");
    }
  }

  @Test
  void onlyGetIsAnsweredOnMetrics() throws Exception {
    Path file = gatewayConfig("management: {port: 0}\n");
    try (ManagementListenerTest.Node node = ManagementListenerTest.start(file, dir)) {
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + node.managementPort() + "/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isIn(404, 405);
      assertThat(res.body()).doesNotContain("jvm_");
    }
  }

  @Test
  @RequiresPeer(Peer.PROMTOOL)
  void promtoolAcceptsWhatAGatewayAndADocumentAxisNodeServe() throws Exception {
    Path gateway = gatewayConfig("");
    Files.writeString(
        gateway, Files.readString(gateway) + ManagementListenerTest.axisSection(dir, ca));
    try (ManagementListenerTest.Node node = ManagementListenerTest.start(gateway, dir)) {
      String body = scrape(node.managementPort(), "").body();
      assertThat(body)
          .contains("lgsp_documents_outbox{state=\"pending\"} 0.0")
          .contains("lgsp_documents_delivery_retries_total 0.0");
      Path scraped = dir.resolve("scrape.prom");
      Files.writeString(scraped, body);
      Process p =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(scraped.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("promtool check metrics said: %s", out).isZero();
    }
  }

  /**
   * Every metric family a gateway with a document axis serves, after an exchange was observed (the
   * per-exchange meters appear with their first exchange), is listed in docs/ops.md; and every
   * {@code lgsp_} meter docs/ops.md lists is served (but the OCSP ones, served only with {@code
   * revocation:}, the schema-violation counter, served from the first violation a schema check
   * finds, and a registry's summaries-upward meters, served by a registry node that sends
   * summaries: SummariesScheduleSettingsTest reads them), so the page can neither miss a meter nor
   * list one that is gone.
   */
  @Test
  void everyMeterANodeServesIsInOpsMdAndEveryLgspMeterThereIsServed() throws Exception {
    Path gateway = gatewayConfig("management: {port: 0}\n");
    Files.writeString(
        gateway, Files.readString(gateway) + ManagementListenerTest.axisSection(dir, ca));
    String ops = Files.readString(Path.of("../docs/ops.md"));
    try (ManagementListenerTest.Node node = ManagementListenerTest.start(gateway, dir)) {
      GatewayNode g =
          node.roles().stream()
              .filter(GatewayNode.class::isInstance)
              .map(GatewayNode.class::cast)
              .findFirst()
              .orElseThrow();
      MonitoringSettingsTest.feed(g, MonitoringSettingsTest.observed(java.time.Instant.now()));
      String body = scrape(node.managementPort(), "").body();
      java.util.Set<String> served = new java.util.TreeSet<>();
      Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(body);
      while (m.find()) {
        served.add(m.group(1));
      }
      assertThat(served).contains("lgsp_exchanges_total", "lgsp_exchange_duration_seconds");
      java.util.List<String> undocumented =
          served.stream().filter(name -> !documented(ops, name)).toList();
      assertThat(undocumented).as("served but not in docs/ops.md").isEmpty();

      java.util.Set<String> listed = new java.util.TreeSet<>();
      Matcher l = Pattern.compile("(?m)^\\| `(lgsp_[a-z_]+)` \\|").matcher(ops);
      while (l.find()) {
        listed.add(l.group(1));
      }
      assertThat(listed).hasSizeGreaterThan(30);
      listed.removeAll(served);
      assertThat(listed)
          .as("in docs/ops.md but not served")
          .containsExactlyInAnyOrder(
              "lgsp_ocsp_answer_age_seconds",
              "lgsp_ocsp_failures_total",
              "lgsp_quality_violations_total",
              "lgsp_federation_summaries_failed_total",
              "lgsp_federation_summaries_last_sent",
              "lgsp_federation_summaries_sent_total");
    }
  }

  /**
   * {@code name} in backticks in {@code ops}, or under a listed {@code prefix_*}, or the {@code
   * _max} of a meter whose line says it has one.
   */
  private static boolean documented(String ops, String name) {
    if (ops.contains("`" + name + "`")) {
      return true;
    }
    if (name.endsWith("_max")) {
      String base = "`" + name.substring(0, name.length() - 4) + "`";
      if (ops.lines().anyMatch(line -> line.contains(base) && line.contains("(+ `_max`"))) {
        return true;
      }
    }
    Matcher w = Pattern.compile("`([a-z_]+)_\\*`").matcher(ops);
    while (w.find()) {
      if (name.startsWith(w.group(1) + "_")) {
        return true;
      }
    }
    return false;
  }

  /** A gateway whose registry is unreachable, on free ports, with {@code extra} appended. */
  private Path gatewayConfig(String extra) throws Exception {
    return GatewayNodeSettingsTest.config(dir, ca, ManagementListenerTest.FREE_PORTS + extra);
  }

  private HttpResponse<String> scrape(int port, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET();
    if (!accept.isEmpty()) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double value(String body, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(body);
    assertThat(m.find()).as("series %s in%n%s", series, body).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
