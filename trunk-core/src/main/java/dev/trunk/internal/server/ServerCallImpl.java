package dev.trunk.internal.server;

import static java.util.Objects.requireNonNull;

import dev.trunk.CallContext;
import dev.trunk.Deadline;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.ServiceDefinition.BidiStreamingHandler;
import dev.trunk.ServiceDefinition.ClientStreamingHandler;
import dev.trunk.ServiceDefinition.ServerStreamingHandler;
import dev.trunk.ServiceDefinition.UnaryHandler;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import dev.trunk.TlsInfo;
import dev.trunk.internal.CallInfoImpl;
import dev.trunk.internal.CurrentCall;
import dev.trunk.internal.InboundQueue;
import dev.trunk.internal.LiveCalls;
import dev.trunk.internal.ObserverChain;
import dev.trunk.internal.OutboundWindow;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.MessageDeframer;
import dev.trunk.internal.wire.MessageFramer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call on the server, independent of the transport: collects the request messages, runs the
 * handler (on a new virtual thread, or inline on the transport thread for non-blocking services),
 * and writes the response, trailers and errors.
 *
 * <p>Threads: {@code start}, {@code onData}, {@code onReset} and {@code onWritten} run on the
 * transport thread; the handler and everything it calls (send, receive) run on the handler thread.
 * Cancellation may come from either; the {@code closed} flag, guarded by {@code this}, makes sure
 * exactly one outcome is written.
 */
