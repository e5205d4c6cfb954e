package dev.trunk.opentelemetry;

import com.sun.net.httpserver.HttpHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * An SDK whose meter provider is read by a Prometheus reader, and the handler that serves what it
 * reads in the Prometheus text format. The only class that touches the optional SDK: it is loaded
 * once {@link AdminServer} has checked that the SDK is there.
 */
final class PrometheusMetrics implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final HttpHandler handler;

  PrometheusMetrics() {
    PrometheusMetricReader reader = PrometheusMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    this.sdk = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(reader);
    this.handler = new MetricsHandler(registry);
  }

  OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Answers a scrape: the text format, or another format the scraper's Accept header prefers. */
  HttpHandler handler() {
    return handler;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
