package dev.trunk.internal.inprocess;

import dev.trunk.Status;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransport;
import dev.trunk.internal.client.ClientTransportStream;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A server reachable only from the same JVM: its client transports hand framed messages straight to
 * {@link dev.trunk.internal.server.ServerCallImpl}s. One thread, the transport thread, runs every
 * stream event of both sides, as an event loop does for a socket connection; handlers run on
 * virtual threads exactly as behind the Netty transport.
 */
public final class InProcessServerTransport {
  private final String name;
  private final ServerConfig config;
  private final MethodRegistry registry;
  private final EventExecutor executor;
  private final Set<InProcessStream> streams = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ended = lock.newCondition();
  private volatile boolean shutdown;

  public InProcessServerTransport(String name, ServerConfig config) {
    this.name = name;
    this.config = config;
    this.registry =
        new MethodRegistry(
            config.interceptors(),
            config.services(),
            config.nonBlockingServices(),
            config.interruptibleServices(),
            config.ignoreUnknownJsonFields(),
            config.events());
    this.executor = new DefaultEventExecutor(new DefaultThreadFactory("trunk-inprocess", true));
  }

  /** A client transport whose streams reach this server. */
  public ClientTransport newClientTransport() {
    return new Client();
  }

  /** Refuses new calls; cancels the calls still running after the grace period. */
  public void shutdown() {
    shutdown = true;
    signalEnded();
    executor.schedule(
        this::shutdownNow, config.shutdownGracePeriod().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Refuses new calls and cancels every running call. */
  public void shutdownNow() {
    shutdown = true;
    signalEnded();
    Status status = Status.UNAVAILABLE.withDescription("the server is shutting down");
    for (InProcessStream stream : new ArrayList<>(streams)) {
      stream.abort(status);
    }
  }

  /**
   * Waits until the server is shut down, every call has ended and every handler has returned; false
   * if {@code nanos} passed.
   */
  public boolean awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    lock.lock();
    try {
      long left = nanos;
      while (!streams.isEmpty() || !shutdown) {
        if (left <= 0) {
          return false;
        }
        left = ended.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
    return registry.running().awaitIdle(deadline - System.nanoTime());
  }

  void removed(InProcessStream stream) {
    streams.remove(stream);
    signalEnded();
  }

  private void signalEnded() {
    lock.lock();
    try {
      ended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private final class Client implements ClientTransport {
    private final List<InProcessStream> mine = new ArrayList<>();
    private volatile boolean closed;

    @Override
    public ClientTransportStream newStream(
        CallStart call,
        @Nullable ByteBuf firstMessage,
        boolean endOfStream,
        ClientStreamListener listener) {
      InProcessStream stream =
          new InProcessStream(
              InProcessServerTransport.this,
              executor,
              listener,
              new InProcessAddress(name),
              config.maxInboundMessageSize());
      if (shutdown || closed) {
        String what = closed ? "the channel" : "the in-process server " + name;
        stream.refuse(Status.UNAVAILABLE.withDescription(what + " is shut down"), firstMessage);
        return stream.clientSide();
      }
      streams.add(stream);
      synchronized (mine) {
        mine.removeIf(InProcessStream::isDone);
        mine.add(stream);
      }
      stream.start(
          registry,
          call.method(),
          call.metadata(),
          call.timeoutNanos(),
          call.encoding(),
          firstMessage,
          endOfStream);
      return stream.clientSide();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long nanos) {
      return executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public ByteBufAllocator allocator() {
      return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void shutdown() {
      // Nothing to close: calls in progress finish on their own; new ones are refused.
      closed = true;
    }

    @Override
    public void shutdownNow() {
      closed = true;
      List<InProcessStream> open;
      synchronized (mine) {
        open = new ArrayList<>(mine);
        mine.clear();
      }
      Status status = Status.CANCELLED.withDescription("the channel was shut down");
      open.forEach(stream -> stream.abort(status));
    }
  }
}
