package dev.trunk.opentelemetry;

import static dev.trunk.opentelemetry.Instruments.toSeconds;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.Attempt;
import dev.trunk.EventListener.AttemptKind;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import java.util.HashMap;
import java.util.Map;

/**
 * One client call's state: its start and the start of each attempt still running (hedged attempts
 * run at once and end on their own threads, but their events come one at a time, so a plain map
 * does).
 */
final class ClientCall implements CallEvents {
  private final ClientInstruments in;
  private final Attributes methodAndTarget;
  private final long startNanos;
  private final Map<Integer, Long> attemptStarts = new HashMap<>();

  ClientCall(ClientInstruments in, Attributes methodAndTarget, long startNanos) {
    this.in = in;
    this.methodAndTarget = methodAndTarget;
    this.startNanos = startNanos;
  }

  @Override
  public void attemptStarted(Attempt attempt) {
    attemptStarts.put(attempt.number(), System.nanoTime());
    in.attemptStarted.add(1, methodAndTarget);
    if (attempt.kind() != AttemptKind.FIRST) {
      String kind = Labels.kind(attempt.kind());
      in.retries.add(1, methodAndTarget.toBuilder().put(Labels.ATTEMPT_KIND, kind).build());
    }
  }

  @Override
  public void attemptEnded(
      Attempt attempt, Status status, long wireBytesSent, long wireBytesReceived) {
    Attributes ended = withStatus(status);
    Long started = attemptStarts.remove(attempt.number());
    if (started != null) {
      in.attemptDuration.record(toSeconds(System.nanoTime() - started), ended);
    }
    in.sentBytes.record(wireBytesSent, ended);
    in.receivedBytes.record(wireBytesReceived, ended);
  }

  @Override
  public void flowControlStalled() {
    in.stalls.add(1, methodAndTarget);
  }

  @Override
  public void flowControlResumed(long stalledNanos) {
    in.stallDuration.record(toSeconds(stalledNanos), methodAndTarget);
  }

  @Override
  public void aborted(AbortReason reason) {
    String label = Labels.reason(reason);
    in.streamAborted.add(1, methodAndTarget.toBuilder().put(Labels.ABORT_REASON, label).build());
  }

  @Override
  public void closed(Status status, Metadata trailers) {
    in.callDuration.record(toSeconds(System.nanoTime() - startNanos), withStatus(status));
  }

  private Attributes withStatus(Status status) {
    return methodAndTarget.toBuilder().put(Labels.STATUS, Labels.status(status)).build();
  }
}
