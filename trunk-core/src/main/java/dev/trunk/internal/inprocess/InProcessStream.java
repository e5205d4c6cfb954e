package dev.trunk.internal.inprocess;

import dev.trunk.Codec;
import dev.trunk.Deadline;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.TlsInfo;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransportStream;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.RequestHead;
import dev.trunk.internal.server.ServerCallImpl;
import dev.trunk.internal.server.ServerMethod;
import dev.trunk.internal.server.ServerTransportStream;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.HttpStatusMapping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One in-process call: a client half and a server half joined without a wire. Every event runs on
 * the server's transport thread, in order, so the rules of the Netty transport hold: framed
 * messages go through the same deframer, statuses lose their cause as on the wire, and a receiver
 * that withholds flow-control credit holds back the sender's write acknowledgements, which bounds
 * what the sender may buffer.
 */
final class InProcessStream {
  private static final Status CLIENT_RESET =
      HttpStatusMapping.statusForRstStream(HttpStatusMapping.CANCEL);

  private final InProcessServerTransport server;
  private final EventExecutor executor;
  private final ClientStreamListener listener;
  private final SocketAddress peer;
  private final int maxInboundMessageSize;
  private final ClientSide clientSide = new ClientSide();
  private final ServerSide serverSide = new ServerSide();

  // Transport thread only.
  private @Nullable ServerCallImpl<?, ?> call;
  private boolean headersSent;
  private int unacknowledgedRequestBytes;
  private int unacknowledgedResponseBytes;

  private volatile boolean done;

  InProcessStream(
      InProcessServerTransport server,
      EventExecutor executor,
      ClientStreamListener listener,
      SocketAddress peer,
      int maxInboundMessageSize) {
    this.server = server;
    this.executor = executor;
    this.listener = listener;
    this.peer = peer;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  ClientTransportStream clientSide() {
    return clientSide;
  }

  boolean isDone() {
    return done;
  }

  void refuse(Status status, @Nullable ByteBuf firstMessage) {
    done = true;
    run(
        () -> {
          release(firstMessage);
          listener.onClose(status, new Metadata());
        });
  }

  /** Ends the call on both sides at once, as a closed connection would. */
  void abort(Status status) {
    run(
        () -> {
          if (done) {
            return;
          }
          ServerCallImpl<?, ?> current = call;
          if (current != null) {
            current.onConnectionLost(Status.CANCELLED.withDescription(status.description()));
          }
          finish();
          listener.onClose(status, new Metadata());
        });
  }

  void start(
      MethodRegistry registry,
      MethodDescriptor<?, ?> called,
      Metadata metadata,
      long timeoutNanos,
      @Nullable String encoding,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream) {
    Metadata requestMetadata = new Metadata(metadata);
    run(
        () -> {
          ServerMethod<?, ?> method = registry.lookup(called.path());
          String requestEncoding = encoding == null ? Compression.IDENTITY : encoding;
          Status refused = refusal(method, called, requestEncoding);
          if (refused != null || method == null) {
            Status answer = refused == null ? Status.INTERNAL : refused;
            registry.events().requestRejected(called.path(), answer);
            release(firstMessage);
            finish();
            listener.onClose(answer, new Metadata());
            return;
          }
          Deadline deadline = timeoutNanos < 0 ? null : Deadline.afterNanos(timeoutNanos);
          RequestHead head =
              new RequestHead(requestMetadata, deadline, "inprocess", requestEncoding, true);
          ServerCallImpl<?, ?> started =
              new ServerCallImpl<>(method, serverSide, head, maxInboundMessageSize);
          call = started;
          started.start();
          if (firstMessage != null || endOfStream) {
            deliverRequest(firstMessage, endOfStream);
          }
        });
  }

  /** What the Netty server would refuse, as the Netty client would see it. */
  private static @Nullable Status refusal(
      @Nullable ServerMethod<?, ?> method, MethodDescriptor<?, ?> called, String encoding) {
    if (method == null) {
      return Status.UNIMPLEMENTED.withDescription("unknown method '" + called.path() + "'");
    }
    String sent = called.requestCodec().name();
    String served = method.descriptor().requestCodec().name();
    if (!sent.equals(Codec.PROTO) && !sent.equals(served)) {
      // Over HTTP/2: content-type application/grpc+sent, answered with 415 and UNIMPLEMENTED.
      return Status.UNIMPLEMENTED.withDescription(
          "content-type 'application/grpc+"
              + sent
              + "' is not supported by "
              + method.descriptor().fullName());
    }
    if (!Compression.isSupported(encoding)) {
      return Status.UNIMPLEMENTED.withDescription(
          "grpc-encoding '" + encoding + "' is not supported; use gzip or identity");
    }
    return null;
  }

  private void deliverRequest(@Nullable ByteBuf message, boolean endOfStream) {
    ServerCallImpl<?, ?> current = call;
    int size = message == null ? 0 : message.readableBytes();
    if (done || current == null) {
      release(message);
      listener.onWritten(size);
      return;
    }
    boolean creditReturned =
        current.onData(message == null ? Unpooled.EMPTY_BUFFER : message, endOfStream);
    if (creditReturned) {
      listener.onWritten(size);
    } else {
      unacknowledgedRequestBytes += size;
    }
  }

  private void deliverResponse(
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf message,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    ServerCallImpl<?, ?> current = call;
    if (done) {
      int size = message == null ? 0 : message.readableBytes();
      release(message);
      if (current != null && size > 0) {
        current.onWritten(size);
      }
      return;
    }
    // As over HTTP/2: headers that come with the trailers and no message join them (Trailers-Only).
    boolean trailersOnly = status != null && message == null && !headersSent;
    if (headers != null && !trailersOnly) {
      headersSent = true;
      String sent = encoding == null || encoding.equals(Compression.IDENTITY) ? null : encoding;
      listener.onHeaders(new Metadata(headers), sent, InboundBudget.UNLIMITED);
    }
    if (message != null) {
      int size = message.readableBytes();
      if (listener.onData(message, false) && current != null) {
        current.onWritten(size);
      } else {
        unacknowledgedResponseBytes += size;
      }
    }
    if (status != null) {
      if (headersSent) {
        listener.onData(Unpooled.EMPTY_BUFFER, true);
      }
      Metadata end = trailersOnly && headers != null ? new Metadata(headers) : new Metadata();
      if (trailers != null) {
        end.merge(trailers);
      }
      finish();
      listener.onClose(onTheWire(status), end);
    }
  }

  /** What the peer would see of {@code status} over a socket: no cause, no stack trace. */
  private static Status onTheWire(Status status) {
    return status.withCause(null);
  }

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    server.removed(this);
    ServerCallImpl<?, ?> current = call;
    if (current != null) {
      current.onStreamClosed();
    }
  }

