package dev.trunk.internal.client;

import static java.util.Objects.requireNonNull;

import dev.trunk.BidiStreamingCall;
import dev.trunk.ClientStreamingCall;
import dev.trunk.Deadline;
import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.Attempt;
import dev.trunk.EventListener.AttemptKind;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.InboundQueue;
import dev.trunk.internal.LiveCalls;
import dev.trunk.internal.Log;
import dev.trunk.internal.ObserverChain;
import dev.trunk.internal.OutboundWindow;
import dev.trunk.internal.client.config.MethodConfig;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.MessageDeframer;
import dev.trunk.internal.wire.MessageFramer;
import dev.trunk.internal.wire.MessageSizes;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 *
 * <p>The transport thread only moves bytes and records events: response messages are inflated and
 * decoded, and the interceptors' observers see response headers, responses and the end, on the
 * application side. That is the thread that receives (for a call with one response: the thread
 * waiting in {@code unaryCall} or {@code complete}, so a blocking call pays no extra hand-off), a
 * thread that cancels or closes the call, or, for {@code unaryCallAsync}, the channel's callback
 * executor, which then completes the future. Whichever application thread meets the end first runs
 * the end's observers, once.
 */
public final class ClientCallImpl<Req, Resp>
    implements ClientStreamListener,
        BidiStreamingCall<Req, Resp>,
        ClientStreamingCall<Req, Resp>,
        ResponseStream<Resp>,
        InboundQueue.CreditReturner {
  private static final Log log = Log.of(ClientCallImpl.class);
  // What closed the request stream, named by a send that comes after.
  private static final String CLOSED_AT_START = "the call's start (its one request went with it)";
  private static final String CLOSED_BY_CLOSE_SEND = "closeSend()";
  private static final String CLOSED_BY_COMPLETE = "complete()";
  // The first attempt of a call without a retry or hedging policy, which this call reports itself.
  private static final Attempt FIRST_ATTEMPT = new Attempt(1, AttemptKind.FIRST);

  /** How the call ended on the wire, with a call's single response still raw (or null). */
  private record Ending(
      Status status, Metadata trailers, @Nullable ByteBuf response, boolean compressed) {}

  private final MethodDescriptor<Req, Resp> method;
  private final ClientTransport transport;
  private final CallStart callStart;
  private final @Nullable Deadline deadline;
  private final String encoding;
  private final int maxInboundMessageSize;
  private final ObserverChain<Req, Resp> observers;
  // Set for unaryCallAsync: runs the end of the call and completes the future.
  private final @Nullable Executor callbackExecutor;
  // One lock per call, shared by the inbound queue and the outbound window.
  private final ReentrantLock lock = new ReentrantLock();
  private final InboundQueue inbound = new InboundQueue(this, lock);
  private final OutboundWindow outbound = new OutboundWindow(lock);
  // Completed when valid response headers arrive, or with no metadata when the call ends first.
  private final CompletableFuture<Metadata> headersArrived = new CompletableFuture<>();
  // Completed once, under this monitor, with the first outcome.
  private final CompletableFuture<Ending> ended = new CompletableFuture<>();
  // Calls with one response: the result once decoded and observed (what unaryCallAsync returns).
  private final @Nullable UnaryResult<Resp> result;
  // The listeners' view of this call: CallEvents.NONE when none is installed.
  private final CallEvents events;
  // Whether this call reports its attempt itself: no retry or hedging policy (no RetriableStream).
  private final boolean ownsAttempt;
  // Whether this call reported its attempt started: set before the stream starts.
  private volatile boolean reportsAttempt;
  // The attempt in progress, when this call reports it: the first, then transparent retries.
  private volatile Attempt attempt = FIRST_ATTEMPT;
  // Wire bytes of messages (no prefix, compressed if so), counted only when a listener is
  // installed.
  private volatile long wireBytesSent;
  private volatile long wireBytesReceived;

  private volatile @Nullable ClientTransportStream stream;
  private volatile @Nullable Metadata trailers;
  private volatile @Nullable Metadata receivedHeaders;
  private volatile @Nullable ScheduledFuture<?> deadlineTimer;
  private volatile @Nullable Runnable parentUnregister;

  // Guarded by this.
  private boolean closed;
  private boolean headersObserved;
  private boolean endObserved;

  // Transport thread only.
  private @Nullable MessageDeframer deframer;
  private @Nullable ByteBuf unaryResponse;
  private InboundBudget inboundBudget = InboundBudget.UNLIMITED;
  private boolean unaryResponseCompressed;
  private @Nullable AbortReason abortReason;

  // Application thread only: what closed the request stream, or null while it is open.
  private @Nullable String halfClosedBy;

  ClientCallImpl(
      MethodDescriptor<Req, Resp> method,
      ClientTransport transport,
      CallStart callStart,
      int maxInboundMessageSize,
      ObserverChain<Req, Resp> observers,
      @Nullable Executor callbackExecutor,
      CallEvents events) {
    this.method = method;
    this.transport = transport;
    this.callStart = callStart;
    this.deadline = callStart.deadline();
    String compression = callStart.encoding();
    this.encoding = compression == null ? Compression.IDENTITY : compression;
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.observers = observers;
    this.callbackExecutor = callbackExecutor;
    this.result = method.type().serverSendsOne() ? new UnaryResult<>(this) : null;
    this.events = events;
    MethodConfig config = callStart.methodConfig();
    this.ownsAttempt =
        events != CallEvents.NONE && config.retryPolicy() == null && config.hedgingPolicy() == null;
  }

  /**
   * Starts the call, sending {@code firstMessage} and the half-close when given. A call that cannot
   * start (deadline already passed, transport refusing the stream) ends here with that status.
   *
   * @throws StatusException if an interceptor refused the first message (the call has ended)
   */
  void start(@Nullable Req firstMessage) {
    LiveCalls.started(this);
    long timeoutNanos = -1;
    if (deadline != null) {
      timeoutNanos = deadline.remainingNanos();
      if (timeoutNanos <= 0) {
        endHere(deadlineExceeded(), null); // before any stream: no abort
        return;
      }
    }
    ByteBuf framed = null;
    long wireSize = 0;
    long size = 0;
    if (firstMessage != null) {
      framed = frame(firstMessage, true);
      wireSize = MessageSizes.wireSize(framed);
      size = MessageSizes.size(framed);
      outbound.acquire(framed.readableBytes(), false, CallEvents.NONE);
      halfClosedBy = CLOSED_AT_START;
    }
    if (ownsAttempt) {
      reportsAttempt = true;
      events.attemptStarted(FIRST_ATTEMPT);
      events.attemptRequestHeaders(FIRST_ATTEMPT, callStart.metadata());
    }
    try {
      stream = transport.newStream(callStart, framed, firstMessage != null, this);
      if (firstMessage != null) {
        sent(wireSize, size);
      }
    } catch (RuntimeException e) {
      // Nothing reached the transport: the buffer is still ours, and the call ends here.
      if (framed != null) {
        framed.release();
      }
      endHere(notStarted(e), null);
      return;
    }
    if (deadline != null) {
      deadlineTimer = transport.schedule(this::onDeadline, timeoutNanos);
    }
  }

  /** Reports a request message handed to the transport. */
  private void sent(long wireSize, long size) {
    if (events != CallEvents.NONE) {
      wireBytesSent += wireSize;
      events.messageSent(wireSize, size);
    }
  }

  @Override
  public void onSingleAttempt(Metadata requestHeaders) {
    if (events != CallEvents.NONE) {
      reportsAttempt = true;
      events.attemptStarted(FIRST_ATTEMPT);
      events.attemptRequestHeaders(FIRST_ATTEMPT, requestHeaders);
    }
  }

  @Override
  public void onTransparentRetry(Status refusal) {
    if (!reportsAttempt) {
      return;
    }
    Attempt refused = attempt;
    // The new attempt sends again everything the refused one had: the byte counts go on.
    events.attemptEnded(refused, refusal, wireBytesSent, wireBytesReceived);
    Attempt next = new Attempt(refused.number() + 1, AttemptKind.TRANSPARENT);
    attempt = next;
    events.attemptStarted(next);
  }

  @Override
  public long wireBytesReceived() {
    return wireBytesReceived;
  }

  /** The listeners' view of this call, for the attempts a retrying stream makes. */
  @Override
  public CallEvents events() {
    return events;
  }

  private static Status notStarted(RuntimeException e) {
    if (e instanceof StatusException failure) {
      return failure.status();
    }
    return Status.UNAVAILABLE.withDescription("cannot start the call: " + e).withCause(e);
  }

  /** How many attempts the call started: its retrying stream's count, else 1. */
  int attempts() {
    return stream instanceof RetriableStream retrying ? retrying.attempts() : 1;
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
    return requireNonNull(result, "not a call with one response");
  }

  // ---- application thread -------------------------------------------------------------------

  @Override
  public void send(Req message, boolean compress) {
    requireNonNull(message, "message");
    String closedBy = halfClosedBy;
    if (closedBy != null) {
      throw new IllegalStateException(
          "send after "
              + closedBy
              + " on the call of "
              + method.fullName()
              + ": its request stream is closed; send every request before that");
    }
    Ending ending = ended.getNow(null);
    if (ending != null) {
      throw endedError(ending);
    }
    ByteBuf framed = frame(message, compress);
    try {
      outbound.acquire(framed.readableBytes(), true, events);
    } catch (StatusException e) {
      // The call failed, or this thread was interrupted while blocked: then it is cancelled here.
      framed.release();
      endHereKeepingInterrupt(e.status());
      throw e;
    }
    if (events == CallEvents.NONE) {
      requireStream().write(framed, false);
      return;
    }
    long wireSize = MessageSizes.wireSize(framed);
    long size = MessageSizes.size(framed);
    requireStream().write(framed, false);
    sent(wireSize, size);
  }

  /**
   * Why a request cannot be sent on this ended call: its failure's {@link StatusException}, or, if
   * the server ended it with OK while the client was still sending, an {@link
   * IllegalStateException} saying so (a request sent now would be lost).
   */
  private RuntimeException endedError(Ending ending) {
    Status status = ending.status();
    if (!status.isOk()) {
      return status.asException(ending.trailers());
    }
    return new IllegalStateException(
        "the call of "
            + method.fullName()
            + " already ended with OK: the server finished it before this request, which would be"
            + " lost; stop sending once the server has answered, and read its answer with"
            + " receive() or complete()");
  }

  @Override
  public void closeSend() {
    halfClose(CLOSED_BY_CLOSE_SEND);
  }

  private void halfClose(String by) {
    if (halfClosedBy == null) {
      halfClosedBy = by;
      requireStream().write(null, true);
    }
  }

  @Override
  public @Nullable Resp receive() {
    ByteBuf message;
    try {
      message = inbound.take();
    } catch (StatusException e) {
      // The call failed, or this thread was interrupted while blocked: then it is cancelled here.
      endHereKeepingInterrupt(e.status());
      throw e;
    }
    if (message == null) {
      Status outcome = observeEnd();
      if (!outcome.isOk()) {
        throw outcome.asException(trailersOrEmpty());
      }
      return null;
    }
    boolean compressed = inbound.lastTakenCompressed();
    Resp response;
    try {
      response = decode(inflate(message, compressed));
    } catch (StatusException e) {
      endHere(e.status(), AbortReason.PROTOCOL_ERROR); // a malformed or oversized response
      throw e;
    }
    try {
      observeHeaders();
      return observers.onResponse(response);
    } catch (StatusException e) {
      endHere(e.status(), null); // an interceptor refused it
      throw e;
    }
  }

  @Override
  public Resp complete() {
    halfClose(CLOSED_BY_COMPLETE);
    return awaitResult();
  }

  /**
   * Waits for the end of a call with one response and delivers it on this thread: decoding, the
   * observers, then the value or the failure. An interrupt cancels the call (the flag stays set).
   */
  Resp awaitResult() {
    UnaryResult<Resp> single = requireNonNull(result, "not a call with one response");
    try {
      ended.get();
    } catch (InterruptedException e) {
      endHere(
          Status.CANCELLED.withDescription("interrupted while waiting for the response"),
          AbortReason.CANCELLED);
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the end of a call never fails", e);
    }
    observeEnd();
    try {
      return single.join();
    } catch (CompletionException e) {
      throw asStatusException(e.getCause());
    } catch (CancellationException e) {
      throw Status.CANCELLED.withDescription("the client cancelled the call").asException();
    }
  }

  @Override
  public Metadata responseHeaders() {
    Metadata headers;
    try {
      headers = headersArrived.get();
    } catch (InterruptedException e) {
      Status status = Status.CANCELLED.withDescription("interrupted while waiting for headers");
      endHere(status, AbortReason.CANCELLED);
      Thread.currentThread().interrupt();
      throw status.asException();
    } catch (ExecutionException e) {
      throw new IllegalStateException("response headers never fail", e);
    }
    try {
      observeHeaders();
    } catch (StatusException e) {
      endHere(e.status(), null); // an interceptor refused the headers
      throw e;
    }
    return headers;
  }

  @Override
  public Metadata trailers() {
    Metadata received = trailers;
    if (received == null) {
      throw new IllegalStateException(
          "the call of "
              + method.fullName()
              + " has not ended yet: its trailers come at its end; read until receive() returns"
              + " null (or call complete()) first");
    }
    return received;
  }

  @Override
  public void cancel() {
    endHere(
        Status.CANCELLED.withDescription("the client cancelled the call"), AbortReason.CANCELLED);
  }

  @Override
  public void close() {
    endHere(
        Status.CANCELLED.withDescription("the client closed the call before it ended"),
        AbortReason.CANCELLED);
  }

  /** Cancels the call because the server call that made it was cancelled. Any thread. */
  void cancelFromParent(Status status) {
    endFromTransport(status, stopped(status));
  }

  /**
   * Ends the call with {@code status} on this application thread, unless it has ended already, and
   * runs the end's observers here if no other thread has.
   */
  private void endHere(Status status, @Nullable AbortReason reason) {
    if (finishLocally(status, false, reason)) {
      reset(status);
    }
    observeEnd();
  }

  /** {@link #endHere}, running the observers with the interrupt flag clear and restoring it. */
  private void endHereKeepingInterrupt(Status status) {
    boolean interrupted = Thread.interrupted();
    try {
      endHere(status, stopped(status));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Ends the call with {@code status} from a transport thread (deadline, bad response, a cancelled
   * parent): no user code runs here; the application meets the end when it next waits.
   */
  private void endFromTransport(Status status, @Nullable AbortReason reason) {
    if (finishLocally(status, true, reason)) {
      reset(status);
    }
  }

  private void reset(Status status) {
    ClientTransportStream current = stream;
    if (current != null) {
      current.reset(status);
    }
  }

  private static StatusException asStatusException(@Nullable Throwable failure) {
    if (failure instanceof StatusException status) {
      return status.status().asException(status.trailers());
    }
    return Status.UNKNOWN.withCause(failure).asException();
  }

  private ByteBuf frame(Req message, boolean compress) {
    Req observed;
    try {
      observed = observers.onRequest(message);
    } catch (StatusException e) {
      // An interceptor ended the call: end it here too, so the server stops as well.
      endHere(e.status(), null);
      throw e;
    }
    boolean compressed = compress && !encoding.equals(Compression.IDENTITY);
    ByteBuf framed =
        MessageFramer.frame(
            method.requestCodec(), observed, transport.allocator(), encoding, compressed);
    Integer limit = callStart.methodConfig().maxRequestMessageBytes();
    int size = framed.readableBytes() - MessageFramer.PREFIX_SIZE;
    if (limit != null && size > limit) {
      framed.release();
      Status tooLarge =
          Status.RESOURCE_EXHAUSTED.withDescription(
              "the request to "
                  + method.fullName()
                  + " is "
                  + size
                  + " bytes, over the service config's maxRequestMessageBytes of "
                  + limit
                  + "; send smaller messages or raise the limit");
      endHere(tooLarge, null); // refused here: the stream is not aborted
      throw tooLarge.asException();
    }
    return framed;
  }

  /** Inflates a message that arrived compressed (released here); the limit applies inflated. */
  private ByteBuf inflate(ByteBuf message, boolean compressed) {
    return compressed
        ? Compression.decompress(message, maxInboundMessageSize, transport.allocator(), "response")
        : message;
  }

  /** Decodes and releases {@code message}; a codec failure is INTERNAL. */
  private Resp decode(ByteBuf message) {
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

  /** Shows the response headers to the observers once, if they have arrived. */
  private void observeHeaders() {
    Metadata headers = receivedHeaders;
    if (headers == null || observers.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (headersObserved) {
        return;
      }
      headersObserved = true;
    }
    observers.onResponseHeaders(headers);
  }

  /**
   * Runs the end of an ended call on this thread unless another thread has: for a call with one
   * response, decoding it, the observers and the result; otherwise the observers. Returns the
   * outcome the observers saw (an observer failing on response headers turns OK into its status).
   */
  private Status observeEnd() {
    Ending ending;
    synchronized (this) {
      ending = ended.getNow(null);
      if (ending == null || endObserved) {
        return ending == null ? Status.OK : ending.status();
      }
      endObserved = true;
    }
    UnaryResult<Resp> single = result;
    if (single != null) {
      return finishResult(ending, single);
    }
    Status outcome = ending.status();
    try {
      observeHeaders();
    } catch (StatusException e) {
      outcome = outcome.isOk() ? e.status() : outcome;
    }
    observers.onClose(outcome, ending.trailers());
    return outcome;
  }

  private Status finishResult(Ending ending, UnaryResult<Resp> single) {
    Status outcome = ending.status();
    ByteBuf response = ending.response();
    Resp value = null;
    try {
      observeHeaders();
      if (outcome.isOk()) {
        if (response == null) {
          throw Status.INTERNAL
              .withDescription(method.fullName() + ": no response message")
              .asException();
        }
        ByteBuf taken = response;
        response = null;
        value = observers.onResponse(decode(inflate(taken, ending.compressed())));
      }
    } catch (StatusException e) {
      outcome = outcome.isOk() ? e.status() : outcome;
      value = null;
    } finally {
      if (response != null) {
        response.release();
      }
    }
    // Interceptors see the outcome before the application can, so they never miss it.
    observers.onClose(outcome, ending.trailers());
    if (value != null) {
      single.deliver(value);
    } else {
      single.fail(outcome.asException(ending.trailers()));
    }
    return outcome;
  }

  private Metadata trailersOrEmpty() {
    Metadata received = trailers;
    return received == null ? new Metadata() : received;
  }

  private ClientTransportStream requireStream() {
    ClientTransportStream current = stream;
    if (current == null) {
      Status status = inbound.endStatus();
      throw (status != null ? status : Status.INTERNAL.withDescription("the call never started"))
          .asException();
    }
    return current;
  }

  // ---- transport thread ---------------------------------------------------------------------

  @Override
  public void onHeaders(Metadata headers, @Nullable String responseEncoding, InboundBudget budget) {
    String chosen;
    try {
      chosen = Compression.responseEncoding(responseEncoding);
    } catch (StatusException e) {
      endFromTransport(e.status(), AbortReason.PROTOCOL_ERROR);
      return;
    }
    inboundBudget = budget;
    inbound.useBudget(budget);
    deframer =
        new MessageDeframer(
            maxInboundMessageSize, chosen, transport.allocator(), budget, "response");
    receivedHeaders = headers;
    events.responseHeaders(headers);
    headersArrived.complete(headers);
  }

  @Override
  public boolean onData(ByteBuf data, boolean endOfStream) {
    MessageDeframer current = deframer;
    if (current == null || isClosed()) {
      data.release();
      if (current == null) {
        endFromTransport(
            Status.INTERNAL.withDescription("the server sent data before response headers"),
            AbortReason.PROTOCOL_ERROR);
      }
      return true;
    }
    try {
      current.deframe(data, this::onMessage);
      if (endOfStream) {
        current.endOfStream();
      }
    } catch (StatusException e) {
      endFromTransport(e.status(), AbortReason.PROTOCOL_ERROR);
    }
    return !inbound.isCreditWithheld();
  }

  /** A complete message, still compressed if it arrived so: the receiving thread inflates it. */
  private void onMessage(ByteBuf message) {
    boolean compressed = requireNonNull(deframer, "deframer").lastMessageCompressed();
    if (events != CallEvents.NONE) {
      long wireSize = message.readableBytes();
      wireBytesReceived += wireSize;
      events.messageReceived(wireSize, MessageSizes.size(message, compressed));
    }
    if (result == null) {
      inbound.add(message, compressed);
      return;
    }
    // One response per call, bounded by the message size limit: not held against the budget.
    inboundBudget.release(message.readableBytes());
    if (unaryResponse != null) {
      message.release();
      throw Status.INTERNAL
          .withDescription(method.fullName() + " returns one response; the server sent more")
          .asException();
    }
    unaryResponse = message;
    unaryResponseCompressed = compressed;
  }

  @Override
  public void onClose(Status status, Metadata receivedTrailers) {
    MessageDeframer current = deframer;
    if (current != null) {
      current.close();
    }
    ByteBuf response = unaryResponse;
    unaryResponse = null;
    if (response != null && !status.isOk()) {
      response.release();
      response = null;
    }
    Ending ending = new Ending(status, receivedTrailers, response, unaryResponseCompressed);
    if (!markClosed(ending)) {
      if (response != null) {
        response.release();
      }
      return;
    }
    report(ending, status.isOk() ? null : abortReason);
    end(ending, false, true);
  }

  @Override
  public void onAborted(AbortReason reason) {
    abortReason = reason;
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
    endFromTransport(deadlineExceeded(), AbortReason.DEADLINE_EXCEEDED);
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

  /**
   * Ends the call on this side, reporting the stream aborted for {@code reason} (null: it was not,
   * e.g. an interceptor refused the call); returns false if it had already ended.
   */
  private boolean finishLocally(Status status, boolean onTransport, @Nullable AbortReason reason) {
    Ending ending = new Ending(status, new Metadata(), null, false);
    if (!markClosed(ending)) {
      return false;
    }
    report(ending, reason);
    end(ending, true, onTransport);
    return true;
  }

  /** Records the first outcome; false if the call had ended already. */
  private synchronized boolean markClosed(Ending ending) {
    if (closed) {
      return false;
    }
    closed = true;
    trailers = ending.trailers();
    ended.complete(ending);
    return true;
  }

  /**
   * Why a wait that failed with {@code status} (an interrupt, a cancelled parent call) stops the
   * stream: its deadline, else a cancellation.
   */
  private static AbortReason stopped(Status status) {
    return status.code() == Status.Code.DEADLINE_EXCEEDED
        ? AbortReason.DEADLINE_EXCEEDED
        : AbortReason.CANCELLED;
  }

  /** Tells the listeners how the call ended: the attempt's end if it is ours, then the call's. */
  private void report(Ending ending, @Nullable AbortReason reason) {
    if (events == CallEvents.NONE) {
      return;
    }
    if (reason != null) {
      events.aborted(reason);
    }
    if (reportsAttempt) {
      events.attemptEnded(attempt, ending.status(), wireBytesSent, wireBytesReceived);
    }
    events.closed(ending.status(), ending.trailers());
  }

  private void end(Ending ending, boolean discardQueued, boolean onTransport) {
    LiveCalls.ended(this);
    ScheduledFuture<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    Runnable unregister = parentUnregister;
    if (unregister != null) {
      unregister.run();
    }
    Status status = ending.status();
    if (!status.isOk()) {
      outbound.fail(status);
    }
    inbound.finish(status, ending.trailers(), discardQueued);
    headersArrived.complete(new Metadata());
    if (onTransport && result != null && callbackExecutor != null) {
      runOnCallbackExecutor(callbackExecutor);
    }
  }

  /** Completes an async call's future off the transport thread, on the callback executor. */
  private void runOnCallbackExecutor(Executor executor) {
    Runnable task = this::observeEnd;
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      log.warn("the channel's callback executor refused a task; completing on a virtual thread", e);
      Thread.ofVirtual().name("trunk-callback").start(task);
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "ClientCall(" + method.fullName() + ")";
  }

  /**
   * The future result of a call with one response. Whoever settles it other than the call itself
   * ends the call, which nobody waits for any more: {@code cancel} cancels the future first (so it
   * reports {@link #isCancelled()}), then the call; {@code complete}, {@code completeExceptionally}
   * (also through {@code orTimeout} and {@code completeOnTimeout}) and the {@code obtrude} methods
   * cancel the call once they have settled the future. Futures derived from it ({@code thenApply},
   * ...) are plain {@link CompletableFuture}s: cancelling one does not reach the call.
   */
  static final class UnaryResult<Resp> extends CompletableFuture<Resp> {
    private final ClientCallImpl<?, Resp> call;

    UnaryResult(ClientCallImpl<?, Resp> call) {
      this.call = call;
    }

    /** Completes with the call's response. */
    void deliver(Resp value) {
      super.complete(value);
    }

    /** Completes with the call's failure. */
    void fail(StatusException failure) {
      super.completeExceptionally(failure);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      call.cancel();
      return cancelled;
    }

    @Override
    public boolean complete(Resp value) {
      boolean completed = super.complete(value);
      abandonCall();
      return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
      boolean completed = super.completeExceptionally(failure);
      abandonCall();
      return completed;
    }

    @Override
    public void obtrudeValue(Resp value) {
      super.obtrudeValue(value);
      abandonCall();
    }

    @Override
    public void obtrudeException(Throwable failure) {
      super.obtrudeException(failure);
      abandonCall();
    }

    private void abandonCall() {
      call.endHere(
          Status.CANCELLED.withDescription(
              "the application settled the call's future itself before the response arrived"),
          AbortReason.CANCELLED);
    }
  }
}
