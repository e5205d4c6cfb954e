package dev.trunk.opentelemetry;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A server's instruments: the metric table's {@code grpc.server.*} and {@code trunk.server.*}.
 *
 * <p>The per-call counters ({@code grpc.server.call.started}, {@code trunk.server.call.active},
 * {@code trunk.server.call.traced}, {@code trunk.server.stream.opened}) are asynchronous: calls add
 * to their method's {@link ServerLabels} counts, which the instruments read at each collection. So
 * that two {@code TrunkTelemetry} on one meter report each series once, every server on a meter
 * shares one {@code ServerInstruments} and one set of labels ({@link #of}).
 */
final class ServerInstruments {
  private static final Map<Meter, ServerInstruments> byMeter = new WeakHashMap<>();

  final ServerLabels.Cache labels = new ServerLabels.Cache();
  final DoubleHistogram callDuration;
  final LongHistogram sentBytes;
  final LongHistogram receivedBytes;
  final DoubleHistogram queueDuration;
  final DoubleHistogram streamDuration;
  final LongCounter streamAborted;
  final LongCounter stalls;
  final DoubleHistogram stallDuration;
  final LongCounter connectionOpened;
  final LongUpDownCounter connectionOpen;
  final LongCounter tlsFailures;

  /** The instruments of {@code in}'s meter, made on its first use. */
  static ServerInstruments of(Instruments in) {
    synchronized (byMeter) {
      return byMeter.computeIfAbsent(in.meter(), meter -> new ServerInstruments(in));
    }
  }

  private ServerInstruments(Instruments in) {
    in.observedCounter(
        "grpc.server.call.started",
        "{call}",
        "Calls started.",
        counts -> labels.forEach(l -> counts.record(l.started.sum(), l.method)));
    in.observedUpDownCounter(
        "trunk.server.call.active",
        "{call}",
        "Calls in flight.",
        counts -> labels.forEach(l -> counts.record(l.active.sum(), l.method)));
    in.observedCounter(
        "trunk.server.call.traced",
        "{call}",
        "Calls started, by whether a traceparent came.",
        counts ->
            labels.forEach(
                l -> {
                  Instruments.recordSeen(counts, l.startedRemote, l.tracedRemote);
                  Instruments.recordSeen(counts, l.startedNone, l.tracedNone);
                }));
    in.observedCounter(
        "trunk.server.stream.opened",
        "{stream}",
        "Streaming calls started.",
        counts -> labels.forEach(l -> Instruments.recordSeen(counts, l.streamsOpened, l.method)));
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
    queueDuration =
        in.seconds(
            "trunk.server.call.queue.duration",
            Buckets.LATENCY_SECONDS,
            "Time from request headers received to the handler's start.");
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
