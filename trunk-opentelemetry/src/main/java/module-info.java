/**
 * OpenTelemetry metrics of Trunk's calls and connections ({@code TrunkTelemetry}) and an admin HTTP
 * server serving them in the Prometheus text format ({@code AdminServer}), with a debug page
 * ({@code DebugPage}); tracing of calls and an access log ({@code AccessLog}). The SDK and the
 * Prometheus exporter are needed by the admin server only.
 */
module dev.trunk.opentelemetry {
  requires transitive dev.trunk;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;
  // JsonFormat: the debug page's form and the access log's payloads, as proto3 JSON.
  requires com.google.protobuf.util;
  requires jdk.httpserver;
  // AccessLog's lines.
  requires org.slf4j;
  requires static io.opentelemetry.sdk;
  requires static io.opentelemetry.sdk.metrics;
  requires static io.opentelemetry.sdk.common;
  requires static io.opentelemetry.exporter.prometheus;
  requires static io.prometheus.metrics.exporter.httpserver;
  requires static io.prometheus.metrics.model;

  exports dev.trunk.opentelemetry;
}
