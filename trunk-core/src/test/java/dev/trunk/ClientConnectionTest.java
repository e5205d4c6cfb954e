package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How a channel manages its connections: streams the server never processed are sent again
 * (REFUSED_STREAM, GOAWAY), shutting down reaches every connection, a connection attempt has a
 * timeout, and calls waiting for a connection or a stream are bounded.
 */
class ClientConnectionTest {
  private static final CallOptions TEN_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  @Test
  void aStreamRefusedWithRefusedStreamIsSentAgainAndSucceeds() throws Exception {
    try (FrameServer server = new FrameServer();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      server.holdCalls = false; // Trailers-Only OK
      server.refuseStreams.set(1);
      try (ResponseStream<StringValue> responses =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS)) {
        assertThat(responses.receive()).isNull(); // ended with OK
      }
      FrameServer.Connection connection = server.nextConnection();
      assertThat(connection.frames.stream().filter(f -> f.startsWith("HEADERS")))
          .as("the refused stream and its retry")
          .hasSize(2);
    }
  }

  @Test
  void aStreamIsRetriedOnlyOnce() throws Exception {
    try (FrameServer server = new FrameServer();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      server.holdCalls = false;
      server.refuseStreams.set(2);
      try (ResponseStream<StringValue> responses =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS)) {
        assertThatThrownBy(responses::receive)
            .isInstanceOfSatisfying(
                StatusException.class,
                e -> {
                  assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                  assertThat(e.status().description()).contains("REFUSED_STREAM");
                });
      }
    }
  }

  @Test
  void aStreamAboveTheLastStreamIdOfAGoAwayIsSentAgainOnANewConnection() throws Exception {
    try (FrameServer server = new FrameServer();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      server.ignoreRequests = true;
      ResponseStream<StringValue> responses =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS);
      FrameServer.Connection first = server.nextConnection();
      awaitFrame(first, "HEADERS");
      server.ignoreRequests = false;
      server.holdCalls = false; // the next connection answers OK at once
      first.goAway(0); // processed nothing
      assertThat(responses.receive()).isNull(); // ended with OK, on the second connection
      assertThat(server.nextConnection().frames).anyMatch(f -> f.startsWith("HEADERS"));
      responses.close();
    }
  }

  @Test
  void aGracefulRestartUnderLoadLosesNoCall() throws Exception {
    AtomicInteger servedByOld = new AtomicInteger();
    AtomicInteger servedByNew = new AtomicInteger();
    Server old = slowEchoServer(servedByOld);
    Server replacement = null;
    try (TcpProxy proxy = new TcpProxy(old.port());
        Channel channel = Channel.forAddress("127.0.0.1", proxy.port()).build()) {
      Load load = new Load(channel, 8);
      Thread.sleep(500);
      replacement = slowEchoServer(servedByNew);
      proxy.retarget(replacement.port());
      old.shutdown(); // GOAWAY, then the calls in progress finish
      assertThat(old.awaitTermination(Duration.ofSeconds(20))).isTrue();
      Thread.sleep(500);
      load.stop();
      assertThat(load.failure.get()).as("a call failed during the restart").isNull();
      assertThat(servedByOld.get()).isPositive();
      assertThat(servedByNew.get()).isPositive();
      assertThat(load.succeeded.get()).isEqualTo(servedByOld.get() + servedByNew.get());
    } finally {
      old.shutdownNow();
      if (replacement != null) {
        replacement.shutdownNow();
      }
    }
  }

  @Test
  void shutdownNowReachesEveryConnectionTheChannelOpened() throws Exception {
    try (FrameServer server = new FrameServer()) {
      Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();
      ResponseStream<StringValue> first =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), CallOptions.DEFAULT);
      FrameServer.Connection firstConnection = server.nextConnection();
      awaitFrame(firstConnection, "HEADERS");
      firstConnection.goAway(Integer.MAX_VALUE); // draining: the open call may go on
      awaitGoAwaySeen(channel, server);
      FrameServer.Connection secondConnection = server.nextConnection();

      channel.shutdownNow();
      firstConnection.closed.get(10, TimeUnit.SECONDS);
      secondConnection.closed.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(first::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED));
    }
  }

  @Test
  void aConnectionAttemptThatHangsFailsAfterTheConnectTimeout() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Backlog backlog = Backlog.fill(full.getLocalPort());
        Channel channel =
            Channel.forAddress("127.0.0.1", full.getLocalPort())
                .connectTimeout(Duration.ofMillis(500))
                .build()) {
      CompletableFuture<StringValue> call =
          channel.unaryCallAsync(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("timed out");
              });
      assertThat(backlog.sockets).isNotEmpty();
    }
  }

  @Test
  void callsBeyondTheWaitingLimitFailAtOnceWithResourceExhausted() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  if (request.getValue().equals("held")) {
                    uninterruptibly(() -> hold.await(20, TimeUnit.SECONDS));
                  }
                  return request;
                })
            .build();
    Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service)
            .maxConcurrentStreams(1)
            .build()
            .start();
    try (Channel channel =
        Channel.forAddress("127.0.0.1", server.port()).maxWaitingCalls(2).build()) {
      // Until the server's SETTINGS arrive every call waits: settle the connection first.
      channel.unaryCall(TestService.ECHO, StringValue.of("warm"), TEN_SECONDS);
      List<CompletableFuture<StringValue>> held = new ArrayList<>();
      held.add(call(channel, "held")); // takes the server's only stream
      Thread.sleep(300);
      held.add(call(channel, "held")); // waits for the stream
      held.add(call(channel, "held")); // waits too: the limit is reached
      Thread.sleep(300);
      assertThatThrownBy(() -> call(channel, "late").get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.status().description()).contains("maxWaitingCalls");
              });
      hold.countDown();
      for (CompletableFuture<StringValue> call : held) {
        assertThat(call.get(20, TimeUnit.SECONDS).getValue()).isEqualTo("held");
      }
    } finally {
      server.shutdownNow();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Something that waits, for a handler (which may not throw InterruptedException). */
  private interface Wait {
    void run() throws InterruptedException;
  }

  private static void uninterruptibly(Wait wait) {
    try {
      wait.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asException();
    }
  }

  private static CompletableFuture<StringValue> call(Channel channel, String text) {
    return channel.unaryCallAsync(TestService.ECHO, StringValue.of(text), TEN_SECONDS);
  }

  /** Echo whose handler takes a few milliseconds, so that many calls are in flight at once. */
  private static Server slowEchoServer(AtomicInteger served) throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  uninterruptibly(() -> Thread.sleep(5));
                  served.incrementAndGet();
                  return request;
                })
            .build();
    return Server.builder().address("127.0.0.1", 0).service(service).build().start();
  }

  private static void awaitFrame(FrameServer.Connection connection, String prefix)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (connection.frames.stream().noneMatch(f -> f.startsWith(prefix))) {
      assertThat(System.nanoTime()).as("waiting for " + prefix).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /** Makes calls until one opens a second connection (the channel saw the GOAWAY). */
  private static void awaitGoAwaySeen(Channel channel, FrameServer server)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.connections.isEmpty()) {
      assertThat(System.nanoTime()).as("waiting for a second connection").isLessThan(deadline);
      channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), CallOptions.DEFAULT);
      Thread.sleep(50);
    }
  }

  /**
   * Calls in a loop on several threads until stopped, counting successes; keeps the first error.
   */
  private static final class Load {
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Load(Channel channel, int threadCount) {
      for (int t = 0; t < threadCount; t++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (running.get()) {
                        try {
                          channel.unaryCall(TestService.ECHO, StringValue.of("x"), TEN_SECONDS);
                          succeeded.incrementAndGet();
                        } catch (RuntimeException e) {
                          failure.compareAndSet(null, e);
                        }
                      }
                    }));
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(20_000);
      }
    }
  }

  /** Connections that fill a listening socket's accept queue, so the next connect hangs. */
  private static final class Backlog implements AutoCloseable {
    final List<Socket> sockets = new ArrayList<>();

    static Backlog fill(int port) {
      Backlog backlog = new Backlog();
      for (int i = 0; i < 16; i++) {
        Socket socket = new Socket();
        try {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
          backlog.sockets.add(socket);
        } catch (IOException queueFull) {
          break;
        }
      }
      return backlog;
    }

    @Override
    public void close() throws IOException {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
