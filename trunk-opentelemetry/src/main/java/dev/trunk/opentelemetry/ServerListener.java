package dev.trunk.opentelemetry;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Records a server's calls and connections on the {@code grpc.server.*} instruments, and traces its
 * calls too when given a {@link ServerTracing}: each call's metrics and span are then one {@link
 * ServerCall}, so that the core delivers each event once.
 */
final class ServerListener implements EventListener {
  /** {@code trunk.trace.parent} when the request carried a valid traceparent. */
  static final String REMOTE = "remote";

  /** {@code trunk.trace.parent} when it carried none, or a malformed one. */
  static final String NONE = "none";

  private final ServerInstruments in;
  private final @Nullable ServerTracing tracing;

  /** Metrics only. */
  ServerListener(ServerInstruments in) {
    this(in, null);
  }

  /** Metrics, and the spans {@code tracing} starts when not null. */
  ServerListener(ServerInstruments in, @Nullable ServerTracing tracing) {
    this.in = in;
    this.tracing = tracing;
  }

  @Override
  public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    ServerLabels method = in.labels.of(call.method().fullName());
    boolean streaming = call.method().type() != MethodDescriptor.Type.UNARY;
    method.started.increment();
    method.active.increment();
    boolean remote = TraceParent.isValid(requestHeaders.get(TraceParent.HEADER));
    (remote ? method.startedRemote : method.startedNone).increment();
    if (streaming) {
      method.streamsOpened.increment();
    }
    long startNanos = System.nanoTime();
    if (tracing == null) {
      return new ServerCall(in, method, streaming, startNanos, CallEvents.NONE, Context.root());
    }
    ServerSpan span = tracing.start(call, requestHeaders);
    return new ServerCall(in, method, streaming, startNanos, span, span.context());
  }

  /**
   * gRFC A66: a call of a method the server does not serve is counted under {@code grpc.method}
   * {@code other}; it ended as soon as it started, so its duration is zero.
   */
  @Override
  public void requestRejected(String path, Status status) {
    ServerLabels other = in.labels.of(MethodNames.OTHER);
    other.started.increment();
    in.callDuration.record(0, other.ended(status));
  }

  @Override
  public void connectionOpened(Connection connection) {
    String version = Labels.protocolVersion(connection.httpVersion());
    in.connectionOpened.add(1, Attributes.of(Labels.PROTOCOL_VERSION, version));
    in.connectionOpen.add(1);
  }

  @Override
  public void connectionClosed(Connection connection) {
    in.connectionOpen.add(-1);
  }

  @Override
  public void tlsHandshakeFailed(@Nullable SocketAddress peer, Throwable cause) {
    in.tlsFailures.add(1, Attributes.of(Labels.ERROR_TYPE, TlsFailures.errorType(cause)));
  }
}