public final class ServerCallImpl<Req, Resp>
    implements CallContext, StreamReceiver<Req>, StreamSender<Resp>, InboundQueue.CreditReturner {
  private static final Logger log = LoggerFactory.getLogger(ServerCallImpl.class);
  // One name for all handler threads: a numbered name would build a new string per call (about
  // 3 % of a unary call's allocation); thread dumps still tell them apart by thread id.
  private static final ThreadFactory HANDLER_THREADS =
      Thread.ofVirtual().name("trunk-handler").factory();

  private final ServerMethod<Req, Resp> method;
  private final MethodDescriptor<Req, Resp> descriptor;
  private final ServerTransportStream stream;
  private final RequestHead head;
  private final List<Interceptor> interceptors;
  private final MessageDeframer deframer;
  // One lock per call, shared by the inbound queue and the outbound window.
  private final ReentrantLock lock = new ReentrantLock();
  private final InboundQueue inbound = new InboundQueue(this, lock);
  private final OutboundWindow outbound = new OutboundWindow(lock);
  private final Metadata responseHeaders = new Metadata();
  private final Metadata responseTrailers = new Metadata();

  // Guarded by this.
  private boolean closed;
  private boolean streamClosed;
  private boolean handlerRunning;
  private boolean closeObserved;
  private @Nullable List<Runnable> cancelListeners;

  private volatile @Nullable Status cancelled;
  private volatile @Nullable Thread handlerThread;
  private @Nullable ScheduledFuture<?> deadlineTimer;

  // Transport thread only.
  private int requestsReceived;
  private boolean dispatched;

  // Handler thread only.
  private boolean headersSent;
  private String responseEncoding = Compression.IDENTITY;
  private @Nullable ObserverChain<Req, Resp> observers;

  public ServerCallImpl(
      ServerMethod<Req, Resp> method,
      ServerTransportStream stream,
      RequestHead head,
      List<Interceptor> interceptors,
      int maxInboundMessageSize) {
    this.method = method;
    this.descriptor = method.descriptor();
    this.stream = stream;
    this.head = head;
    this.interceptors = interceptors;
    this.deframer =
        new MessageDeframer(maxInboundMessageSize, head.encoding(), stream.allocator(), "request");
    LiveCalls.started(this);
  }

  // ---- transport thread -------------------------------------------------------------------

  /** Called once the request headers are accepted: arms the deadline and may start the handler. */
  public void start() {
    Deadline deadline = head.deadline();
    if (deadline != null) {
      long nanos = deadline.remainingNanos();
      if (nanos <= 0) {
        onDeadline();
        return;
      }
      deadlineTimer = stream.schedule(this::onDeadline, nanos);
    }
    if (!descriptor.type().clientSendsOne()) {
      dispatch();
    }
  }

  /**
   * Takes a DATA frame's bytes (ownership included). Returns whether its flow-control credit may be
   * returned at once.
   */
  public boolean onData(ByteBuf data, boolean endOfStream) {
    if (isClosed()) {
      data.release();
      return true;
    }
    try {
      deframer.deframe(data, this::onMessage);
      if (endOfStream) {
        deframer.endOfStream();
        onHalfClose();
      }
    } catch (StatusException e) {
      failFromTransport(e.status());
    }
    return !inbound.isCreditWithheld();
  }

  private void onMessage(ByteBuf message) {
    requestsReceived++;
    if (descriptor.type().clientSendsOne() && requestsReceived > 1) {
      message.release();
      throw Status.INTERNAL
          .withDescription(descriptor.fullName() + " takes one request, the client sent more")
          .asException();
    }
    inbound.add(message, deframer.lastMessageCompressed());
  }

  private void onHalfClose() {
    if (descriptor.type().clientSendsOne() && requestsReceived == 0) {
      throw Status.INTERNAL
          .withDescription(descriptor.fullName() + " takes one request, the client sent none")
          .asException();
    }
    inbound.finish(Status.OK, null, false);
    if (!dispatched && descriptor.type().clientSendsOne()) {
      dispatch();
    }
  }

  /** The client reset the stream or the connection was lost. */
  public void onReset(Status status) {
    cancel(status);
  }

  /** The stream is gone: releases what is still buffered. Transport thread. */
  public void onStreamClosed() {
    cancel(Status.CANCELLED.withDescription("the stream closed before the call ended"));
    deframer.close();
    inbound.discard();
    synchronized (this) {
      streamClosed = true;
      if (handlerRunning) {
        return;
      }
    }
    LiveCalls.ended(this);
  }

  /** Bytes of a written message left the outbound buffer. */
  public void onWritten(int bytes) {
    outbound.release(bytes);
  }

  private void onDeadline() {
    Status status =
        Status.DEADLINE_EXCEEDED.withDescription(
            "deadline exceeded: the server stopped " + descriptor.fullName());
    if (cancel(status)) {
      stream.write(null, null, null, status, new Metadata());
    }
  }

  private void failFromTransport(Status status) {
    if (cancel(status)) {
      stream.write(null, null, null, status, new Metadata());
    }
  }

  private void dispatch() {
    dispatched = true;
    synchronized (this) {
      handlerRunning = true;
    }
    if (method.onTransportThread() && descriptor.type().clientSendsOne()) {
      run();
    } else {
      HANDLER_THREADS.newThread(this::run).start();
    }
  }

  // ---- handler thread ---------------------------------------------------------------------

  private void run() {
    handlerThread = Thread.currentThread();
    CallContext previous = CurrentCall.bind(this);
    try {
      observers =
          ObserverChain.start(
              interceptors,
              new CallInfoImpl<>(
                  descriptor, true, head.deadline(), head.authority(), stream.peer(), stream.tls()),
              head.metadata());
      Status early = cancelled;
      if (early != null) {
        // Cancelled before the handler ran: interceptors still see the call start and end.
        observeClose(early, new Metadata());
        return;
      }
      invokeHandler();
    } catch (StatusException e) {
      close(e.status(), merged(e.trailers()), null);
    } catch (RuntimeException | Error e) {
      if (cancelled == null) {
        log.warn("handler of {} failed; answering UNKNOWN", descriptor.fullName(), e);
      }
      close(
          Status.UNKNOWN.withDescription("the server's handler failed").withCause(e),
          responseTrailers,
          null);
    } finally {
      CurrentCall.bind(previous);
      handlerThread = null;
      inbound.discard();
      handlerFinished();
    }
  }

  private void handlerFinished() {
    synchronized (this) {
      handlerRunning = false;
      if (!streamClosed) {
        return;
      }
    }
    LiveCalls.ended(this);
  }

  @SuppressWarnings("unchecked") // the registry pairs each descriptor with a handler of its type
  private void invokeHandler() {
    Object handler = method.handler();
    switch (descriptor.type()) {
      case UNARY -> {
        Resp response = ((UnaryHandler<Req, Resp>) handler).handle(singleRequest());
        close(Status.OK, responseTrailers, requireNonNull(response, "handler returned null"));
      }
      case SERVER_STREAMING -> {
        ((ServerStreamingHandler<Req, Resp>) handler).handle(singleRequest(), this);
        close(Status.OK, responseTrailers, null);
      }
      case CLIENT_STREAMING -> {
        Resp response = ((ClientStreamingHandler<Req, Resp>) handler).handle(this);
        close(Status.OK, responseTrailers, requireNonNull(response, "handler returned null"));
      }
      case BIDI_STREAMING -> {
        ((BidiStreamingHandler<Req, Resp>) handler).handle(this, this);
        close(Status.OK, responseTrailers, null);
      }
    }
  }

  private Req singleRequest() {
    Req request = receive();
    if (request == null) {
      throw Status.INTERNAL.withDescription("no request message").asException();
    }
    return request;
  }

  @Override
  public @Nullable Req receive() {
    ByteBuf message = inbound.take();
    if (message == null) {
      return null;
    }
    Req request;
    try {
      request = descriptor.requestCodec().decode(message.nioBuffer());
    } catch (IOException | RuntimeException e) {
      throw Status.INTERNAL
          .withDescription("cannot decode the request of " + descriptor.fullName() + ": " + e)
          .withCause(e)
          .asException();
    } finally {
      message.release();
    }
    return observers().onRequest(request);
  }

  @Override
  public void send(Resp message, boolean compress) {
    requireNonNull(message, "message");
    Status status = cancelled;
    if (status != null) {
      throw status.asException();
    }
    Metadata headers = takeHeaders();
    ByteBuf framed = frame(observers().onResponse(message), compress);
    try {
      outbound.acquire(framed.readableBytes(), !stream.inTransportThread());
    } catch (StatusException e) {
      framed.release();
      throw e;
    }
    stream.write(headers, responseEncoding, framed, null, null);
  }

  /** Ends the call with {@code status}, writing {@code lastMessage} first if there is one. */
  private void close(Status status, Metadata trailers, @Nullable Resp lastMessage) {
    // Observers see events in wire order: response headers, the response, then the end.
    Metadata headers = lastMessage == null ? null : takeHeaders();
    ByteBuf framed = null;
    Status outcome = status;
    if (lastMessage != null) {
      try {
        framed = frame(observers().onResponse(lastMessage), true);
      } catch (StatusException e) {
        outcome = e.status();
      }
    }
    synchronized (this) {
      if (closed) {
        if (framed != null) {
          framed.release();
        }
        return;
      }
      closed = true;
    }
    cancelDeadlineTimer();
    observeClose(outcome, trailers);
    if (framed != null) {
      outbound.acquire(framed.readableBytes(), false);
    }
    stream.write(framed == null ? null : headers, responseEncoding, framed, outcome, trailers);
  }

  private ByteBuf frame(Resp message, boolean compress) {
    return MessageFramer.frame(
        descriptor.responseCodec(),
        message,
        stream.allocator(),
        responseEncoding,
        compress && !responseEncoding.equals(Compression.IDENTITY));
  }

  private @Nullable Metadata takeHeaders() {
    if (headersSent) {
      return null;
    }
    headersSent = true;
    observers().onResponseHeaders(responseHeaders);
    return responseHeaders;
  }

  private Metadata merged(Metadata trailers) {
    return trailers == responseTrailers ? trailers : new Metadata(responseTrailers).merge(trailers);
  }

  private ObserverChain<Req, Resp> observers() {
    ObserverChain<Req, Resp> chain = observers;
    return chain != null ? chain : ObserverChain.empty();
  }

  // ---- any thread -------------------------------------------------------------------------

  /** Cancels the call; returns false if it had already ended. */
  private boolean cancel(Status status) {
    List<Runnable> listeners;
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
      cancelled = status;
      listeners = cancelListeners;
      cancelListeners = null;
    }
    cancelDeadlineTimer();
    inbound.finish(status, null, true);
    outbound.fail(status);
    Thread thread = handlerThread;
    if (thread != null && thread != Thread.currentThread()) {
      thread.interrupt();
    }
    if (listeners != null) {
      listeners.forEach(ServerCallImpl::runListener);
    }
    observeClose(status, new Metadata());
    return true;
  }

  /** Tells the interceptors how the call ended, once, if they have seen it start. */
  private void observeClose(Status status, Metadata trailers) {
    ObserverChain<Req, Resp> chain = observers;
    if (chain == null) {
      return;
    }
    synchronized (this) {
      if (closeObserved) {
        return;
      }
      closeObserved = true;
    }
    chain.onClose(status, trailers);
  }

  private static void runListener(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      log.warn("cancellation listener failed", e);
    }
  }

  private void cancelDeadlineTimer() {
    ScheduledFuture<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public void returnCredit() {
    stream.returnCredit();
  }

  /** Registers a cancellation listener; returns a handle that unregisters it. */
  public Runnable addCancelListener(Runnable listener) {
    synchronized (this) {
      if (cancelled == null) {
        if (cancelListeners == null) {
          cancelListeners = new ArrayList<>(2);
        }
        cancelListeners.add(listener);
        return () -> removeCancelListener(listener);
      }
    }
    runListener(listener);
    return () -> {};
  }

  private synchronized void removeCancelListener(Runnable listener) {
    if (cancelListeners != null) {
      cancelListeners.remove(listener);
    }
  }

  // ---- CallContext ------------------------------------------------------------------------

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return descriptor;
  }

  @Override
  public Metadata requestHeaders() {
    return head.metadata();
  }

  @Override
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(head.deadline());
  }

  @Override
  public SocketAddress peer() {
    return stream.peer();
  }

  @Override
  public String authority() {
    return head.authority();
  }

  @Override
  public Optional<TlsInfo> tls() {
    return Optional.ofNullable(stream.tls());
  }

  @Override
  public boolean isCancelled() {
    return cancelled != null;
  }

  @Override
  public void onCancel(Runnable listener) {
    addCancelListener(requireNonNull(listener, "listener"));
  }

  @Override
  public Metadata responseHeaders() {
    return responseHeaders;
  }

  @Override
  public Metadata responseTrailers() {
    return responseTrailers;
  }

  @Override
  public boolean lastRequestCompressed() {
    return inbound.lastTakenCompressed();
  }

  @Override
  public void setResponseCompression(String encoding) {
    requireNonNull(encoding, "encoding");
    if (!Compression.isSupported(encoding)) {
      throw new IllegalArgumentException("unknown compression '" + encoding + "' (gzip, identity)");
    }
    if (headersSent) {
      throw new IllegalStateException("response compression must be set before the first response");
    }
    boolean accepted = encoding.equals(Compression.IDENTITY) || head.acceptsGzip();
    responseEncoding = accepted ? encoding : Compression.IDENTITY;
  }

  @Override
  public String toString() {
    return "ServerCall(" + descriptor.fullName() + ")";
  }
}
