package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Load balancing with real servers on loopback, chosen by the service config: round_robin spreads
 * calls evenly, ring_hash keeps a key on one backend, outlier detection ejects a failing backend
 * and takes it back, and a backend killed under load with retries on loses no call.
 */
class LoadBalancingTest {
  private static final CallOptions FIVE_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5));
  private static final StringValue NAME_REQUEST = StringValue.of("who");

  private final List<Backend> backends = new ArrayList<>();

  /** A server that answers with its name, counts calls, and fails them while told to. */
  private static final class Backend implements AutoCloseable {
    final String name;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    final Server server;

    Backend(String name) throws IOException {
      this.name = name;
      ServiceDefinition service =
          ServiceDefinition.builder(TestService.NAME)
              .unary(
                  TestService.ECHO,
                  request -> {
                    calls.incrementAndGet();
                    if (failing.get()) {
                      throw Status.UNAVAILABLE.withDescription(name + " is failing").asException();
                    }
                    return StringValue.of(name);
                  })
              .build();
      this.server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
    }

    @Override
    public void close() {
      server.shutdownNow();
    }
  }

  @AfterEach
  void stopBackends() {
    backends.forEach(Backend::close);
  }

  private List<Backend> start(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      backends.add(new Backend("backend-" + i));
    }
    return backends;
  }

  /** An {@code ipv4:} target listing every backend. */
  private String target() {
    return "ipv4:"
        + backends.stream()
            .map(backend -> "127.0.0.1:" + backend.server.port())
            .collect(Collectors.joining(","));
  }

  private static String call(Channel channel, CallOptions options) {
    return channel.unaryCall(TestService.ECHO, NAME_REQUEST, options).getValue();
  }

  @Test
  void roundRobinSpreadsCallsEvenlyOverEveryBackend() throws Exception {
    start(3);
    try (Channel channel =
        Channel.forTarget(target())
            .defaultServiceConfig("{\"loadBalancingConfig\": [{\"round_robin\": {}}]}")
            .build()) {
      channel.state(true);
      awaitReadyEverywhere(channel);
      for (int i = 0; i < 300; i++) {
        call(channel, FIVE_SECONDS);
      }
    }
    for (Backend backend : backends) {
      assertThat(backend.calls.get()).as(backend.name).isBetween(90, 110);
    }
  }

  @Test
  void pickFirstSendsEveryCallToOneBackend() throws Exception {
    start(3);
    try (Channel channel = Channel.forTarget(target()).build()) {
      for (int i = 0; i < 30; i++) {
        call(channel, FIVE_SECONDS);
      }
    }
    assertThat(backends.get(0).calls.get()).isEqualTo(30);
  }

  @Test
  void ringHashKeepsEachKeyOnOneBackendAndSpreadsTheKeys() throws Exception {
    start(3);
    try (Channel channel =
        Channel.forTarget(target())
            .defaultServiceConfig(
                "{\"loadBalancingConfig\": [{\"ring_hash_experimental\":"
                    + " {\"requestHashHeader\": \"x-user\"}}]}")
            .build()) {
      Set<String> backendsOfKeys = new HashSet<>();
      for (int key = 0; key < 30; key++) {
        CallOptions options =
            FIVE_SECONDS
                .withWaitForReady(true)
                .withMetadata(new Metadata().add("x-user", "u" + key));
        String first = call(channel, options);
        for (int again = 0; again < 5; again++) {
          assertThat(call(channel, options)).as("key u%d", key).isEqualTo(first);
        }
        backendsOfKeys.add(first);
      }
      assertThat(backendsOfKeys).as("30 keys over 3 backends").hasSizeGreaterThan(1);
    }
  }

  @Test
  void outlierDetectionEjectsAFailingBackendAndTakesItBackAfterTheEjectionTime() throws Exception {
    start(3);
    String config =
        """
        {"loadBalancingConfig": [{"outlier_detection_experimental": {
          "interval": "0.2s", "baseEjectionTime": "1s", "maxEjectionPercent": 50,
          "failurePercentageEjection": {"threshold": 50, "minimumHosts": 3, "requestVolume": 5},
          "childPolicy": [{"round_robin": {}}]}}]}
        """;
    Backend bad = backends.get(1);
    bad.failing.set(true);
    try (Channel channel = Channel.forTarget(target()).defaultServiceConfig(config).build()) {
      channel.state(true);
      awaitReadyEverywhere(channel);
      awaitNoCallsTo(bad, channel);

      bad.failing.set(false);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int before = bad.calls.get();
      while (bad.calls.get() == before && System.nanoTime() < deadline) {
        callIgnoringFailure(channel);
        Thread.sleep(10);
      }
      assertThat(bad.calls.get()).as("calls once the ejection time passed").isGreaterThan(before);
    }
  }

  /** Calls until a stretch of 60 calls passes with none reaching {@code bad}. */
  private static void awaitNoCallsTo(Backend bad, Channel channel) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      int before = bad.calls.get();
      for (int i = 0; i < 60; i++) {
        callIgnoringFailure(channel);
      }
      if (bad.calls.get() == before) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(bad.name + " was never ejected");
  }

  private static void callIgnoringFailure(Channel channel) {
    try {
      call(channel, FIVE_SECONDS);
    } catch (StatusException expected) {
      // the failing backend's answer
    }
  }

  @Test
  void aBackendKilledUnderLoadLosesNoCallWhenRetriesAreOn() throws Exception {
    start(3);
    List<TcpProxy> proxies = new ArrayList<>();
    for (Backend backend : backends) {
      proxies.add(new TcpProxy(backend.server.port()));
    }
    String target =
        "ipv4:"
            + proxies.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
    String config =
        """
        {"loadBalancingConfig": [{"round_robin": {}}],
         "methodConfig": [{"name": [{"service": "trunk.test.TestService"}],
           "retryPolicy": {"maxAttempts": 5, "initialBackoff": "0.2s", "maxBackoff": "1s",
             "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
        """;
    // A6 backoffs are random in [0, bound): with bounds of 0.2 s and more, the retries of a call
    // picked onto the dead backend span the moment the balancer takes it out of its picker, even on
    // a loaded machine (with 0.01 s bounds, 4 of 1,912 calls used up their 5 attempts first).
    ConcurrentHashMap<String, Integer> failures = new ConcurrentHashMap<>();
    AtomicInteger succeeded = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
    try (Channel channel = Channel.forTarget(target).defaultServiceConfig(config).build()) {
      channel.state(true);
      awaitReadyEverywhere(channel);
      List<Future<?>> workers = new ArrayList<>();
      for (int worker = 0; worker < 8; worker++) {
        workers.add(
            load.submit(
                () -> {
                  while (running.get()) {
                    try {
                      call(channel, FIVE_SECONDS);
                      succeeded.incrementAndGet();
                    } catch (StatusException e) {
                      failures.merge(e.status().toString(), 1, Integer::sum);
                    }
                  }
                }));
      }
      Thread.sleep(500);
      int beforeKill = succeeded.get();
      proxies.get(1).close(); // the backend vanishes: connections reset, new ones refused
      Thread.sleep(2000);
      running.set(false);
      for (Future<?> worker : workers) {
        worker.get(10, TimeUnit.SECONDS);
      }
      // The figures of the run, for the record (docs/client.md quotes one).
      System.out.printf(
          "backend killed under load: %d calls before the kill, %d in all, %d failed; per backend"
              + " %s%n",
          beforeKill,
          succeeded.get(),
          failures.values().stream().mapToInt(Integer::intValue).sum(),
          backends.stream().map(backend -> backend.calls.get()).toList());
      assertThat(succeeded.get()).as("calls after the kill").isGreaterThan(beforeKill + 50);
    } finally {
      load.shutdownNow();
      for (TcpProxy proxy : proxies) {
        proxy.close();
      }
    }
    assertThat(failures).as("failed calls").isEmpty();
  }

  /** Waits until a call reached each backend, so every subchannel is READY. */
  private void awaitReadyEverywhere(Channel channel) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (channel.state(false) != ConnectivityState.READY) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the channel never became READY");
      }
      Thread.sleep(10);
    }
    Thread.sleep(200); // the other subchannels finish connecting
  }
}
