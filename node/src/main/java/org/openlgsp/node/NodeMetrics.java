package org.openlgsp.node;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The node process's one meter registry: every role registers its meters here and the management
 * listener's {@code GET /metrics} renders it in the Prometheus text format (docs/ops.md lists the
 * meters). Closing it detaches the JVM's GC listeners.
 */
final class NodeMetrics implements AutoCloseable {
  /** Prometheus text format 0.0.4, what a scraper gets unless it asks for OpenMetrics. */
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** OpenMetrics 1.0, chosen when the scraper's Accept header names it. */
  static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /**
   * A registry whose every meter carries {@code instance}, when one is given ({@code
   * gateway.instance}): set before the first meter, so the JVM's meters carry it too.
   */
  NodeMetrics(java.util.Optional<String> instance) {
    instance.ifPresent(name -> registry.config().commonTags("instance", name));
    // Two binder meters break Prometheus naming rules (promtool check metrics): the process's CPU
    // time counts nanoseconds ("_ns_total"; process_cpu_usage stays) and the processor count
    // ends in "_count", which Prometheus reserves for histograms and summaries.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.processors")
                    : id;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  /** One scrape: the body and its content type, chosen from the scraper's {@code Accept}. */
  record Scrape(String contentType, byte[] body) {}

  Scrape scrape(String accept) {
    // Protobuf is not offered: the text formats are what promtool and every Prometheus read.
    String type =
        accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
            ? OPEN_METRICS
            : TEXT;
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      registry.scrape(out, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return new Scrape(type, out.toByteArray());
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
