package dev.trunk.internal.server;

import static java.util.Objects.requireNonNull;

import dev.trunk.CallContext;
import dev.trunk.Codec;
import dev.trunk.ContextKey;
import dev.trunk.Deadline;
import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
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
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.InboundQueue;
import dev.trunk.internal.LiveCalls;
import dev.trunk.internal.Log;
import dev.trunk.internal.ObserverChain;
import dev.trunk.internal.OutboundWindow;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.MessageDeframer;
import dev.trunk.internal.wire.MessageFramer;
import dev.trunk.internal.wire.MessageSizes;
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
  private static final Log log = Log.of(ServerCallImpl.class);
  // One name for all handler threads: a numbered name would build a new string per call (about
  // 3 % of a unary call's allocation); thread dumps still tell them apart by thread id.
  private static final ThreadFactory HANDLER_THREADS =
      Thread.ofVirtual().name("trunk-handler").factory();

  /** What ended a call without cancelling it; a later send's error names it and the fix. */
  private enum Ender {
    RETURNED(
        "the handler of %s has returned, which ended the call with %s; send from the handler's"
            + " thread before it returns, or call CallContext.current().finishLater() in the"
            + " handler and end the call later with finish(status)"),
    THREW("the handler of %s threw, which ended the call with %s; nothing can be sent after that"),
    LISTENER_THREW(
        "an onReady listener of %s threw, which ended the call with %s; nothing can be sent after"
            + " that"),
    FINISHED(
        "%s was already ended by finish(%s); send every response before calling finish(status)");

    private final String message;

    Ender(String message) {
      this.message = message;
    }

    IllegalStateException error(String method, Status.Code code) {
      return new IllegalStateException(String.format(message, method, code));
    }
  }

  private final ServerMethod<Req, Resp> method;
  private final MethodDescriptor<Req, Resp> descriptor;
  private final ServerTransportStream stream;
  private final RequestHead head;
  private final MessageDeframer deframer;
  private final int maxInboundMessageSize;
  // One lock per call, shared by the inbound queue and the outbound window.
  private final ReentrantLock lock = new ReentrantLock();
  private final InboundQueue inbound = new InboundQueue(this, lock);
  private final OutboundWindow outbound = new OutboundWindow(lock);
  private final Metadata responseHeaders = new Metadata();
  private final Metadata responseTrailers = new Metadata();
  // Holds the call's context values; made with the call, so the listener sees it too.
  private final CallInfoImpl<Req, Resp> info;
  // The listeners' view of this call: CallEvents.NONE, allocating nothing, when none is installed.
  private final CallEvents events;

  // Guarded by this.
  private boolean closed;
  private boolean streamClosed;
  private boolean handlerRunning;
  private boolean closeObserved;
  private @Nullable List<Runnable> cancelListeners;
  // Set when close (not cancel) ended the call: what ended it, with which outcome.
  private @Nullable Ender ender;
  private Status.Code endedWith = Status.Code.OK;

  private volatile @Nullable Status cancelled;
  private volatile boolean ended;
  private volatile @Nullable Thread handlerThread;
  // The one-shot listener of onReady, set and taken under this monitor; volatile for the cheap
  // check after every write.
  private volatile @Nullable Runnable readyListener;
  private volatile boolean finishLater;
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
      int maxInboundMessageSize) {
    this.method = method;
    this.descriptor = method.descriptor();
    this.stream = stream;
    this.head = head;
    this.maxInboundMessageSize = maxInboundMessageSize;
    InboundBudget budget = stream.inboundBudget();
    inbound.useBudget(budget);
    this.deframer =
        new MessageDeframer(
            maxInboundMessageSize, head.encoding(), stream.allocator(), budget, "request");
    this.info =
        new CallInfoImpl<>(
            descriptor, true, head.deadline(), head.authority(), stream.peer(), stream.tls());
    this.events = method.events().callStarted(info, head.metadata());
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

  /** A complete request, still compressed if it arrived so: the handler thread inflates it. */
  private void onMessage(ByteBuf message) {
    requestsReceived++;
    if (descriptor.type().clientSendsOne() && requestsReceived > 1) {
      message.release();
      throw Status.INTERNAL
          .withDescription(descriptor.fullName() + " takes one request, the client sent more")
          .asException();
    }
    boolean compressed = deframer.lastMessageCompressed();
    if (events != CallEvents.NONE) {
      events.messageReceived(message.readableBytes(), MessageSizes.size(message, compressed));
    }
    inbound.add(message, compressed);
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

  /** The client reset the stream (RST_STREAM, or the in-process client's cancel). */
  public void onReset(Status status) {
    cancel(status, new Metadata(), AbortReason.RESET_BY_PEER);
  }

  /** The connection under the call was lost (an HTTP/1.1 connection closed, say). */
  public void onConnectionLost(Status status) {
    cancel(status, new Metadata(), AbortReason.CONNECTION_CLOSED);
  }

  /** The stream is gone: releases what is still buffered. Transport thread. */
  public void onStreamClosed() {
    cancel(
        Status.CANCELLED.withDescription("the stream closed before the call ended"),
        new Metadata(),
        AbortReason.CONNECTION_CLOSED);
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
    if (readyListener != null && outbound.isReady()) {
      fireReady();
    }
  }

  private void onDeadline() {
    endEarly(
        Status.DEADLINE_EXCEEDED.withDescription(
            "deadline exceeded: the server stopped " + descriptor.fullName()),
        new Metadata(),
        AbortReason.DEADLINE_EXCEEDED);
  }

  private void failFromTransport(Status status) {
    endEarly(status, new Metadata(), AbortReason.PROTOCOL_ERROR);
  }

  /**
   * The request broke its wire protocol's rules (e.g. bad base64): ends the call with {@code
   * status}. Transport thread.
   */
  public void onProtocolError(Status status) {
    failFromTransport(status);
  }

  /**
   * Ends the call now with {@code status} and these trailers, whatever its handler does next;
   * {@code reason} is why the stream was aborted, null when the call's own side ended it.
   */
  private void endEarly(Status status, Metadata trailers, @Nullable AbortReason reason) {
    if (cancel(status, trailers, reason)) {
      stream.write(null, null, null, status, trailers);
    }
  }

  private void dispatch() {
    dispatched = true;
    synchronized (this) {
      handlerRunning = true;
    }
    stream.dispatch(this::startHandler);
  }

  /**
   * Starts the handler, unless the call was cancelled before: a stream the client reset right after
   * opening it (rapid reset, CVE-2023-44487) then costs no thread and no handler.
   */
  private void startHandler() {
    if (cancelled != null) {
      inbound.discard();
      handlerFinished();
      return;
    }
    method.running().enter();
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
    events.handlerThreadEntered();
    try {
      observers = ObserverChain.start(method.interceptors(), info, head.metadata());
      Status early = cancelled;
      if (early != null) {
        // Cancelled before the handler ran: interceptors still see the call start and end.
        observeClose(early, new Metadata());
        return;
      }
      events.handlerStarted();
      invokeHandler();
    } catch (RuntimeException | Error e) {
      closeForThrown(e, Ender.THREW);
    } finally {
      events.handlerThreadExited();
      CurrentCall.bind(previous);
      handlerThread = null;
      inbound.discard();
      handlerFinished();
      method.running().exit();
    }
  }

  /**
   * Ends the call for what the handler (or its {@code onReady} listener) threw: a {@link
   * StatusException}'s status, anything else UNKNOWN, logged here and not sent to the client.
   */
  private void closeForThrown(Throwable thrown, Ender thrower) {
    if (thrown instanceof StatusException e) {
      close(e.status(), merged(e.trailers()), null, thrower);
      return;
    }
    if (cancelled == null) {
      String who = thrower == Ender.THREW ? "handler" : "onReady listener";
      log.warn(
          "{} of {} (call from {}) failed; answering UNKNOWN",
          who,
          descriptor.fullName(),
          stream.peer(),
          thrown);
    }
    close(
        Status.UNKNOWN.withDescription("the server's handler failed").withCause(thrown),
        responseTrailers,
        null,
        thrower);
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
        close(
            Status.OK,
            responseTrailers,
            requireNonNull(response, "handler returned null"),
            Ender.RETURNED);
      }
      case SERVER_STREAMING -> {
        ((ServerStreamingHandler<Req, Resp>) handler).handle(singleRequest(), this);
        closeUnlessFinishingLater();
      }
      case CLIENT_STREAMING -> {
        Resp response = ((ClientStreamingHandler<Req, Resp>) handler).handle(this);
        close(
            Status.OK,
            responseTrailers,
            requireNonNull(response, "handler returned null"),
            Ender.RETURNED);
      }
      case BIDI_STREAMING -> {
        ((BidiStreamingHandler<Req, Resp>) handler).handle(this, this);
        closeUnlessFinishingLater();
      }
    }
  }

  private void closeUnlessFinishingLater() {
    if (!finishLater) {
      close(Status.OK, responseTrailers, null, Ender.RETURNED);
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
    Req request = decode(inflate(message, inbound.lastTakenCompressed()));
    try {
      return observers().onRequest(request);
    } catch (StatusException e) {
      throw endEarly(e);
    }
  }

  /**
   * Inflates a request that arrived compressed (released here), on the receiving thread; the limit
   * on a request applies to its inflated size too. A request over it ends the call.
   */
  private ByteBuf inflate(ByteBuf message, boolean compressed) {
    if (!compressed) {
      return message;
    }
    try {
      return Compression.decompress(message, maxInboundMessageSize, stream.allocator(), "request");
    } catch (StatusException e) {
      endEarly(e.status(), merged(e.trailers()), AbortReason.PROTOCOL_ERROR);
      throw e;
    }
  }

  /**
   * Decodes and releases {@code message}. A codec failure is INTERNAL (bytes a program wrote),
   * except for JSON, which people write by hand: INVALID_ARGUMENT, as Connect servers answer it.
   */
  private Req decode(ByteBuf message) {
    Codec<Req> codec = descriptor.requestCodec();
    try {
      return codec.decode(message.nioBuffer());
    } catch (IOException | RuntimeException e) {
      Status status = codec.name().equals("json") ? Status.INVALID_ARGUMENT : Status.INTERNAL;
      throw status
          .withDescription(
              "cannot decode the request of " + descriptor.fullName() + ": " + reason(e))
          .withCause(e)
          .asException();
    } finally {
      message.release();
    }
  }

  /** A codec's own words when it failed as codecs report bad input; the exception's type else. */
  private static String reason(Exception e) {
    return e instanceof IOException && e.getMessage() != null ? e.getMessage() : e.toString();
  }

  @Override
  public void send(Resp message, boolean compress) {
    requireNonNull(message, "message");
    if (ended) {
      throw endedError();
    }
    Metadata headers;
    ByteBuf framed;
    try {
      headers = takeHeaders();
      framed = frame(observers().onResponse(message), compress);
    } catch (StatusException e) {
      throw endEarly(e);
    }
    try {
      outbound.acquire(framed.readableBytes(), !stream.inTransportThread(), events);
    } catch (StatusException e) {
      framed.release();
      throw e;
    }
    if (events == CallEvents.NONE) {
      writeIfOpen(headers, framed);
      return;
    }
    long wireSize = MessageSizes.wireSize(framed);
    long size = MessageSizes.size(framed);
    writeIfOpen(headers, framed);
    events.messageSent(wireSize, size);
  }

  /**
   * Writes headers and/or a message unless the call has ended, atomically with the end: a send that
   * races the handler's return either goes out before the trailers or throws, never vanishes.
   */
  private void writeIfOpen(@Nullable Metadata headers, @Nullable ByteBuf framed) {
    synchronized (this) {
      if (!closed) {
        stream.write(headers, responseEncoding, framed, null, null);
        return;
      }
    }
    if (framed != null) {
      int bytes = framed.readableBytes();
      framed.release();
      outbound.release(bytes);
    }
    throw endedError();
  }

  /**
   * Why nothing more can be sent on this ended call: the cancellation's {@link StatusException}
   * (client, deadline, shutdown), or, if the handler's side ended it, an {@link
   * IllegalStateException} that names what did and how to send later instead.
   */
  private RuntimeException endedError() {
    Status status = cancelled;
    if (status != null) {
      return status.asException();
    }
    synchronized (this) {
      return requireNonNull(ender, "an ended call records its ender")
          .error(descriptor.fullName(), endedWith);
    }
  }

  /**
   * Ends the call with {@code status}, writing {@code lastMessage} first if there is one. Response
   * headers not sent yet go with it: before the message, or, without one, in the Trailers-Only
   * response (PROTOCOL-HTTP2.md), so headers a handler set before failing still reach the client.
   */
  private void close(Status status, Metadata trailers, @Nullable Resp lastMessage, Ender endedBy) {
    if (isClosed()) {
      return;
    }
    // Observers see events in wire order: response headers, the response, then the end. A failing
    // observer replaces the outcome; headers it failed on are not sent.
    Status outcome = status;
    Metadata headers = null;
    ByteBuf framed = null;
    try {
      headers = takeHeaders();
      if (lastMessage != null) {
        framed = frame(observers().onResponse(lastMessage), true);
      }
    } catch (StatusException e) {
      outcome = e.status();
    }
    synchronized (this) {
      if (closed) {
        if (framed != null) {
          framed.release();
        }
        return;
      }
      closed = true;
      ender = endedBy;
      endedWith = outcome.code();
    }
    ended = true;
    readyListener = null;
    cancelDeadlineTimer();
    observeClose(outcome, trailers);
    if (framed != null) {
      outbound.acquire(framed.readableBytes(), false, CallEvents.NONE);
      events.messageSent(MessageSizes.wireSize(framed), MessageSizes.size(framed));
    }
    events.closed(outcome, trailers);
    stream.write(headers, responseEncoding, framed, outcome, trailers);
  }

  /** Ends the call at once because an interceptor or the request failed; returns the failure. */
  private StatusException endEarly(StatusException failure) {
    endEarly(failure.status(), merged(failure.trailers()), null);
    return failure;
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
    events.responseHeaders(responseHeaders);
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

  /**
   * Cancels the call: blocked {@code receive}/{@code send} throw, listeners run, and the handler
   * thread is interrupted only if its service asked for it. Returns false if it had already ended.
   * The listeners see {@code reason}, if any, then the end.
   */
  private boolean cancel(Status status, Metadata trailers, @Nullable AbortReason reason) {
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
    ended = true;
    readyListener = null;
    cancelDeadlineTimer();
    inbound.finish(status, null, true);
    outbound.fail(status);
    Thread thread = handlerThread;
    if (method.interruptOnCancel() && thread != null && thread != Thread.currentThread()) {
      thread.interrupt();
    }
    if (listeners != null) {
      listeners.forEach(this::runListener);
    }
    observeClose(status, trailers);
    if (reason != null) {
      events.aborted(reason);
    }
    events.closed(status, trailers);
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

  private void runListener(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      log.warn(
          "a cancellation listener of {} (call from {}) failed",
          descriptor.fullName(),
          stream.peer(),
          e);
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
  public <T> Optional<T> get(ContextKey<T> key) {
    return info.get(key);
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
      throw new IllegalStateException(
          "response compression must be set before the response headers go: before the first"
              + " response and before sendHeaders()");
    }
    boolean accepted = encoding.equals(Compression.IDENTITY) || head.acceptsGzip();
    responseEncoding = accepted ? encoding : Compression.IDENTITY;
  }

  @Override
  public void sendHeaders() {
    if (ended) {
      throw endedError();
    }
    Metadata headers;
    try {
      headers = takeHeaders();
    } catch (StatusException e) {
      throw endEarly(e);
    }
    if (headers != null) {
      writeIfOpen(headers, null);
    }
  }

  @Override
  public boolean isReady() {
    return !ended && outbound.isReady();
  }

  @Override
  public void onReady(Runnable listener) {
    requireNonNull(listener, "listener");
    synchronized (this) {
      if (closed) {
        return; // dropped: the call has ended (onCancel tells a handler that)
      }
      if (readyListener != null) {
        throw new IllegalStateException("an onReady listener is already waiting");
      }
      readyListener = listener;
    }
    if (outbound.isReady()) {
      fireReady();
    }
  }

  /** Takes the ready listener, if one waits, and runs it in a later transport-thread task. */
  private void fireReady() {
    Runnable listener;
    synchronized (this) {
      listener = readyListener;
      readyListener = null;
    }
    if (listener != null) {
      // Never inline: onWritten runs inside a write's completion, and the listener writes.
      stream.execute(() -> runReadyListener(listener));
    }
  }

  /** Runs a ready listener as the continuation of the handler: its failure ends the call. */
  private void runReadyListener(Runnable listener) {
    if (isClosed()) {
      return;
    }
    CallContext previous = CurrentCall.bind(this);
    try {
      listener.run();
    } catch (RuntimeException | Error e) {
      closeForThrown(e, Ender.LISTENER_THREW);
    } finally {
      CurrentCall.bind(previous);
    }
  }

  @Override
  public void finishLater() {
    if (descriptor.type().serverSendsOne()) {
      throw new IllegalStateException(
          descriptor.fullName() + " returns its response: only streaming handlers finish later");
    }
    finishLater = true;
  }

  @Override
  public void finish(Status status) {
    requireNonNull(status, "status");
    if (!finishLater) {
      throw new IllegalStateException(
          "finish(status) ends only a call kept open by finishLater(): call"
              + " CallContext.current().finishLater() in the handler of "
              + descriptor.fullName()
              + " before it returns");
    }
    close(status, responseTrailers, null, Ender.FINISHED);
  }

  @Override
  public String toString() {
    return "ServerCall(" + descriptor.fullName() + ")";
  }
}
