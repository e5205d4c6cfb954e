package dev.trunk.opentelemetry;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;

/** A channel's instruments: the metric table's {@code grpc.client.*} and {@code trunk.client.*}. */
final class ClientInstruments {
  final LongCounter attemptStarted;
  final DoubleHistogram attemptDuration;
  final LongHistogram sentBytes;
  final LongHistogram receivedBytes;
  final DoubleHistogram callDuration;
  final LongCounter retries;
  final LongCounter streamAborted;
  final LongCounter stalls;
  final DoubleHistogram stallDuration;
  final LongCounter connectionOpened;
  final LongUpDownCounter connectionOpen;
  final LongCounter tlsFailures;

  ClientInstruments(Instruments in) {
    attemptStarted = in.counter("grpc.client.attempt.started", "{attempt}", "Attempts started.");
    attemptDuration =
        in.seconds(
            "grpc.client.attempt.duration",
            Buckets.LATENCY_SECONDS,
            "Time from an attempt's start to its end.");
    sentBytes =
        in.bytes(
            "grpc.client.attempt.sent_total_compressed_message_size",
            "Wire bytes of the messages an attempt sent.");
    receivedBytes =
        in.bytes(
            "grpc.client.attempt.rcvd_total_compressed_message_size",
            "Wire bytes of the messages an attempt received.");
    callDuration =
        in.seconds(
            "grpc.client.call.duration",
            Buckets.LATENCY_SECONDS,
            "Time from a call's start to its status, over all its attempts.");
    retries =
        in.counter("trunk.client.call.retries", "{attempt}", "Attempts beyond a call's first.");
    streamAborted =
        in.counter("trunk.client.stream.aborted", "{stream}", "Streams ended abnormally.");
    stalls =
        in.counter("trunk.client.flow_control.stalls", "{stall}", "Sends blocked by flow control.");
    stallDuration =
        in.seconds(
            "trunk.client.flow_control.stall.duration",
            Buckets.LATENCY_SECONDS,
            "Time sends stayed blocked by flow control.");
    connectionOpened =
        in.counter("trunk.client.connection.opened", "{connection}", "Connections opened.");
    connectionOpen =
        in.upDownCounter("trunk.client.connection.open", "{connection}", "Connections open.");
    tlsFailures =
        in.counter(
            "trunk.client.tls.handshake.failures", "{handshake}", "TLS handshakes that failed.");
  }
}
