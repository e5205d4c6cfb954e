package dev.trunk.internal.client;

import static java.util.Objects.requireNonNull;

import dev.trunk.EventListener;
import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.AttemptKind;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.client.config.HedgingPolicy;
import dev.trunk.internal.client.config.MethodConfig;
import dev.trunk.internal.client.config.RetryPolicy;
import dev.trunk.internal.client.config.ServiceConfig;
import dev.trunk.internal.wire.MessageSizes;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One call under a retry or hedging policy (gRFC A6): the call's {@link ClientTransportStream},
 * making the call's attempts on the channel's transport, each heard by its own {@link Attempt}.
 *
 * <p>Until the call commits to one attempt, every request message is kept (retained) in a replay
 * buffer and written to every attempt in flight, and a new attempt is sent the whole buffer. The
 * call commits, dropping the buffer, when an attempt receives response headers (A6: "When Retries
 * are Valid"), when the buffer would exceed {@link RetryingTransport#CALL_BUFFER_LIMIT} or the
 * channel's {@link RetryingTransport#CHANNEL_BUFFER_LIMIT}, or when the call ends or is reset. From
 * then on everything passes straight through.
 *
 * <p>Threads: the application writes and resets; each attempt reports on its transport thread;
 * retries and hedges start on transport timers. State is guarded by this object's monitor, which is
 * also held while starting and writing to attempts, so that each sees the writes in order. The
 * call's listener hears nothing under it but {@code onWritten}; an attempt ending inline while a
 * start or a write holds the monitor (a transport running it on the calling thread) is told to the
 * call once the monitor is released.
 */
final class RetriableStream implements ClientTransportStream {
  // What an attempt's grpc-retry-pushback-ms says besides a delay.
  private static final long NO_PUSHBACK = -1;
  private static final long STOP_RETRYING = -2;

  private static final Runnable NOTHING = () -> {};

  private static final Status LOST =
      Status.CANCELLED.withDescription(
          "the call went on with another of its attempts (gRFC A6 retry commit or hedging)");

  private final RetryingTransport owner;
  private final ClientTransport transport;
  private final CallStart call;
  private final ClientStreamListener listener;
  private final @Nullable RetryPolicy retryPolicy;
  private final @Nullable HedgingPolicy hedgingPolicy;
  // Retryable (retry policy) or non-fatal (hedging policy) status codes.
  private final Set<Status.Code> retryOn;
  private final int maxAttempts;
  private final @Nullable RetryThrottle throttle;
  // The listeners' view of the call, told of each attempt's start and end.
  private final CallEvents events;

  // Guarded by this.
  private final List<Attempt> inFlight = new ArrayList<>(2);
  private final List<ByteBuf> buffer = new ArrayList<>(2);
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>(1);
  private long bufferedBytes;
  private long reservedBytes; // of the channel's replay buffer
  private boolean halfClosed;
  private int started;
  private int numbered; // attempts reported to the listeners, transparent retries included
  private @Nullable ScheduledFuture<?> timer;
  private long timerId; // the task of an older, cancelled timer that still runs does nothing
  private double backoffCeilingNanos;
  private boolean noMoreAttempts;
  private boolean overflowed; // the buffer is full: the attempt in flight or the next one commits
  private boolean done; // the call has its outcome, or was reset
  private @Nullable Status lastFailure;
  private Metadata lastTrailers = new Metadata();
  private long reportedWritten;

  private volatile @Nullable Attempt committed;

  RetriableStream(
      RetryingTransport owner,
      CallStart call,
      ClientStreamListener listener,
      @Nullable RetryThrottle throttle) {
    this.owner = owner;
    this.transport = owner.delegate();
    this.call = call;
    this.listener = listener;
    this.events = listener.events();
    this.throttle = throttle;
    MethodConfig config = call.methodConfig();
    this.retryPolicy = config.retryPolicy();
    this.hedgingPolicy = retryPolicy == null ? requireNonNull(config.hedgingPolicy()) : null;
    int attempts;
    if (retryPolicy != null) {
      retryOn = retryPolicy.retryableStatusCodes();
      attempts = retryPolicy.maxAttempts();
      backoffCeilingNanos = retryPolicy.initialBackoff().toNanos();
    } else {
      retryOn = requireNonNull(hedgingPolicy).nonFatalStatusCodes();
      attempts = hedgingPolicy.maxAttempts();
    }
    this.maxAttempts = Math.min(attempts, ServiceConfig.MAX_ATTEMPTS);
  }

  /**
   * Starts the first attempt, as {@link ClientTransport#newStream}: {@code firstMessage}'s bytes
   * are already reserved in the channel's replay buffer; if the transport refuses the stream, this
   * throws with the message not taken and the reservation returned.
   */
  void start(@Nullable ByteBuf firstMessage, boolean endOfStream) {
    synchronized (this) {
      if (firstMessage != null) {
        buffer.add(firstMessage);
        bufferedBytes = reservedBytes = firstMessage.readableBytes();
      }
      halfClosed = endOfStream;
      Attempt first = new Attempt(started++);
      inFlight.add(first);
      first.count(firstMessage);
      events.attemptRequestHeaders(first.reported, call.metadata());
      try {
        first.stream = transport.newStream(call, duplicate(firstMessage), endOfStream, first);
      } catch (RuntimeException e) {
        if (firstMessage != null) {
          firstMessage.release(); // the duplicate's reference; the caller keeps the message
        }
        buffer.clear();
        owner.release(reservedBytes);
        first.refused(e);
        throw e;
      }
      scheduleHedge();
    }
    runDeferred();
  }

  /** How many attempts this call has started so far: the first, its retries and its hedges. */
  synchronized int attempts() {
    return started;
  }

  // ---- the call's side ------------------------------------------------------------------------

  @Override
  public void write(@Nullable ByteBuf message, boolean endOfStream) {
    Runnable after = NOTHING;
    synchronized (this) {
      Attempt winner = committed;
      if (winner != null) {
        winner.send(message, endOfStream);
      } else if (done) {
        if (message != null) {
          message.release();
        }
      } else {
        halfClosed |= endOfStream;
        if (message != null && !keep(message)) {
          after = overflow(message, endOfStream);
        } else {
          for (Attempt attempt : inFlight) {
            attempt.send(duplicate(message), endOfStream);
          }
        }
      }
    }
    after.run();
    runDeferred();
  }

  @Override
  public void reset(Status reason) {
    List<Attempt> attempts;
    synchronized (this) {
      done = true;
      noMoreAttempts = true;
      cancelTimer();
      releaseBuffer();
      attempts = abandonAll();
      Attempt winner = committed;
      if (winner != null && !winner.abandoned) {
        winner.abandoned = true;
        attempts.add(winner);
      }
    }
    for (Attempt attempt : attempts) {
      attempt.reset(reason);
    }
  }

  @Override
  public void returnCredit() {
    Attempt winner = committed; // only a committed attempt receives messages
    if (winner != null) {
      winner.stream().returnCredit();
    }
  }

  // ---- starting attempts (lock held unless said) -----------------------------------------------

  /** Timer task: starts the retry or hedge {@code id} is for, unless it is no longer wanted. */
  private void startNext(long id) {
    Runnable after = NOTHING;
    synchronized (this) {
      if (id != timerId) {
        return;
      }
      timer = null;
      if (done || committed != null || started >= maxAttempts) {
        return;
      }
      if (hedgingPolicy != null && throttled()) {
        // A6: a throttled hedge is not sent; the call fails once no attempt is left in flight.
        noMoreAttempts = true;
        after = inFlight.isEmpty() ? finish(requireNonNull(lastFailure), lastTrailers) : NOTHING;
      } else if (hedgingPolicy == null || !noMoreAttempts) {
        after = startAttempt();
      }
    }
    after.run();
    runDeferred();
  }

  /** Starts one more attempt and sends it everything buffered. */
  private Runnable startAttempt() {
    Attempt attempt = new Attempt(started++);
    inFlight.add(attempt);
    ByteBuf first = duplicate(buffer.isEmpty() ? null : buffer.get(0));
    attempt.count(first);
    CallStart attemptCall = attemptCall(attempt.index);
    events.attemptRequestHeaders(attempt.reported, attemptCall.metadata());
    ClientTransportStream stream;
    try {
      stream = transport.newStream(attemptCall, first, halfClosed && buffer.size() <= 1, attempt);
    } catch (RuntimeException e) {
      // The transport refuses new streams (e.g. the channel is closed): that ends the call.
      if (first != null) {
        first.release(); // not taken
      }
      inFlight.remove(attempt);
      attempt.closed = true;
      attempt.refused(e);
      return finish(refusal(e), new Metadata());
    }
    attempt.stream = stream;
    if (attempt.closed) {
      return NOTHING; // it ended inline, and that was handled
    }
    for (int i = 1; i < buffer.size(); i++) {
      attempt.send(buffer.get(i).retainedDuplicate(), halfClosed && i == buffer.size() - 1);
    }
    if (overflowed) {
      return cancel(commit(attempt));
    }
    scheduleHedge();
    return NOTHING;
  }

  /** This call's request for attempt {@code index}: from the second on, with its number (A6). */
  private CallStart attemptCall(int index) {
    if (index == 0) {
      return call;
    }
    Metadata metadata = new Metadata(call.metadata());
    metadata.removeAll(Metadata.PREVIOUS_RPC_ATTEMPTS);
    metadata.add(Metadata.PREVIOUS_RPC_ATTEMPTS, Integer.toString(index));
    return call.withMetadata(metadata);
  }

  private static Status refusal(RuntimeException e) {
    if (e instanceof StatusException failure) {
      return failure.status();
    }
    return Status.UNAVAILABLE.withDescription("cannot start an attempt: " + e).withCause(e);
  }

  /** Hedging: the next hedge goes {@code hedgingDelay} after this one (A6), while any may. */
  private void scheduleHedge() {
    HedgingPolicy policy = hedgingPolicy;
    if (policy != null && timer == null && !noMoreAttempts && started < maxAttempts) {
      schedule(policy.hedgingDelay().toNanos());
    }
  }

  private void schedule(long delayNanos) {
    cancelTimer();
    long id = timerId;
    timer = transport.schedule(() -> startNext(id), delayNanos);
  }

  private void cancelTimer() {
    timerId++;
    ScheduledFuture<?> pending = timer;
    timer = null;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  // ---- the replay buffer and commit (lock held) ------------------------------------------------

  /** Keeps {@code message} for replay; false if that would exceed the call's or channel's limit. */
  private boolean keep(ByteBuf message) {
    int size = message.readableBytes();
    if (bufferedBytes + size > RetryingTransport.CALL_BUFFER_LIMIT || !owner.reserve(size)) {
      return false;
    }
    buffer.add(message);
    bufferedBytes += size;
    reservedBytes += size;
    return true;
  }

  /**
   * A6 "Memory Management": a message that does not fit commits the call to the attempt in flight
   * (hedging: the oldest, which has been sent as much as any), or to the next one if none is.
   */
  private Runnable overflow(ByteBuf message, boolean endOfStream) {
    overflowed = true;
    if (inFlight.isEmpty()) {
      buffer.add(message); // replayed to the next attempt, which then commits
      return NOTHING;
    }
    Attempt oldest = inFlight.get(0);
    List<Attempt> losers = commit(oldest);
    oldest.send(message, endOfStream);
    return cancel(losers);
  }

  /** Makes {@code winner} the call's only attempt; returns the others, to cancel. */
  private List<Attempt> commit(Attempt winner) {
    committed = winner;
    noMoreAttempts = true;
    cancelTimer();
    releaseBuffer();
    inFlight.remove(winner);
    return abandonAll();
  }

  /** Ends the call with {@code status}: cancels what is in flight, then tells the call. */
  private Runnable finish(Status status, Metadata trailers) {
    done = true;
    noMoreAttempts = true;
    cancelTimer();
    releaseBuffer();
    List<Attempt> others = abandonAll();
    return () -> {
      cancel(others).run();
      listener.onClose(status, trailers);
    };
  }

  private List<Attempt> abandonAll() {
    List<Attempt> abandoned = new ArrayList<>(inFlight);
    inFlight.clear();
    for (Attempt attempt : abandoned) {
      attempt.abandoned = true;
    }
    return abandoned;
  }

  private static Runnable cancel(List<Attempt> losers) {
    if (losers.isEmpty()) {
      return NOTHING;
    }
    return () -> losers.forEach(loser -> loser.reset(LOST));
  }

  private void releaseBuffer() {
    buffer.forEach(ByteBuf::release);
    buffer.clear();
    owner.release(reservedBytes);
    reservedBytes = 0;
    bufferedBytes = 0;
  }

  private static @Nullable ByteBuf duplicate(@Nullable ByteBuf message) {
    return message == null ? null : message.retainedDuplicate();
  }

  // ---- an attempt ended (lock held) ------------------------------------------------------------

  private Runnable attemptClosed(Attempt attempt, Status status, Metadata trailers) {
    attempt.closed = true;
    if (attempt.abandoned) {
      return NOTHING; // cancelled by this call, which has its outcome elsewhere
    }
    long pushback = pushback(trailers);
    count(status, pushback);
    if (committed == attempt) {
      done = true;
      return () -> listener.onClose(status, trailers);
    }
    inFlight.remove(attempt);
    if (status.isOk() || !retryOn.contains(status.code())) {
      return finish(status, trailers); // a response, or a fatal status
    }
    return hedgingPolicy != null
        ? hedgeFailed(status, trailers, pushback)
        : retryFailed(status, trailers, pushback);
  }

  /** A6 retry policy: retry after a random backoff or the server's pushback, while allowed. */
  private Runnable retryFailed(Status status, Metadata trailers, long pushback) {
    if (pushback == STOP_RETRYING || overflowed || started >= maxAttempts || throttled()) {
      return finish(status, trailers);
    }
    RetryPolicy policy = requireNonNull(retryPolicy);
    if (pushback >= 0) {
      // A6: retry in exactly that time; a later retry's backoff starts over from initialBackoff.
      backoffCeilingNanos = policy.initialBackoff().toNanos();
      schedule(TimeUnit.MILLISECONDS.toNanos(pushback));
    } else {
      schedule(nextBackoff(policy));
    }
    return NOTHING;
  }

  /** Uniformly in [0, min(initialBackoff * multiplier^(n-1), maxBackoff)) for the n-th retry. */
  private long nextBackoff(RetryPolicy policy) {
    long maxNanos = policy.maxBackoff().toNanos();
    long bound = (long) Math.min(backoffCeilingNanos, maxNanos);
    backoffCeilingNanos = Math.min(backoffCeilingNanos * policy.backoffMultiplier(), maxNanos);
    return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
  }

  /**
   * A6 hedging policy, non-fatal status: the next hedge goes at once (or after the server's
   * pushback), those after it every hedgingDelay; pushback saying stop sends none. The call fails
   * with this status once nothing is in flight and no hedge is coming.
   */
  private Runnable hedgeFailed(Status status, Metadata trailers, long pushback) {
    lastFailure = status;
    lastTrailers = trailers;
    if (pushback == STOP_RETRYING) {
      noMoreAttempts = true;
      cancelTimer();
    } else if (!noMoreAttempts && started < maxAttempts) {
      schedule(pushback >= 0 ? TimeUnit.MILLISECONDS.toNanos(pushback) : 0);
    }
    return inFlight.isEmpty() && timer == null ? finish(status, trailers) : NOTHING;
  }

  /**
   * The retry budget (A6): a success refills it; a failure with a retryable or non-fatal status, or
   * pushback saying not to retry, drains it.
   */
  private void count(Status status, long pushback) {
    RetryThrottle budget = throttle;
    if (budget == null) {
      return;
    }
    if (status.isOk()) {
      budget.onSuccess();
    } else if (retryOn.contains(status.code()) || pushback == STOP_RETRYING) {
      budget.onFailure();
    }
  }

  private boolean throttled() {
    RetryThrottle budget = throttle;
    return budget != null && !budget.allowsRetry();
  }

  /**
   * The server's grpc-retry-pushback-ms (A6): a delay in milliseconds, {@link #NO_PUSHBACK}, or
   * {@link #STOP_RETRYING} for a negative or malformed value.
   */
  private static long pushback(Metadata trailers) {
    String value = trailers.get(Metadata.RETRY_PUSHBACK_MS);
    if (value == null) {
      return NO_PUSHBACK;
    }
    try {
      int millis = Integer.parseInt(value);
      return millis < 0 ? STOP_RETRYING : millis;
    } catch (NumberFormatException e) {
      return STOP_RETRYING;
    }
  }

  // ---- telling the call ----------------------------------------------------------------------

  /** Runs {@code action} now, or, if this thread holds the monitor, once it is released. */
  private void runAfter(Runnable action) {
    if (action == NOTHING) {
      return;
    }
    if (Thread.holdsLock(this)) {
      deferred.add(action);
      return;
    }
    action.run();
  }

  /** Runs what attempts ending inline left for after the monitor; call without holding it. */
  private void runDeferred() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = deferred.poll();
      }
      if (next == null) {
        return;
      }
      next.run();
    }
  }

  /** Why attempt {@code index} (from 0) is made, as gRFC A6 names it. */
  private AttemptKind kind(int index) {
    if (index == 0) {
      return AttemptKind.FIRST;
    }
    return hedgingPolicy != null ? AttemptKind.HEDGE : AttemptKind.RETRY;
  }

  /** One attempt: its stream on the transport, and the listener of its events. */
  private final class Attempt implements ClientStreamListener {
    final int index;
    // Set once, under the monitor, right after the transport made it.
    @Nullable ClientTransportStream stream;
    // Guarded by the monitor.
    long written;
    boolean closed;
    boolean abandoned;
    // The attempt as listeners see it (replaced by a transparent retry); the wire bytes of the
    // messages it was sent (no prefix, compressed if so).
    EventListener.Attempt reported;
    long wireSent;
    // Transport thread only: why the stream ended abnormally, if it did.
    @Nullable AbortReason abortReason;

    Attempt(int index) {
      this.index = index;
      this.reported = new EventListener.Attempt(++numbered, kind(index));
      events.attemptStarted(reported);
    }

    ClientTransportStream stream() {
      return requireNonNull(stream, "the attempt has no stream yet");
    }

    /** Writes a framed message (or just the half-close) to this attempt, counting its bytes. */
    void send(@Nullable ByteBuf message, boolean endOfStream) {
      count(message);
      stream().write(message, endOfStream);
    }

    void count(@Nullable ByteBuf message) {
      if (message != null) {
        wireSent += MessageSizes.wireSize(message);
      }
    }

    /** The transport refused to start this attempt: it ended at once. */
    void refused(RuntimeException e) {
      events.attemptEnded(reported, refusal(e), wireSent, 0);
    }

    /**
     * Response bytes this attempt received: those the call took, if this is the attempt it took
     * them from (only a committed attempt passes messages on), else none.
     */
    private long received() {
      return committed == this ? listener.wireBytesReceived() : 0;
    }

    void reset(Status reason) {
      ClientTransportStream current = stream;
      if (current != null) {
        current.reset(reason);
      }
    }

    @Override
    public void onHeaders(Metadata headers, @Nullable String encoding, InboundBudget budget) {
      Runnable losers = NOTHING;
      synchronized (RetriableStream.this) {
        if (committed != this) {
          if (abandoned || committed != null || done) {
            return; // lost to another attempt: it is being cancelled
          }
          losers = cancel(commit(this)); // A6: an attempt that received headers is committed
        }
      }
      losers.run();
      listener.onHeaders(headers, encoding, budget);
    }

    @Override
    public boolean onData(ByteBuf data, boolean endOfStream) {
      if (committed != this) {
        Runnable losers;
        synchronized (RetriableStream.this) {
          if (abandoned || committed != null || done) {
            data.release();
            return true;
          }
          // Data before headers: the call sees it, and fails, on this attempt.
          losers = cancel(commit(this));
        }
        losers.run();
      }
      return listener.onData(data, endOfStream);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      Runnable after;
      synchronized (RetriableStream.this) {
        events.attemptEnded(reported, status, wireSent, received());
        after = attemptClosed(this, status, trailers);
      }
      AbortReason reason = abortReason;
      if (after != NOTHING && reason != null) {
        // This attempt's end is the call's: so is the reason it was aborted.
        Runnable close = after;
        after =
            () -> {
              listener.onAborted(reason);
              close.run();
            };
      }
      runAfter(after);
    }

    @Override
    public void onAborted(AbortReason reason) {
      abortReason = reason;
    }

    @Override
    public void onTransparentRetry(Status refusal) {
      synchronized (RetriableStream.this) {
        events.attemptEnded(reported, refusal, wireSent, received());
        reported = new EventListener.Attempt(++numbered, AttemptKind.TRANSPARENT);
        events.attemptStarted(reported);
      }
    }

    /**
     * Every attempt writes the same messages in the same order: the call hears of bytes once, when
     * the first attempt to write them does.
     */
    @Override
    public void onWritten(int bytes) {
      long newlyWritten;
      synchronized (RetriableStream.this) {
        written += bytes;
        newlyWritten = written - reportedWritten;
        if (newlyWritten <= 0) {
          return;
        }
        reportedWritten = written;
      }
      listener.onWritten((int) newlyWritten);
    }
  }
}
