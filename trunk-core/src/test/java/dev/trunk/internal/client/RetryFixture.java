package dev.trunk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import dev.trunk.CallContext;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StreamReceiver;
import dev.trunk.internal.LiveCalls;
import dev.trunk.internal.client.config.HedgingPolicy;
import dev.trunk.internal.client.config.MethodConfig;
import dev.trunk.internal.client.config.RetryPolicy;
import dev.trunk.internal.client.config.RetryThrottling;
import dev.trunk.internal.client.config.ServiceConfig;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * A real server whose methods fail the attempts a test chooses, recording each attempt's {@code
 * grpc-previous-rpc-attempts}, and channels to it with a given method config, whose request buffers
 * are tracked so that a test can check that every one was released.
 */
final class RetryFixture {
  static final String SERVICE = "trunk.test.Retry";
  static final Codec<StringValue> STRING = Codec.protobuf(StringValue.getDefaultInstance());
  static final Codec<BytesValue> BYTES = Codec.protobuf(BytesValue.getDefaultInstance());

  static final MethodDescriptor<StringValue, StringValue> UNARY =
      MethodDescriptor.of(SERVICE, "Unary", MethodDescriptor.Type.UNARY, STRING, STRING);

  /** Joins the requests it received with ","; fails (as chosen) only after reading them all. */
  static final MethodDescriptor<BytesValue, StringValue> COLLECT =
      MethodDescriptor.of(
          SERVICE, "Collect", MethodDescriptor.Type.CLIENT_STREAMING, BYTES, STRING);

  /** Fails (as chosen) at once, before reading any request, then joins them as COLLECT. */
  static final MethodDescriptor<BytesValue, StringValue> COLLECT_EAGER =
      MethodDescriptor.of(
          SERVICE, "CollectEager", MethodDescriptor.Type.CLIENT_STREAMING, BYTES, STRING);

  /** Sends response headers, waits for {@link #failStream}, then fails as chosen. */
  static final MethodDescriptor<StringValue, StringValue> STREAM =
      MethodDescriptor.of(
          SERVICE, "Stream", MethodDescriptor.Type.SERVER_STREAMING, STRING, STRING);

  /** How long a test waits for something that should happen at once. */
  static final long WAIT_SECONDS = 10;

  /** How long buffers may take to be released after the channel closed. */
  private static final long RELEASE_GRACE_MILLIS = 2_000;

  /** The status attempt n (0 for the first) fails with, or null to answer. */
  volatile IntFunction<@Nullable Status> failure = attempt -> null;

  /** How long attempt n waits (ending early if cancelled) before it fails or answers. */
  volatile IntFunction<Duration> delay = attempt -> Duration.ZERO;

  /** The grpc-retry-pushback-ms a failing attempt sends, or null for none. */
  volatile @Nullable String pushback;

  /** Each attempt's grpc-previous-rpc-attempts, in arrival order ("none" when absent). */
  final List<String> previousAttempts = Collections.synchronizedList(new ArrayList<>());

