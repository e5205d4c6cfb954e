package dev.trunk.internal.client;

import dev.trunk.internal.client.config.MethodConfig;
import dev.trunk.internal.client.config.RetryThrottling;
import dev.trunk.internal.client.config.ServiceConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Retries and hedging (gRFC A6) in front of a channel's transport: a call whose method config has a
 * {@code retryPolicy} or {@code hedgingPolicy} becomes a {@link RetriableStream} that makes
 * attempts on the wrapped transport; every other call goes straight through. Holds the channel's
 * retry budget ({@code retryThrottling}) and its share of the replay buffers. Thread-safe.
 *
 * <pre>{@code
 * ClientTransport transport = new RetryingTransport(new NettyClientTransport(config), serviceConfig);
 * }</pre>
 */
public final class RetryingTransport implements ClientTransport {
  /**
   * Bytes of request messages one call keeps to replay on a retry or hedge (A6
   * per_rpc_buffer_limit_in_bytes); a call that sends more commits to its current attempt. 1 MiB,
   * as grpc-java.
   */
  static final int CALL_BUFFER_LIMIT = 1024 * 1024;

  /**
   * Bytes of request messages all calls of a channel keep for replay together (A6
   * retry_buffer_size_in_bytes); a call that finds it full commits to its current attempt. 16 MiB,
   * as grpc-java.
   */
  static final long CHANNEL_BUFFER_LIMIT = 16L * 1024 * 1024;

  private final ClientTransport delegate;
  private final Supplier<ServiceConfig> serviceConfig;
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicReference<@Nullable RetryThrottle> throttle = new AtomicReference<>();

  /**
   * Retries calls on {@code delegate} by the policies of their method config, with the retry budget
   * of the service config {@code serviceConfig} returns when each retriable call starts.
   */
  public RetryingTransport(ClientTransport delegate, Supplier<ServiceConfig> serviceConfig) {
    this.delegate = delegate;
    this.serviceConfig = serviceConfig;
  }

  @Override
  public ClientTransportStream newStream(
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener) {
    MethodConfig methodConfig = call.methodConfig();
    if (methodConfig.retryPolicy() == null && methodConfig.hedgingPolicy() == null) {
      return delegate.newStream(call, firstMessage, endOfStream, listener);
    }
    int size = firstMessage == null ? 0 : firstMessage.readableBytes();
    if (size > CALL_BUFFER_LIMIT || !reserve(size)) {
      // Too big to keep: the call is committed to its one attempt from the start (A6).
      listener.onSingleAttempt(call.metadata());
      return delegate.newStream(call, firstMessage, endOfStream, listener);
    }
    RetriableStream stream = new RetriableStream(this, call, listener, throttle());
    stream.start(firstMessage, endOfStream);
    return stream;
  }

  /** The wrapped transport, on which attempts run. */
  ClientTransport delegate() {
    return delegate;
  }

  /** Takes {@code bytes} of the channel's replay buffer; false if it has no room for them. */
  boolean reserve(long bytes) {
    long now;
    do {
      now = buffered.get();
      if (now + bytes > CHANNEL_BUFFER_LIMIT) {
        return false;
      }
    } while (!buffered.compareAndSet(now, now + bytes));
    return true;
  }

  /** Gives back {@code bytes} of the channel's replay buffer. */
  void release(long bytes) {
    buffered.addAndGet(-bytes);
  }

  /**
   * The retry budget of the current service config, or null without {@code retryThrottling}. The
   * bucket is kept while the config stays the same and replaced, full, when it changes.
   */
  private @Nullable RetryThrottle throttle() {
    RetryThrottling wanted = serviceConfig.get().retryThrottling();
    RetryThrottle current = throttle.get();
    if (wanted == null || (current != null && current.config().equals(wanted))) {
      return wanted == null ? null : current;
    }
    RetryThrottle fresh = new RetryThrottle(wanted);
    return throttle.compareAndSet(current, fresh) ? fresh : throttle.get();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return delegate.schedule(task, nanos);
  }

  @Override
  public ByteBufAllocator allocator() {
    return delegate.allocator();
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public void shutdownNow() {
    delegate.shutdownNow();
  }
}
