package dev.trunk.internal.client;

import dev.trunk.Deadline;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.internal.client.config.MethodConfig;
import org.jspecify.annotations.Nullable;

/**
 * What a transport needs to know about a call to open a stream (an attempt) for it.
 *
 * @param method the method called
 * @param metadata the request metadata (an attempt's own copy, never changed once given)
 * @param deadline when the call must end; the transport sends the time left as grpc-timeout
 * @param encoding the request messages' grpc-encoding, or null for identity
 * @param waitForReady whether the call waits through TRANSIENT_FAILURE instead of failing
 * @param methodConfig the method's service config at the call's start
 */
public record CallStart(
    MethodDescriptor<?, ?> method,
    Metadata metadata,
    @Nullable Deadline deadline,
    @Nullable String encoding,
    boolean waitForReady,
    MethodConfig methodConfig) {

  /** This call with other metadata, for another attempt. */
  public CallStart withMetadata(Metadata attemptMetadata) {
    return new CallStart(method, attemptMetadata, deadline, encoding, waitForReady, methodConfig);
  }

  /** Nanoseconds left before the deadline (may be negative), or -1 without a deadline. */
  public long timeoutNanos() {
    return deadline == null ? -1 : Math.max(0, deadline.remainingNanos());
  }
}
