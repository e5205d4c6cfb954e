package dev.trunk.internal.client;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.client.config.MethodConfig;
import dev.trunk.internal.health.HealthService;
import dev.trunk.internal.health.v1.HealthCheckRequest;
import dev.trunk.internal.health.v1.HealthCheckResponse;
import dev.trunk.internal.health.v1.HealthCheckResponse.ServingStatus;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.MessageDeframer;
import dev.trunk.internal.wire.MessageFramer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One {@code grpc.health.v1.Health/Watch} call of client-side health checking (gRFC A17), opened
 * straight on a subchannel's transport: it passes no picker, no interceptor and no retry, and the
 * channel does not count it as a call, so it never keeps a channel out of idle mode. Tells its
 * {@link Listener} each serving status received and, once, how the call ended; both from transport
 * threads (or from {@link #start} when the stream cannot open).
 */
final class HealthWatch implements ClientStreamListener {
  /** The largest health response taken: a HealthCheckResponse is a few bytes. */
  static final int MAX_RESPONSE_BYTES = 1024;

  /** What a watch tells its subchannel. */
  interface Listener {
    /** The server reported {@code status} for the watched service. */
    void onStatus(HealthWatch watch, ServingStatus status);

    /** The call ended with {@code status}; nothing follows. */
    void onEnd(HealthWatch watch, Status status);
  }

  private final Listener listener;
  private final ByteBufAllocator allocator;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile @Nullable ClientTransportStream stream;
  // Transport thread only.
  private @Nullable MessageDeframer deframer;
  private @Nullable InboundBudget budget;

  private HealthWatch(Listener listener, ByteBufAllocator allocator) {
    this.listener = listener;
    this.allocator = allocator;
  }

  /** Starts watching {@code service} ("" for the whole server) on {@code transport}. */
  static HealthWatch start(ClientTransport transport, String service, Listener listener) {
    HealthWatch watch = new HealthWatch(listener, transport.allocator());
    HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(service).build();
    ByteBuf framed =
        MessageFramer.frame(
            HealthService.WATCH.requestCodec(),
            request,
            transport.allocator(),
            Compression.IDENTITY,
            false);
    CallStart call =
        new CallStart(HealthService.WATCH, new Metadata(), null, null, false, MethodConfig.NONE);
    try {
      watch.stream = transport.newStream(call, framed, true, watch);
    } catch (StatusException e) {
      framed.release(); // not taken
      watch.end(e.status());
    }
    return watch;
  }

  /** Cancels the call (the subchannel shuts down or lost its connection); no news follows. */
  void cancel() {
    ended.set(true);
    ClientTransportStream current = stream;
    if (current != null) {
      current.reset(Status.CANCELLED.withDescription("health checking stopped"));
    }
  }

  // ---- transport thread ---------------------------------------------------------------------

  @Override
  public void onHeaders(Metadata headers, @Nullable String encoding, InboundBudget received) {
    String chosen;
    try {
      chosen = Compression.responseEncoding(encoding);
    } catch (StatusException e) {
      fail(e.status());
      return;
    }
    budget = received;
    deframer = new MessageDeframer(MAX_RESPONSE_BYTES, chosen, allocator, received, "response");
  }

  @Override
  public boolean onData(ByteBuf data, boolean endOfStream) {
    MessageDeframer current = deframer;
    if (current == null || ended.get()) {
      data.release();
      return true;
    }
    try {
      current.deframe(data, this::onMessage);
      if (endOfStream) {
        current.endOfStream();
      }
    } catch (StatusException e) {
      fail(e.status());
    }
    return true;
  }

  /** Decodes one response (released here) and reports its status. */
  private void onMessage(ByteBuf message) {
    InboundBudget held = budget;
    if (held != null) {
      held.release(message.readableBytes()); // taken at once: nothing stays buffered
    }
    boolean compressed = deframer != null && deframer.lastMessageCompressed();
    ByteBuf plain =
        compressed
            ? Compression.decompress(message, MAX_RESPONSE_BYTES, allocator, "response")
            : message;
    HealthCheckResponse response;
    try {
      response = HealthService.WATCH.responseCodec().decode(plain.nioBuffer());
    } catch (IOException | RuntimeException e) {
      throw Status.INTERNAL
          .withDescription("cannot decode the health check response: " + e)
          .withCause(e)
          .asException();
    } finally {
      plain.release();
    }
    if (!ended.get()) {
      listener.onStatus(this, response.getStatus());
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    MessageDeframer current = deframer;
    if (current != null) {
      current.close();
    }
    end(status);
  }

  @Override
  public void onWritten(int bytes) {}

  /** Ends the call here: a response the watch cannot read. */
  private void fail(Status status) {
    ClientTransportStream current = stream;
    end(status);
    if (current != null) {
      current.reset(status); // onClose follows, and finds the watch ended
    }
  }

  private void end(Status status) {
    if (ended.compareAndSet(false, true)) {
      listener.onEnd(this, status);
    }
  }
}
