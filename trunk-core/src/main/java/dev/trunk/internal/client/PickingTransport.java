package dev.trunk.internal.client;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.spi.PickInfo;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import dev.trunk.spi.Subchannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The channel's data path: asks the balancer's newest {@link Picker} where each call attempt goes
 * and opens its stream on that subchannel. An attempt the picker cannot place yet (no READY
 * subchannel; or connecting failed and the call waits for ready) waits here, its writes held, and
 * is picked again with every new picker until it is placed, its deadline passes or it is cancelled.
 * Picking runs on the thread that starts the attempt, and on the control context for waiting ones.
 */
final class PickingTransport implements ClientTransport {
  private final ChannelCore core;
  private final ScheduledExecutorService scheduler;
  private final int maxWaitingCalls;
  private volatile Picker picker = info -> PickResult.waiting();
  private final Set<PendingStream> waiting = new LinkedHashSet<>(); // guarded by this
  private @Nullable Status shutdown; // guarded by this

  PickingTransport(ChannelCore core, ScheduledExecutorService scheduler, int maxWaitingCalls) {
    this.core = core;
    this.scheduler = scheduler;
    this.maxWaitingCalls = maxWaitingCalls;
  }

  @Override
  public ClientTransportStream newStream(
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener) {
    core.callStarted();
    ClientStreamListener tracked = new EndTracker(listener, core);
    PickInfo info =
        new PickInfo(call.method(), call.metadata(), ThreadLocalRandom.current().nextLong());
    Picker used = picker;
    PickResult result = used.pick(info);
    try {
      Subchannel chosen = result.subchannel();
      if (chosen != null) {
        return open(chosen, result, call, firstMessage, endOfStream, tracked);
      }
      if (fails(result, call)) {
        throw result.status().asException();
      }
      PendingStream pending =
          enqueue(new PendingStream(call, info, firstMessage, endOfStream, tracked));
      // A picker published between the pick above and the enqueue would have missed this call.
      if (picker != used) {
        core.execute(() -> repick(pending, picker));
      }
      return pending;
    } catch (RuntimeException e) {
      core.callEnded(); // the caller still owns the message and ends the call
      throw e;
    }
  }

