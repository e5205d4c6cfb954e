package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A channel's connectivity, with real servers on loopback: it starts IDLE and connects on the first
 * call, fails fast in TRANSIENT_FAILURE unless a call waits for ready, reconnects after the
 * backoff, falls back to the next address, goes idle after its idle timeout, and resolves targets
 * with a resolver the application registers.
 */
class ChannelConnectivityTest {
  private static final Duration SHORT_BACKOFF = Duration.ofMillis(50);
  private static final CallOptions TEN_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  @Test
  void aChannelStartsIdleAndIsReadyAfterItsFirstCall() throws Exception {
    try (Server server = echoServer(0);
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      List<ConnectivityState> seen = new CopyOnWriteArrayList<>();
      channel.addStateListener(seen::add);
      assertThat(channel.state(false)).isEqualTo(ConnectivityState.IDLE);

      assertThat(echo(channel, "hi", TEN_SECONDS)).isEqualTo("hi");

      await(() -> seen.contains(ConnectivityState.READY));
      assertThat(seen).containsSubsequence(ConnectivityState.CONNECTING, ConnectivityState.READY);
      assertThat(channel.state(false)).isEqualTo(ConnectivityState.READY);
    }
  }

  @Test
  void stateWithRequestConnectionConnectsWithoutACall() throws Exception {
    try (Server server = echoServer(0);
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      assertThat(channel.state(true)).isIn(ConnectivityState.IDLE, ConnectivityState.CONNECTING);
      await(() -> channel.state(false) == ConnectivityState.READY);
    }
  }

  @Test
  void callsFailFastWhileNoServerListensButWaitForReadyCallsWaitForOne() throws Exception {
    int port = freePort();
    try (Channel channel =
        Channel.forAddress("127.0.0.1", port).initialBackoffForTest(SHORT_BACKOFF).build()) {
      assertThatThrownBy(() -> echo(channel, "fast", TEN_SECONDS))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description())
                    .contains("cannot connect to any address of target 'dns:///127.0.0.1:" + port)
                    .endsWith("connection refused (is a server listening there?)");
              });
      assertThat(channel.state(false)).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);

      CompletableFuture<String> waiting =
          CompletableFuture.supplyAsync(
              () -> echo(channel, "patient", TEN_SECONDS.withWaitForReady(true)));
      Thread.sleep(300); // several backoff rounds with nothing listening
      assertThat(waiting).isNotDone();

      try (Server late = echoServer(port)) {
        assertThat(late.port()).isEqualTo(port);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("patient");
        assertThat(channel.state(false)).isEqualTo(ConnectivityState.READY);
      }
    }
  }

  @Test
  void aWaitForReadyCallEndsAtItsDeadlineWhenNoServerComes() throws Exception {
    try (Channel channel =
        Channel.forAddress("127.0.0.1", freePort()).initialBackoffForTest(SHORT_BACKOFF).build()) {
      CallOptions options =
          CallOptions.DEFAULT.withTimeout(Duration.ofMillis(400)).withWaitForReady(true);
      long start = System.nanoTime();
      assertThatThrownBy(() -> echo(channel, "x", options))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(350));
    }
  }

  @Test
  void aChannelReconnectsAfterItsServerRestarts() throws Exception {
    int port;
    try (Server first = echoServer(0)) {
      port = first.port();
    }
    try (Server server = echoServer(port);
        Channel channel =
            Channel.forAddress("127.0.0.1", port).initialBackoffForTest(SHORT_BACKOFF).build()) {
      assertThat(echo(channel, "before", TEN_SECONDS)).isEqualTo("before");
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(5));
      await(() -> channel.state(false) != ConnectivityState.READY);
      try (Server again = echoServer(port)) {
        assertThat(again.port()).isEqualTo(port);
        assertThat(echo(channel, "after", TEN_SECONDS.withWaitForReady(true))).isEqualTo("after");
      }
    }
  }

  @Test
  void pickFirstFallsBackToTheNextAddressOfAUserRegisteredResolver() throws Exception {
    int dead = freePort();
    try (Server server = echoServer(0);
        Channel channel =
            Channel.forTarget("static:///two")
                .nameResolver(
                    new StaticResolver(
                        List.of(
                            Endpoint.of(new InetSocketAddress("127.0.0.1", dead)),
                            Endpoint.of(new InetSocketAddress("127.0.0.1", server.port())))))
                .build()) {
      assertThat(channel.authority()).isEqualTo("two");
      assertThat(echo(channel, "second", TEN_SECONDS.withWaitForReady(true))).isEqualTo("second");
    }
  }

  @Test
  void aResolverThatFindsNoAddressesFailsCallsNamingTheTarget() {
    try (Channel channel =
        Channel.forTarget("static:///none").nameResolver(new StaticResolver(List.of())).build()) {
      assertThatThrownBy(() -> echo(channel, "x", TEN_SECONDS))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description())
                    .contains("found no addresses for target 'static:///none'");
              });
    }
  }

  @Test
  void aTargetWithAnUnknownSchemeIsRefusedAtBuild() {
    assertThatThrownBy(() -> Channel.forTarget("k8s://cluster/service").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no name resolver is registered for the scheme 'k8s:'")
        .hasMessageContaining("Channel.Builder.nameResolver");
  }

  @Test
  void aChannelWithoutCallsGoesIdleAfterItsIdleTimeoutAndComesBackForTheNextCall()
      throws Exception {
    try (Server server = echoServer(0);
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .idleTimeout(Duration.ofMillis(200))
                .build()) {
      assertThat(echo(channel, "one", TEN_SECONDS)).isEqualTo("one");
      await(() -> channel.state(false) == ConnectivityState.IDLE);
      assertThat(echo(channel, "two", TEN_SECONDS)).isEqualTo("two");
      assertThat(channel.state(false)).isEqualTo(ConnectivityState.READY);
    }
  }

  @Test
  void aClosedChannelIsShutdown() throws Exception {
    try (Server server = echoServer(0)) {
      Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();
      echo(channel, "x", TEN_SECONDS);
      channel.close();
      assertThat(channel.state(false)).isEqualTo(ConnectivityState.SHUTDOWN);
    }
  }

  /** Resolves {@code static:///name} to fixed endpoints: an application's own resolver. */
  private record StaticResolver(List<Endpoint> endpoints) implements NameResolver.Provider {
    @Override
    public String scheme() {
      return "static";
    }

    @Override
    public NameResolver newResolver(Target target, NameResolver.Args args) {
      return new NameResolver() {
        @Override
        public void start(Listener listener) {
          listener.onResult(new Resolution(endpoints, null));
        }

        @Override
        public void refresh() {}

        @Override
        public void close() {}
      };
    }

    @Override
    public String authority(Target target, NameResolver.Args args) {
      return target.pathWithoutSlash();
    }
  }

  private static Server echoServer(int port) throws IOException {
    return Server.builder()
        .address("127.0.0.1", port)
        .service(new TestService().definition())
        .build()
        .start();
  }

  private static String echo(Channel channel, String text, CallOptions options) {
    return channel.unaryCall(TestService.ECHO, StringValue.of(text), options).getValue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
