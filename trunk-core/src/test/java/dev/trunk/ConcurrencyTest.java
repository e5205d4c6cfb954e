package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many streams at once on one connection, with and without a low stream limit. */
class ConcurrencyTest {
  private static final MethodDescriptor<Int64Value, StringValue> HOLD =
      MethodDescriptor.of(
          TestService.NAME,
          "Hold",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.STRING);

  private final Set<SocketAddress> peers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostRunning = new AtomicInteger();
  private CountDownLatch started;
  private final CountDownLatch release = new CountDownLatch(1);
  private Server server;
  private Channel channel;

  /**
   * Hold: answers "started", counts itself in {@link #started}, waits for {@link #release} (or for
   * {@code request} milliseconds if positive), then answers "done".
   */
  private ServiceDefinition service() {
    return ServiceDefinition.builder(TestService.NAME)
        .serverStreaming(
            HOLD,
            (request, responses) -> {
              int now = running.incrementAndGet();
              mostRunning.accumulateAndGet(now, Math::max);
              try {
                peers.add(CallContext.current().peer());
                responses.send(StringValue.of("started"));
                started.countDown();
                if (request.getValue() > 0) {
                  Thread.sleep(request.getValue());
                } else if (!release.await(30, TimeUnit.SECONDS)) {
                  throw Status.DEADLINE_EXCEEDED.withDescription("never released").asException();
                }
                responses.send(StringValue.of("done"));
              } catch (InterruptedException e) {
                throw Status.CANCELLED.asException();
              } finally {
                running.decrementAndGet();
              }
            })
        .build();
  }

  private void start(Server.Builder builder) throws Exception {
    server = builder.address("127.0.0.1", 0).service(service()).build().start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** Runs {@code calls} Hold calls at once from virtual threads; returns what each received. */
  private List<Future<List<String>>> startCalls(
      ExecutorService threads, int calls, long holdMillis) {
    List<Future<List<String>>> results = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      results.add(
          threads.submit(
              () -> {
                List<String> received = new ArrayList<>();
                try (ResponseStream<StringValue> stream =
                    channel.serverStreamingCall(
                        HOLD, Int64Value.of(holdMillis), CallOptions.DEFAULT)) {
                  for (StringValue value : stream) {
                    received.add(value.getValue());
                  }
                }
                return received;
              }));
    }
    return results;
  }

  @Test
  void thousandStreamsAreOpenAtOnceOnOneConnectionAndAllComplete() throws Exception {
    start(Server.builder());
    int calls = 1000;
    started = new CountDownLatch(calls);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<String>>> results = startCalls(threads, calls, 0);
      assertThat(started.await(30, TimeUnit.SECONDS))
          .as("handlers running at once: %s", running.get())
          .isTrue();
      assertThat(running.get()).isEqualTo(calls);
      assertThat(peers).as("one connection").hasSize(1);
      release.countDown();
      for (Future<List<String>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).containsExactly("started", "done");
      }
    }
  }

  @Test
  void aLowStreamLimitIsAdvertisedAndTheClientQueuesTheCallsOverIt() throws Exception {
    start(Server.builder().maxConcurrentStreams(10));
    try (FrameClient raw = new FrameClient(server.port())) {
      assertThat(raw.settings.get(10, TimeUnit.SECONDS).maxConcurrentStreams()).isEqualTo(10L);
    }
    int calls = 100;
    started = new CountDownLatch(calls);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<String>>> results = startCalls(threads, calls, 20);
      for (Future<List<String>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).containsExactly("started", "done");
      }
    }
    assertThat(started.getCount()).isZero();
    assertThat(mostRunning.get()).isBetween(1, 10);
    assertThat(peers).as("one connection").hasSize(1);
  }
}
