package dev.trunk.opentelemetry;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;

/** A server's instruments: the metric table's {@code grpc.server.*} and {@code trunk.server.*}. */
final class ServerInstruments {
  final LongCounter callStarted;
  final DoubleHistogram callDuration;
  final LongHistogram sentBytes;
  final LongHistogram receivedBytes;
  final LongUpDownCounter callActive;
  final DoubleHistogram queueDuration;
  final LongCounter traced;
  final LongCounter streamOpened;
  final DoubleHistogram streamDuration;
  final LongCounter streamAborted;
  final LongCounter stalls;
  final DoubleHistogram stallDuration;
  final LongCounter connectionOpened;
  final LongUpDownCounter connectionOpen;
  final LongCounter tlsFailures;

  ServerInstruments(Instruments in) {
    callStarted = in.counter("grpc.server.call.started", "{call}", "Calls started.");
    callDuration =
        in.seconds(
            "grpc.server.call.duration",
            Buckets.LATENCY_SECONDS,
            "Time from request headers received to status sent.");
    sentBytes =
        in.bytes(
            "grpc.server.call.sent_total_compressed_message_size",
            "Wire bytes of the messages a call sent.");
    receivedBytes =
        in.bytes(
            "grpc.server.call.rcvd_total_compressed_message_size",
            "Wire bytes of the messages a call received.");
    callActive = in.upDownCounter("trunk.server.call.active", "{call}", "Calls in flight.");
    queueDuration =
        in.seconds(
            "trunk.server.call.queue.duration",
            Buckets.LATENCY_SECONDS,
            "Time from request headers received to the handler's start.");
    traced =
        in.counter(
            "trunk.server.call.traced", "{call}", "Calls started, by whether a traceparent came.");
    streamOpened = in.counter("trunk.server.stream.opened", "{stream}", "Streaming calls started.");
    streamDuration =
        in.seconds(
            "trunk.server.stream.duration", Buckets.STREAM_SECONDS, "Lifetime of streaming calls.");
    streamAborted =
        in.counter("trunk.server.stream.aborted", "{stream}", "Streams ended abnormally.");
    stalls =
        in.counter("trunk.server.flow_control.stalls", "{stall}", "Sends blocked by flow control.");
    stallDuration =
        in.seconds(
            "trunk.server.flow_control.stall.duration",
            Buckets.LATENCY_SECONDS,
            "Time sends stayed blocked by flow control.");
    connectionOpened =
        in.counter("trunk.server.connection.opened", "{connection}", "Connections opened.");
    connectionOpen =
        in.upDownCounter("trunk.server.connection.open", "{connection}", "Connections open.");
    tlsFailures =
        in.counter(
            "trunk.server.tls.handshake.failures", "{handshake}", "TLS handshakes that failed.");
  }
}
