package dev.trunk.opentelemetry;

import static dev.trunk.opentelemetry.Instruments.toSeconds;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;

/**
 * One server call's metrics, and its span's events when the server is traced too: its start and its
 * byte counts. Two threads add to them (the event loop its requests, the handler its responses),
 * one event at a time as Trunk delivers them, so plain fields do.
 */
final class ServerCall implements CallEvents {
  private final ServerInstruments in;
  private final ServerLabels labels;
  private final boolean streaming;
  private final long startNanos;
  // The call's span (a ServerSpan), or CallEvents.NONE when the server is not traced.
  private final CallEvents span;
  // What every record is made in: the span's trace context (so that a sampled call's measurements
  // can be its exemplars, whichever thread records them), or the root one when not traced. Given,
  // not looked up: Context.current() would read a thread-local on each call's new thread.
  private final Context context;
  private long wireSent;
  private long wireReceived;

  ServerCall(
      ServerInstruments in,
      ServerLabels labels,
      boolean streaming,
      long startNanos,
      CallEvents span,
      Context context) {
    this.in = in;
    this.labels = labels;
    this.streaming = streaming;
    this.startNanos = startNanos;
    this.span = span;
    this.context = context;
  }

  @Override
  public void handlerThreadEntered() {
    span.handlerThreadEntered();
  }

  @Override
  public void handlerThreadExited() {
    span.handlerThreadExited();
  }

  @Override
  public void handlerStarted() {
    in.queueDuration.record(toSeconds(System.nanoTime() - startNanos), labels.method, context);
  }

  @Override
  public void messageSent(long wireSize, long size) {
    wireSent += wireSize;
    span.messageSent(wireSize, size);
  }

  @Override
  public void messageReceived(long wireSize, long size) {
    wireReceived += wireSize;
    span.messageReceived(wireSize, size);
  }

  @Override
  public void flowControlStalled() {
    in.stalls.add(1, labels.method, context);
  }

  @Override
  public void flowControlResumed(long stalledNanos) {
    in.stallDuration.record(toSeconds(stalledNanos), labels.method, context);
  }

  @Override
  public void aborted(AbortReason reason) {
    in.streamAborted.add(
        1,
        labels.method.toBuilder().put(Labels.ABORT_REASON, Labels.reason(reason)).build(),
        context);
    span.aborted(reason);
  }

  @Override
  public void closed(Status status, Metadata trailers) {
    double seconds = toSeconds(System.nanoTime() - startNanos);
    Attributes ended = labels.ended(status);
    in.callDuration.record(seconds, ended, context);
    in.sentBytes.record(wireSent, ended, context);
    in.receivedBytes.record(wireReceived, ended, context);
    labels.active.decrement();
    if (streaming) {
      in.streamDuration.record(seconds, ended, context);
    }
    span.closed(status, trailers);
  }
}