  /** When each attempt arrived (System.nanoTime), in arrival order. */
  final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());

  /** The attempts that saw their call cancelled while they waited. */
  final List<Integer> cancelled = Collections.synchronizedList(new ArrayList<>());

  /** What each attempt of a streaming call received, joined with ",". */
  final List<String> received = Collections.synchronizedList(new ArrayList<>());

  /** Lets STREAM's attempts fail. */
  final CountDownLatch failStream = new CountDownLatch(1);

  /** Counted down when an attempt of COLLECT_EAGER has failed. */
  final CountDownLatch eagerFailed = new CountDownLatch(1);

  private final Server server;
  private final TrackingAllocator allocator = new TrackingAllocator();
  private final List<Channel> channels = new ArrayList<>();

  RetryFixture() throws IOException {
    LiveCalls.startTracking();
    ServiceDefinition service =
        ServiceDefinition.builder(SERVICE)
            .unary(UNARY, request -> answer(arrive(), request))
            .clientStreaming(
                COLLECT,
                requests -> {
                  int attempt = arrive();
                  String joined = join(requests);
                  received.add(joined);
                  return answer(attempt, StringValue.of(joined));
                })
            .clientStreaming(
                COLLECT_EAGER,
                requests -> {
                  int attempt = arrive();
                  try {
                    fail(attempt);
                  } finally {
                    eagerFailed.countDown();
                  }
                  String joined = join(requests);
                  received.add(joined);
                  return StringValue.of(joined);
                })
            .serverStreaming(
                STREAM,
                (request, responses) -> {
                  int attempt = arrive();
                  CallContext.current().sendHeaders();
                  await(failStream);
                  fail(attempt);
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
  }

  /** A retry policy on every method of the service: backoff from {@code initialBackoff}, x2. */
  static MethodConfig retry(int maxAttempts, Duration initialBackoff, Status.Code... retryable) {
    return new MethodConfig(
        null,
        null,
        null,
        null,
        new RetryPolicy(maxAttempts, initialBackoff, Duration.ofSeconds(1), 2.0, Set.of(retryable)),
        null);
  }

  /** A hedging policy on every method of the service. */
  static MethodConfig hedge(int maxAttempts, Duration hedgingDelay, Status.Code... nonFatal) {
    return new MethodConfig(
        null,
        null,
        null,
        null,
        null,
        new HedgingPolicy(maxAttempts, hedgingDelay, Set.of(nonFatal)));
  }

  /** A channel to the server whose service config gives {@code methodConfig} to every method. */
  Channel channel(MethodConfig methodConfig, @Nullable RetryThrottling throttling) {
    ChannelConfig config = DirectTransports.config(server.port());
    ServiceConfig serviceConfig =
        new ServiceConfig(Map.of(SERVICE + "/", methodConfig), throttling, null, null);
    Channel channel =
        new ChannelImpl(
            config,
            new TrackedAllocation(DirectTransports.connected(config, server.port()), allocator),
            () -> serviceConfig);
    channels.add(channel);
    return channel;
  }

  /** How many attempts reached the server. */
  int attempts() {
    return arrivals.size();
  }

  /** Milliseconds between the arrival of attempt {@code from} and that of {@code to}. */
  long millisBetween(int from, int to) {
    return TimeUnit.NANOSECONDS.toMillis(arrivals.get(to) - arrivals.get(from));
  }

  private int arrive() {
    arrivals.add(System.nanoTime());
    String previous = CallContext.current().requestHeaders().get(Metadata.PREVIOUS_RPC_ATTEMPTS);
    previousAttempts.add(previous == null ? "none" : previous);
    return previous == null ? 0 : Integer.parseInt(previous);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.asException();
    }
  }

  private StringValue answer(int attempt, StringValue response) {
    Duration wait = delay.apply(attempt);
    if (!wait.isZero()) {
      CountDownLatch cancel = new CountDownLatch(1);
      CallContext.current().onCancel(cancel::countDown);
      try {
        if (cancel.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          cancelled.add(attempt);
          throw Status.CANCELLED.withDescription("attempt " + attempt).asException();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.CANCELLED.asException();
      }
    }
    fail(attempt);
    return response;
  }

  private void fail(int attempt) {
    Status status = failure.apply(attempt);
    if (status == null) {
      return;
    }
    String delayMillis = pushback;
    if (delayMillis != null) {
      CallContext.current().responseTrailers().add(Metadata.RETRY_PUSHBACK_MS, delayMillis);
    }
    throw status.withDescription("attempt " + attempt + " failed on purpose").asException();
  }

  private static String join(StreamReceiver<BytesValue> requests) {
    List<String> parts = new ArrayList<>();
    for (BytesValue request : requests) {
      parts.add(
          request.getValue().size() > 100
              ? request.getValue().size() + " bytes"
              : request.getValue().toStringUtf8());
    }
    return String.join(",", parts);
  }

  /**
   * Closes the channels and the server, then checks that every request buffer was released and that
   * no call was left open.
   */
  void close() {
    channels.forEach(Channel::shutdownNow);
    server.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELEASE_GRACE_MILLIS);
    while ((allocator.unreleased() > 0 || !LiveCalls.open().isEmpty())
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000);
    }
    List<String> open = LiveCalls.open();
    LiveCalls.stopTracking();
    assertThat(allocator.unreleased()).as("request buffers never released").isZero();
    assertThat(open).as("calls left open").isEmpty();
  }

  /** An unpooled allocator that remembers every buffer it made. Thread-safe. */
  static final class TrackingAllocator extends AbstractByteBufAllocator {
    private final ConcurrentLinkedQueue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();

    TrackingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
      allocated.add(buffer);
      return buffer;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    long unreleased() {
      return allocated.stream().filter(buffer -> buffer.refCnt() > 0).count();
    }
  }

  /** The real transport, with request messages made by a tracking allocator. */
  private record TrackedAllocation(ClientTransport transport, ByteBufAllocator allocator)
      implements ClientTransport {
    @Override
    public ClientTransportStream newStream(
        CallStart call,
        @Nullable ByteBuf firstMessage,
        boolean endOfStream,
        ClientStreamListener listener) {
      return transport.newStream(call, firstMessage, endOfStream, listener);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long nanos) {
      return transport.schedule(task, nanos);
    }

    @Override
    public void shutdown() {
      transport.shutdown();
    }

    @Override
    public void shutdownNow() {
      transport.shutdownNow();
    }
  }
}
