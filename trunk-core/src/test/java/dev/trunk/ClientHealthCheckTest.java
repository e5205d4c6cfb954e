package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.internal.health.HealthService;
import dev.trunk.internal.health.v1.HealthCheckResponse;
import dev.trunk.internal.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client-side health checking (gRFC A17) against real servers on loopback: round_robin sends no
 * calls to a backend whose health service says NOT_SERVING and takes it back when it serves again;
 * a backend without the health service counts as healthy; a failed Watch call is made again;
 * pick_first and a config without {@code healthCheckConfig} make no Watch call; the Watch call
 * keeps no channel out of idle mode.
 */
class ClientHealthCheckTest {
  private static final CallOptions FIVE_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5));
  private static final String WATCHED = "svc";
  private static final String ROUND_ROBIN_CHECKING_SVC =
      """
      {"loadBalancingConfig": [{"round_robin": {}}], "healthCheckConfig": {"serviceName": "svc"}}
      """;
  private static final Duration TEST_BACKOFF = Duration.ofMillis(50);

  private final List<Backend> backends = new ArrayList<>();

  /**
   * A server that answers Echo with its name and counts those calls and its Watch calls (started
   * and still open), with the standard health service, a scripted one, or none.
   */
  private static final class Backend implements AutoCloseable {
    final String name;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    final AtomicInteger openWatches = new AtomicInteger();
    final Server server;

    Backend(String name, Server.Builder builder) throws IOException {
      this.name = name;
      ServiceDefinition echo =
          ServiceDefinition.builder(TestService.NAME)
              .unary(
                  TestService.ECHO,
                  request -> {
                    calls.incrementAndGet();
                    return StringValue.of(name);
                  })
              .build();
      this.server =
          builder
              .address("127.0.0.1", 0)
              .service(echo)
              .intercept(new WatchCounter(watches, openWatches))
              .build()
              .start();
    }

    Health health() {
      return server.health();
    }

    @Override
    public void close() {
      server.shutdownNow();
    }
  }

  /** Counts Watch calls as they start and as they end. */
  private record WatchCounter(AtomicInteger started, AtomicInteger open) implements Interceptor {
    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata requestHeaders) {
      if (!call.method().fullName().equals(HealthService.WATCH.fullName())) {
        return CallObserver.none();
      }
      started.incrementAndGet();
      open.incrementAndGet();
      return new CallObserver<>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          open.decrementAndGet();
        }
      };
    }
  }

  @AfterEach
  void stopBackends() {
    backends.forEach(Backend::close);
  }

  /** A backend with the standard health service, {@value #WATCHED} SERVING. */
  private Backend healthy() throws IOException {
    Backend backend = add(Server.builder());
    backend.health().setStatus(WATCHED, HealthStatus.SERVING);
    return backend;
  }

  private Backend add(Server.Builder builder) throws IOException {
    Backend backend = new Backend("backend-" + backends.size(), builder);
    backends.add(backend);
    return backend;
  }

  /** An {@code ipv4:} target listing every backend. */
  private String target() {
    return "ipv4:"
        + backends.stream()
            .map(backend -> "127.0.0.1:" + backend.server.port())
            .collect(Collectors.joining(","));
  }

  private Channel channel(String serviceConfig) {
    return Channel.forTarget(target())
        .defaultServiceConfig(serviceConfig)
        .initialBackoffForTest(TEST_BACKOFF)
        .build();
  }

  @Test
  void roundRobinSkipsABackendThatIsNotServingAndTakesItBackWhenItServesAgain() throws Exception {
    healthy();
    Backend flaky = healthy();
    healthy();
    try (Channel channel = channel(ROUND_ROBIN_CHECKING_SVC)) {
      awaitCallsToEveryBackend(channel);

      flaky.health().setStatus(WATCHED, HealthStatus.NOT_SERVING);
      awaitNoCallsTo(flaky, channel);
      int before = flaky.calls.get();
      for (int i = 0; i < 30; i++) {
        call(channel);
      }
      assertThat(flaky.calls.get()).as("calls to the NOT_SERVING backend").isEqualTo(before);

      flaky.health().setStatus(WATCHED, HealthStatus.SERVING);
      awaitCallsToEveryBackend(channel);
    }
    for (Backend backend : backends) {
      assertThat(backend.watches.get()).as("Watch calls to " + backend.name).isEqualTo(1);
    }
  }

  @Test
  void aBackendThatNeverServedGetsNoCallUntilItServes() throws Exception {
    healthy();
    Backend unknown = add(Server.builder()); // "svc" unknown: Watch answers SERVICE_UNKNOWN
    try (Channel channel = channel(ROUND_ROBIN_CHECKING_SVC)) {
      for (int i = 0; i < 30; i++) {
        call(channel);
      }
      assertThat(unknown.calls.get()).as("calls before it serves").isZero();
      unknown.health().setStatus(WATCHED, HealthStatus.SERVING);
      awaitCallsToEveryBackend(channel);
    }
  }

  @Test
  void aBackendWithoutTheHealthServiceCountsAsHealthy() throws Exception {
    healthy();
    Backend without = add(Server.builder().health(false)); // Watch answers UNIMPLEMENTED
    healthy();
    try (LogCapture log = new LogCapture();
        Channel channel = channel(ROUND_ROBIN_CHECKING_SVC)) {
      awaitCallsToEveryBackend(channel);
      int before = without.calls.get();
      for (int i = 0; i < 30; i++) {
        call(channel);
      }
      assertThat(without.calls.get() - before).as("calls of 30").isBetween(5, 15);
      String port = ":" + without.server.port() + " does not implement the health service";
      assertThat(log.lines(line -> line.contains(port))).as("warnings").hasSize(1);
    }
  }

  @Test
  void aWatchCallThatFailedUnansweredIsMadeAgainAfterTheBackoff() throws Exception {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    Backend backend = add(Server.builder().health(false).service(flakyHealth(attempts, false)));
    Duration backoff = Duration.ofMillis(500);
    try (Channel channel =
        Channel.forTarget(target())
            .defaultServiceConfig(ROUND_ROBIN_CHECKING_SVC)
            .initialBackoffForTest(backoff)
            .build()) {
      // Waits for ready: without, it could fail while the first Watch's failure is reported.
      channel.unaryCall(
          TestService.ECHO, StringValue.of("who"), FIVE_SECONDS.withWaitForReady(true));
      assertThat(attempts).hasSize(2);
      assertThat(attempts.get(1) - attempts.get(0))
          .as("nanoseconds between the attempts")
          .isGreaterThanOrEqualTo(backoff.toNanos() * 8 / 10);
      assertThat(backend.calls.get()).isEqualTo(1);
    }
  }

  @Test
  void aWatchCallThatHadAnsweredIsMadeAgainAtOnce() throws Exception {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    add(Server.builder().health(false).service(flakyHealth(attempts, true)));
    try (Channel channel =
        Channel.forTarget(target())
            .defaultServiceConfig(ROUND_ROBIN_CHECKING_SVC)
            .initialBackoffForTest(Duration.ofMinutes(1))
            .build()) {
      channel.state(true);
      await(() -> attempts.size() == 2); // long before the backoff of a minute
    }
  }

  /**
   * A health service whose first Watch (after SERVING, if {@code answerFirst}) fails with
   * UNAVAILABLE, and whose later ones answer SERVING and stay open. Records when each started.
   */
  private static ServiceDefinition flakyHealth(List<Long> attempts, boolean answerFirst) {
    HealthCheckResponse serving =
        HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build();
    return ServiceDefinition.builder(HealthService.SERVICE_NAME)
        .serverStreaming(
            HealthService.WATCH,
            (request, responses) -> {
              attempts.add(System.nanoTime());
              if (attempts.size() == 1) {
                if (answerFirst) {
                  responses.send(serving);
                }
                throw Status.UNAVAILABLE.withDescription("not yet").asException();
              }
              responses.send(serving);
              CountDownLatch cancelled = new CountDownLatch(1);
              CallContext.current().onCancel(cancelled::countDown);
              try {
                cancelled.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
        .build();
  }

  @Test
  void pickFirstDoesNotHealthCheck() throws Exception {
    Backend first = healthy();
    first.health().setStatus(WATCHED, HealthStatus.NOT_SERVING);
    try (Channel channel =
        channel(
            """
            {"loadBalancingConfig": [{"pick_first": {}}],
             "healthCheckConfig": {"serviceName": "svc"}}
            """)) {
      call(channel);
      call(channel);
    }
    assertThat(first.calls.get()).isEqualTo(2);
    assertThat(first.watches.get()).as("Watch calls").isZero();
  }

  @Test
  void withoutHealthCheckConfigNoWatchCallIsMade() throws Exception {
    Backend only = healthy();
    only.health().setStatus(WATCHED, HealthStatus.NOT_SERVING);
    try (Channel channel = channel("{\"loadBalancingConfig\": [{\"round_robin\": {}}]}")) {
      call(channel);
    }
    assertThat(only.calls.get()).isEqualTo(1);
    assertThat(only.watches.get()).as("Watch calls").isZero();
  }

  @Test
  void theWatchCallKeepsNoChannelOutOfIdleModeAndEndsWithIt() throws Exception {
    Backend backend = healthy();
    try (Channel channel =
        Channel.forTarget(target())
            .defaultServiceConfig(ROUND_ROBIN_CHECKING_SVC)
            .idleTimeout(Duration.ofMillis(300))
            .build()) {
      call(channel);
      await(() -> backend.openWatches.get() == 1);
      await(() -> channel.state(false) == ConnectivityState.IDLE);
      await(() -> backend.openWatches.get() == 0);
      call(channel);
      assertThat(backend.watches.get()).as("Watch calls after idle mode").isEqualTo(2);
    }
  }

  private static String call(Channel channel) {
    return channel.unaryCall(TestService.ECHO, StringValue.of("who"), FIVE_SECONDS).getValue();
  }

  /** Calls until every backend got one since this started. */
  private void awaitCallsToEveryBackend(Channel channel) throws InterruptedException {
    int[] before = backends.stream().mapToInt(backend -> backend.calls.get()).toArray();
    await(
        () -> {
          call(channel);
          for (int i = 0; i < before.length; i++) {
            if (backends.get(i).calls.get() == before[i]) {
              return false;
            }
          }
          return true;
        });
  }

  /** Calls until a stretch of 30 calls passes with none reaching {@code unhealthy}. */
  private static void awaitNoCallsTo(Backend unhealthy, Channel channel)
      throws InterruptedException {
    await(
        () -> {
          int before = unhealthy.calls.get();
          for (int i = 0; i < 30; i++) {
            call(channel);
          }
          return unhealthy.calls.get() == before;
        });
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