  private void run(Runnable task) {
    if (executor.inEventLoop()) {
      task.run();
    } else {
      executor.execute(task);
    }
  }

  private static void release(@Nullable ByteBuf message) {
    if (message != null) {
      message.release();
    }
  }

  private static Status asReset(Status reason) {
    return HttpStatusMapping.statusForRstStream(HttpStatusMapping.rstStreamCodeFor(reason.code()));
  }

  /** The half the client call writes to. */
  private final class ClientSide implements ClientTransportStream {
    @Override
    public void write(@Nullable ByteBuf message, boolean endOfStream) {
      run(() -> deliverRequest(message, endOfStream));
    }

    @Override
    public void reset(Status reason) {
      run(
          () -> {
            ServerCallImpl<?, ?> current = call;
            if (done) {
              return;
            }
            if (current != null) {
              // As over HTTP/2, where a client always resets with CANCEL.
              current.onReset(CLIENT_RESET);
            }
            finish();
          });
    }

    @Override
    public void returnCredit() {
      run(
          () -> {
            ServerCallImpl<?, ?> current = call;
            int bytes = unacknowledgedResponseBytes;
            unacknowledgedResponseBytes = 0;
            if (current != null && bytes > 0) {
              current.onWritten(bytes);
            }
          });
    }
  }

  /** The half the server call writes to. */
  private final class ServerSide implements ServerTransportStream {
    @Override
    public void write(
        @Nullable Metadata headers,
        @Nullable String encoding,
        @Nullable ByteBuf message,
        @Nullable Status status,
        @Nullable Metadata trailers) {
      Metadata headersCopy = headers == null ? null : new Metadata(headers);
      Metadata trailersCopy = trailers == null ? null : new Metadata(trailers);
      run(() -> deliverResponse(headersCopy, encoding, message, status, trailersCopy));
    }

    /** In-process requests arrive whole: nothing can follow them in the same read. */
    @Override
    public void dispatch(Runnable handlerStart) {
      handlerStart.run();
    }

    @Override
    public void reset(Status reason) {
      run(
          () -> {
            if (done) {
              return;
            }
            finish();
            listener.onClose(asReset(reason), new Metadata());
          });
    }

    @Override
    public void returnCredit() {
      run(
          () -> {
            int bytes = unacknowledgedRequestBytes;
            unacknowledgedRequestBytes = 0;
            if (bytes > 0) {
              listener.onWritten(bytes);
            }
          });
    }

    @Override
    public void execute(Runnable task) {
      executor.execute(task);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long nanos) {
      return executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean inTransportThread() {
      return executor.inEventLoop();
    }

    @Override
    public ByteBufAllocator allocator() {
      return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public InboundBudget inboundBudget() {
      return InboundBudget.UNLIMITED; // frames are handed over whole, under flow control already
    }

    @Override
    public SocketAddress peer() {
      return peer;
    }

    @Override
    public @Nullable TlsInfo tls() {
      return null;
    }
  }
}
