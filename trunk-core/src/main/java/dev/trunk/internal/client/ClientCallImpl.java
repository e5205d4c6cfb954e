package dev.trunk.internal.client;

import static java.util.Objects.requireNonNull;

import dev.trunk.BidiStreamingCall;
import dev.trunk.ClientStreamingCall;
import dev.trunk.Deadline;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundQueue;
import dev.trunk.internal.LiveCalls;
import dev.trunk.internal.ObserverChain;
import dev.trunk.internal.OutboundWindow;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.MessageDeframer;
import dev.trunk.internal.wire.MessageFramer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One call on the client, of any kind, independent of the transport.
 *
 * <p>Threads: the application thread starts the call, sends and receives; the transport thread
 * delivers headers, data and the end of the call. The {@code closed} flag, guarded by {@code this},
 * makes the first outcome (trailers, reset, deadline or cancellation) the only one.
 */
public final class ClientCallImpl<Req, Resp>
    implements ClientStreamListener,
        BidiStreamingCall<Req, Resp>,
        ClientStreamingCall<Req, Resp>,
        ResponseStream<Resp>,
        InboundQueue.CreditReturner {

  private final MethodDescriptor<Req, Resp> method;
  private final ClientTransport transport;
  private final @Nullable Deadline deadline;
  private final Metadata requestMetadata;
  private final String encoding;
  private final int maxInboundMessageSize;
  private final ObserverChain<Req, Resp> observers;
  // One lock per call, shared by the inbound queue and the outbound window.
  private final ReentrantLock lock = new ReentrantLock();
  private final InboundQueue inbound = new InboundQueue(this, lock);
  private final OutboundWindow outbound = new OutboundWindow(lock);
  private final CompletableFuture<Metadata> responseHeaders = new CompletableFuture<>();
  private final @Nullable UnaryResult<Resp> unaryResult;

  private volatile @Nullable ClientTransportStream stream;
  private volatile @Nullable Metadata trailers;
  private volatile @Nullable ScheduledFuture<?> deadlineTimer;
  private volatile @Nullable Runnable parentUnregister;

  // Guarded by this.
  private boolean closed;

  // Transport thread only.
  private @Nullable MessageDeframer deframer;
  private @Nullable ByteBuf unaryResponse;

  // Application thread only.
  private boolean halfClosed;

  ClientCallImpl(
      MethodDescriptor<Req, Resp> method,
      ClientTransport transport,
      @Nullable Deadline deadline,
      Metadata requestMetadata,
      @Nullable String compression,
      int maxInboundMessageSize,
      ObserverChain<Req, Resp> observers) {
    this.method = method;
    this.transport = transport;
    this.deadline = deadline;
    this.requestMetadata = requestMetadata;
    this.encoding = compression == null ? Compression.IDENTITY : compression;
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.observers = observers;
    this.unaryResult = method.type().serverSendsOne() ? new UnaryResult<>(this) : null;
  }

  /** Starts the call, sending {@code firstMessage} and the half-close when given. */
  void start(@Nullable Req firstMessage) {
    LiveCalls.started(this);
    long timeoutNanos = -1;
    if (deadline != null) {
      timeoutNanos = deadline.remainingNanos();
      if (timeoutNanos <= 0) {
        finishLocally(deadlineExceeded());
        return;
      }
    }
    ByteBuf framed = null;
    if (firstMessage != null) {
      framed = frame(firstMessage, true);
      outbound.acquire(framed.readableBytes(), false);
      halfClosed = true;
    }
    String sentEncoding = encoding.equals(Compression.IDENTITY) ? null : encoding;
    stream =
        transport.newStream(
            method.path(),
            requestMetadata,
            timeoutNanos,
            sentEncoding,
            framed,
            firstMessage != null,
            this);
    if (deadline != null) {
      deadlineTimer = transport.schedule(this::onDeadline, timeoutNanos);
    }
  }

  /** Cancels this call when {@code unregister}'s owner (a server call) is cancelled. */
  void linkToParent(Runnable unregister) {
    parentUnregister = unregister;
    if (isClosed()) {
      unregister.run();
    }
  }

  /** The future of a unary or client-streaming call's response. */
  CompletableFuture<Resp> unaryResult() {
    return requireNonNull(unaryResult, "not a call with one response");
  }

  // ---- application thread -------------------------------------------------------------------

  @Override
  public void send(Req message, boolean compress) {
    requireNonNull(message, "message");
    if (halfClosed) {
      throw new IllegalStateException("send after closeSend");
    }
    ByteBuf framed = frame(message, compress);
    try {
      outbound.acquire(framed.readableBytes(), true);
    } catch (StatusException e) {
      framed.release();
      throw e;
    }
    requireStream().write(framed, false);
  }

  @Override
  public void closeSend() {
    if (!halfClosed) {
      halfClosed = true;
      requireStream().write(null, true);
    }
  }

  @Override
  public @Nullable Resp receive() {
    ByteBuf message = inbound.take();
    return message == null ? null : decode(message);
  }

  @Override
  public Resp complete() {
    closeSend();
    try {
      return unaryResult().get();
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while waiting").asException();
    } catch (ExecutionException e) {
      throw rethrow(e);
    }
  }

  @Override
  public Metadata responseHeaders() {
    try {
      return responseHeaders.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while waiting").asException();
    } catch (ExecutionException e) {
      throw rethrow(e);
    }
  }

  @Override
  public Metadata trailers() {
    Metadata received = trailers;
    if (received == null) {
      throw new IllegalStateException("the call has not ended");
    }
    return received;
  }

  @Override
  public void cancel() {
    cancel(Status.CANCELLED.withDescription("the client cancelled the call"));
  }

  @Override
  public void close() {
    cancel(Status.CANCELLED.withDescription("the client closed the call before it ended"));
  }

  /** Cancels the call with {@code status} unless it has already ended. Any thread. */
  void cancel(Status status) {
    if (finishLocally(status)) {
      ClientTransportStream current = stream;
      if (current != null) {
        current.reset(status);
      }
    }
  }

  static StatusException rethrow(ExecutionException e) {
    if (e.getCause() instanceof StatusException failure) {
      return failure.status().asException(failure.trailers());
    }
    return Status.UNKNOWN.withCause(e.getCause()).asException();
  }

  private ByteBuf frame(Req message, boolean compress) {
    Req observed;
    try {
      observed = observers.onRequest(message);
    } catch (StatusException e) {
      // An interceptor ended the call: end it here too, so the server stops as well.
      cancel(e.status());
      throw e;
    }
    boolean compressed = compress && !encoding.equals(Compression.IDENTITY);
    return MessageFramer.frame(
        method.requestCodec(), observed, transport.allocator(), encoding, compressed);
  }

  private Resp decode(ByteBuf message) {
    Resp response;
    try {
      response = decodeOnly(message);
    } catch (StatusException e) {
      cancel(e.status());
      throw e;
    }
    try {
      return observers.onResponse(response);
    } catch (StatusException e) {
      cancel(e.status());
      throw e;
    }
  }

  /** Decodes and releases {@code message}; a codec failure is INTERNAL. */
  private Resp decodeOnly(ByteBuf message) {
    try {
      return method.responseCodec().decode(message.nioBuffer());
    } catch (IOException | RuntimeException e) {
      throw Status.INTERNAL
          .withDescription("cannot decode the response of " + method.fullName() + ": " + e)
          .withCause(e)
          .asException();
    } finally {
      message.release();
    }
  }

  private ClientTransportStream requireStream() {
    ClientTransportStream current = stream;
    if (current == null) {
      Status ended = inbound.endStatus();
      throw (ended != null ? ended : Status.INTERNAL.withDescription("the call never started"))
          .asException();
    }
    return current;
  }

  // ---- transport thread ---------------------------------------------------------------------

  @Override
  public void onHeaders(Metadata headers, @Nullable String responseEncoding) {
    String chosen = responseEncoding == null ? Compression.IDENTITY : responseEncoding;
    if (!Compression.isSupported(chosen)) {
      // compression.md: a response in an encoding the client does not support is INTERNAL.
      cancel(
          Status.INTERNAL.withDescription(
              "the server compressed with unsupported grpc-encoding '" + chosen + "'"));
      return;
    }
    deframer =
        new MessageDeframer(maxInboundMessageSize, chosen, transport.allocator(), "response");
    observers.onResponseHeaders(headers);
    responseHeaders.complete(headers);
  }

  @Override
  public boolean onData(ByteBuf data, boolean endOfStream) {
    MessageDeframer current = deframer;
    if (current == null || isClosed()) {
      data.release();
      if (current == null) {
        cancel(Status.INTERNAL.withDescription("the server sent data before response headers"));
      }
      return true;
    }
    try {
      current.deframe(data, this::onMessage);
      if (endOfStream) {
        current.endOfStream();
      }
    } catch (StatusException e) {
      cancel(e.status());
    }
    return !inbound.isCreditWithheld();
  }

  private void onMessage(ByteBuf message) {
    if (unaryResult == null) {
      inbound.add(message, false);
      return;
    }
    if (unaryResponse != null) {
      message.release();
      throw Status.INTERNAL
          .withDescription(method.fullName() + " returns one response; the server sent more")
          .asException();
    }
    unaryResponse = message;
  }

  @Override
  public void onClose(Status status, Metadata receivedTrailers) {
    MessageDeframer current = deframer;
    if (current != null) {
      current.close();
    }
    ByteBuf response = unaryResponse;
    unaryResponse = null;
    if (!markClosed()) {
      if (response != null) {
        response.release();
      }
      return;
    }
    trailers = receivedTrailers;
    Status outcome = status;
    Resp value = null;
    if (unaryResult != null && status.isOk()) {
      if (response == null) {
        outcome = Status.INTERNAL.withDescription(method.fullName() + ": no response message");
      } else {
        try {
          value = decodeForResult(response);
        } catch (StatusException e) {
          outcome = e.status();
        }
      }
    } else if (response != null) {
      response.release();
    }
    end(outcome, receivedTrailers, value, false);
  }

  private Resp decodeForResult(ByteBuf message) {
    return observers.onResponse(decodeOnly(message));
  }

  @Override
  public void onWritten(int bytes) {
    outbound.release(bytes);
  }

  @Override
  public void returnCredit() {
    ClientTransportStream current = stream;
    if (current != null) {
      current.returnCredit();
    }
  }

  private void onDeadline() {
    cancel(deadlineExceeded());
  }

  private Status deadlineExceeded() {
    return Status.DEADLINE_EXCEEDED.withDescription(
        "deadline exceeded"
            + (deadline == null
                ? ""
                : " (" + TimeUnit.NANOSECONDS.toMillis(-deadline.remainingNanos()) + " ms ago)")
            + " calling "
            + method.fullName());
  }

  // ---- any thread ---------------------------------------------------------------------------

  /** Ends the call on this side; returns false if it had already ended. */
  private boolean finishLocally(Status status) {
    if (!markClosed()) {
      return false;
    }
    Metadata empty = new Metadata();
    trailers = empty;
    end(status, empty, null, true);
    return true;
  }

  private void end(
      Status status, Metadata endTrailers, @Nullable Resp value, boolean discardQueued) {
    LiveCalls.ended(this);
    ScheduledFuture<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    Runnable unregister = parentUnregister;
    if (unregister != null) {
      unregister.run();
    }
    // Interceptors see the outcome before the application can, so they never miss it.
    observers.onClose(status, endTrailers);
    if (!status.isOk()) {
      outbound.fail(status);
    }
    inbound.finish(status, endTrailers, discardQueued);
    responseHeaders.complete(new Metadata());
    if (unaryResult != null) {
      if (status.isOk() && value != null) {
        unaryResult.complete(value);
      } else {
        unaryResult.completeExceptionally(status.asException(endTrailers));
      }
    }
  }

  private synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "ClientCall(" + method.fullName() + ")";
  }

  /** The future result of a call with one response; cancelling it cancels the call. */
  static final class UnaryResult<Resp> extends CompletableFuture<Resp> {
    private final ClientCallImpl<?, Resp> call;

    UnaryResult(ClientCallImpl<?, Resp> call) {
      this.call = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      call.cancel(Status.CANCELLED.withDescription("the client cancelled the call"));
      return super.cancel(mayInterruptIfRunning);
    }
  }
}