  private synchronized PendingStream enqueue(PendingStream pending) {
    Status closed = shutdown;
    if (closed != null) {
      throw closed.asException();
    }
    if (waiting.size() >= maxWaitingCalls) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              maxWaitingCalls
                  + " calls already wait for a connection to "
                  + core.target()
                  + " (Channel.Builder.maxWaitingCalls)")
          .asException();
    }
    waiting.add(pending);
    return pending;
  }

  /** Whether a result that placed no call fails it now. */
  private static boolean fails(PickResult result, CallStart call) {
    if (result.status().isOk()) {
      return false;
    }
    return result.isDrop() || !call.waitForReady();
  }

  /** Opens the attempt's stream on the chosen subchannel. */
  private static ClientTransportStream open(
      Subchannel chosen,
      PickResult result,
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener) {
    Consumer<Status> onDone = result.onDone();
    ClientStreamListener heard = onDone == null ? listener : new DoneNotifier(listener, onDone);
    return ((SubchannelImpl) chosen).transport().newStream(call, firstMessage, endOfStream, heard);
  }

  /** Publishes a new picker and picks again for every waiting call. Control context. */
  void updatePicker(Picker next) {
    picker = next;
    List<PendingStream> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(waiting);
    }
    for (PendingStream pending : snapshot) {
      repick(pending, next);
    }
  }

  private void repick(PendingStream pending, Picker with) {
    PickResult result = with.pick(pending.info);
    Subchannel chosen = result.subchannel();
    if (chosen == null && !fails(result, pending.call)) {
      return;
    }
    synchronized (this) {
      if (!waiting.remove(pending)) {
        return; // placed or ended meanwhile
      }
    }
    if (chosen != null) {
      pending.place(chosen, result);
    } else {
      pending.fail(result.status());
    }
  }

  private synchronized void forget(PendingStream pending) {
    waiting.remove(pending);
  }

  /** Fails every waiting call with {@code status}, and every later one. */
  void shutdown(Status status) {
    List<PendingStream> snapshot;
    synchronized (this) {
      shutdown = status;
      snapshot = new ArrayList<>(waiting);
      waiting.clear();
    }
    snapshot.forEach(pending -> pending.fail(status));
  }

  /**
   * An attempt no subchannel took yet: holds its writes, in order, until it is placed (then they go
   * to the real stream) or ends (then they are released). Thread-safe.
   */
  private final class PendingStream implements ClientTransportStream {
    private final CallStart call;
    private final PickInfo info;
    private final ClientStreamListener listener;
    // Guarded by this.
    private @Nullable ByteBuf firstMessage;
    private final boolean firstEnd;
    private final ArrayDeque<Write> writes = new ArrayDeque<>();
    private @Nullable ClientTransportStream real;
    private boolean done;

    PendingStream(
        CallStart call,
        PickInfo info,
        @Nullable ByteBuf firstMessage,
        boolean firstEnd,
        ClientStreamListener listener) {
      this.call = call;
      this.info = info;
      this.firstMessage = firstMessage;
      this.firstEnd = firstEnd;
      this.listener = listener;
    }

    @Override
    public synchronized void write(@Nullable ByteBuf message, boolean endOfStream) {
      ClientTransportStream placed = real;
      if (placed != null) {
        placed.write(message, endOfStream);
      } else if (done) {
        release(message);
      } else {
        writes.add(new Write(message, endOfStream));
      }
    }

    @Override
    public void reset(Status reason) {
      ClientTransportStream placed;
      synchronized (this) {
        placed = real;
        if (placed == null && done) {
          return;
        }
        done = true;
      }
      if (placed != null) {
        placed.reset(reason);
        return;
      }
      forget(this);
      end(reason);
    }

    @Override
    public synchronized void returnCredit() {
      ClientTransportStream placed = real;
      if (placed != null) {
        placed.returnCredit();
      }
    }

    /** Opens the real stream on {@code chosen} and sends what was held. */
    void place(Subchannel chosen, PickResult result) {
      Status failure;
      synchronized (this) {
        if (done) {
          return;
        }
        ByteBuf first = firstMessage;
        firstMessage = null;
        try {
          ClientTransportStream placed = open(chosen, result, call, first, firstEnd, listener);
          real = placed;
          Write held;
          while ((held = writes.poll()) != null) {
            placed.write(held.message, held.endOfStream);
          }
          return;
        } catch (StatusException e) {
          failure = e.status();
        } catch (RuntimeException e) {
          failure = Status.UNAVAILABLE.withDescription("cannot start the call: " + e).withCause(e);
        }
        release(first); // not taken: the transport threw
        done = true;
      }
      end(failure);
    }

    /** Ends the attempt with {@code status} unless it was placed or ended. */
    void fail(Status status) {
      synchronized (this) {
        if (real != null || done) {
          return;
        }
        done = true;
      }
      end(status);
    }

    private void end(Status status) {
      synchronized (this) {
        release(firstMessage);
        firstMessage = null;
        Write held;
        while ((held = writes.poll()) != null) {
          release(held.message);
        }
      }
      listener.onClose(status, new Metadata());
    }
  }

  private record Write(@Nullable ByteBuf message, boolean endOfStream) {}

  private static void release(@Nullable ByteBuf message) {
    if (message != null) {
      message.release();
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public ByteBufAllocator allocator() {
    return ByteBufAllocator.DEFAULT;
  }

  @Override
  public void shutdown() {
    core.shutdown(false);
  }

  @Override
  public void shutdownNow() {
    core.shutdown(true);
  }

  /** Tells the channel when a call's attempt ended, for idle mode. Once. */
  private static final class EndTracker extends ForwardingListener {
    private final ChannelCore core;
    private final AtomicBoolean ended = new AtomicBoolean();

    EndTracker(ClientStreamListener delegate, ChannelCore core) {
      super(delegate);
      this.core = core;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (ended.compareAndSet(false, true)) {
        core.callEnded();
      }
      super.onClose(status, trailers);
    }
  }

  /** Runs a pick's end callback when the attempt on the subchannel ends. */
  private static final class DoneNotifier extends ForwardingListener {
    private final Consumer<Status> onDone;

    DoneNotifier(ClientStreamListener delegate, Consumer<Status> onDone) {
      super(delegate);
      this.onDone = onDone;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      onDone.accept(status);
      super.onClose(status, trailers);
    }
  }
}
