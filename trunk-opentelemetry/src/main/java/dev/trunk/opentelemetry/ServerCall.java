package dev.trunk.opentelemetry;

import static dev.trunk.opentelemetry.Instruments.toSeconds;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import java.lang.invoke.VarHandle;

/**
 * One server call's state: its start and its byte counts, which two threads add to (the event loop
 * its requests, the handler its responses).
 */
final class ServerCall implements CallEvents {
  private static final VarHandle WIRE_SENT = LongFields.of(ServerCall.class, "wireSent");
  private static final VarHandle WIRE_RECEIVED = LongFields.of(ServerCall.class, "wireReceived");

  private final ServerInstruments in;
  private final ServerLabels labels;
  private final boolean streaming;
  private final long startNanos;
  // Added to through WIRE_SENT and WIRE_RECEIVED (no AtomicLong objects per call).
  private volatile long wireSent;
  private volatile long wireReceived;

  ServerCall(ServerInstruments in, ServerLabels labels, boolean streaming, long startNanos) {
    this.in = in;
    this.labels = labels;
    this.streaming = streaming;
    this.startNanos = startNanos;
  }

  @Override
  public void handlerStarted() {
    in.queueDuration.record(toSeconds(System.nanoTime() - startNanos), labels.method);
  }

  @Override
  public void messageSent(long wireSize, long size) {
    WIRE_SENT.getAndAdd(this, wireSize);
  }

  @Override
  public void messageReceived(long wireSize, long size) {
    WIRE_RECEIVED.getAndAdd(this, wireSize);
  }

  @Override
  public void flowControlStalled() {
    in.stalls.add(1, labels.method);
  }

  @Override
  public void flowControlResumed(long stalledNanos) {
    in.stallDuration.record(toSeconds(stalledNanos), labels.method);
  }

  @Override
  public void aborted(AbortReason reason) {
    in.streamAborted.add(
        1, labels.method.toBuilder().put(Labels.ABORT_REASON, Labels.reason(reason)).build());
  }

  @Override
  public void closed(Status status, Metadata trailers) {
    double seconds = toSeconds(System.nanoTime() - startNanos);
    Attributes ended = labels.ended(status);
    in.callDuration.record(seconds, ended);
    in.sentBytes.record(wireSent, ended);
    in.receivedBytes.record(wireReceived, ended);
    labels.active.decrement();
    if (streaming) {
      in.streamDuration.record(seconds, ended);
    }
  }
}
