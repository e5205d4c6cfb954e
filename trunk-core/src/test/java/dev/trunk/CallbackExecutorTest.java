package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code unaryCallAsync} futures complete on the channel's callback executor, not on the client's
 * event loops, which every channel of the process shares (one per core: two on these machines). A
 * callback that blocks must hold up nothing but itself.
 */
class CallbackExecutorTest {
  private static final MethodDescriptor<StringValue, StringValue> GATED =
      MethodDescriptor.of(
          TestService.NAME,
          "Gated",
          MethodDescriptor.Type.UNARY,
          TestService.STRING,
          TestService.STRING);

  /** Lets the Gated handler answer; counted down by a test once its callbacks are attached. */
  private final CountDownLatch gate = new CountDownLatch(1);

  private final List<Channel> channels = new ArrayList<>();
  private Server server;

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(TestService.ECHO, request -> request)
            .unary(
                GATED,
                request -> {
                  try {
                    gate.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return request;
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
  }

  @AfterEach
  void stop() {
    channels.forEach(Channel::shutdownNow);
    server.shutdownNow();
  }

  private Channel channel(Channel.Builder builder) {
    Channel channel = builder.build();
    channels.add(channel);
    return channel;
  }

  private Channel.Builder local() {
    return Channel.forAddress("127.0.0.1", server.port());
  }

  @Test
  void aThenAcceptCallbackThatBlocksStallsNoCallOnItsChannelOrAnyOther() throws Exception {
    Channel blocking = channel(local());
    // Connections take the shared event loops in turn: these cover every loop, including the one
    // serving the blocking channel's connection.
    List<Channel> others = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      others.add(channel(local()));
    }
    CountDownLatch callbackEntered = new CountDownLatch(1);
    CountDownLatch releaseCallback = new CountDownLatch(1);
    CompletableFuture<Void> callback =
        blocking
            .unaryCallAsync(GATED, StringValue.of("gated"), CallOptions.DEFAULT)
            .thenAccept(
                reply -> {
                  callbackEntered.countDown();
                  try {
                    releaseCallback.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    gate.countDown();
    assertThat(callbackEntered.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      List<Channel> all = new ArrayList<>(others);
      all.add(blocking);
      for (Channel channel : all) {
        StringValue reply =
            channel
                .unaryCallAsync(TestService.ECHO, StringValue.of("meanwhile"), CallOptions.DEFAULT)
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.getValue()).isEqualTo("meanwhile");
      }
    } finally {
      releaseCallback.countDown();
    }
    callback.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aChannelsOwnCallbackExecutorCompletesItsAsyncCalls() throws Exception {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(task -> new Thread(task, "my-callbacks"));
    try {
      Channel channel = channel(local().callbackExecutor(executor));
      CompletableFuture<String> thread =
          channel
              .unaryCallAsync(GATED, StringValue.of("x"), CallOptions.DEFAULT)
              .thenApply(reply -> Thread.currentThread().getName());
      gate.countDown();
      assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("my-callbacks");
    } finally {
      executor.shutdownNow();
    }
  }
}
