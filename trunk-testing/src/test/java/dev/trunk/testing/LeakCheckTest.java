package dev.trunk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.trunk.CallContext;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.ServiceDefinition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The leak check fails tests that leave calls open or leak buffers, and passes clean ones. */
class LeakCheckTest {
  static final String FIXTURES = "trunk.leakCheckFixtures";

  static final MethodDescriptor<Int64Value, StringValue> TICKS =
      MethodDescriptor.of(
          "trunk.test.Ticker",
          "Ticks",
          MethodDescriptor.Type.SERVER_STREAMING,
          Codec.protobuf(Int64Value.getDefaultInstance()),
          Codec.protobuf(StringValue.getDefaultInstance()));

  static InProcessServer ticker() {
    return InProcessServer.builder()
        .service(
            ServiceDefinition.builder("trunk.test.Ticker")
                .serverStreaming(
                    TICKS,
                    (request, responses) -> {
                      responses.send(StringValue.of("tick"));
                      // Waits until cancelled: handler threads are not interrupted by default.
                      CountDownLatch cancelled = new CountDownLatch(1);
                      CallContext.current().onCancel(cancelled::countDown);
                      try {
                        cancelled.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    })
                .build())
        .build();
  }

  @Test
  void aTestThatLeavesAStreamOpenFails() {
    Events events = run(LeavesAStreamOpen.class);
    events.assertStatistics(stats -> stats.started(1).failed(1));
    assertThat(failureMessages(events)).anyMatch(m -> m.contains("call(s) open"));
  }

  @Test
  void theFailureNamesTheLineThatStartedTheLeakedCall() {
    List<String> messages = failureMessages(run(LeavesAStreamOpen.class));
    StackTraceElement before = LeavesAStreamOpen.lineBeforeTheCall;
    String callSite =
        "dev.trunk.testing.LeakCheckTest$LeavesAStreamOpen.forgetsTheStream(LeakCheckTest.java:"
            + (before.getLineNumber() + 1)
            + ")";
    assertThat(messages)
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .contains("ClientCall(trunk.test.Ticker/Ticks) started at " + callSite));
  }

  @Test
  void aTestThatClosesItsStreamPasses() {
    run(ClosesItsStream.class).assertStatistics(stats -> stats.started(1).succeeded(1));
  }

  @Test
  void aClassThatLeaksABufferFails() {
    Events events = runContainers(LeaksABuffer.class);
    assertThat(failureMessages(events)).anyMatch(m -> m.contains("never released"));
  }

  private static Events run(Class<?> fixture) {
    return execute(fixture).testEvents();
  }

  private static Events runContainers(Class<?> fixture) {
    return execute(fixture).containerEvents();
  }

  private static org.junit.platform.testkit.engine.EngineExecutionResults execute(
      Class<?> fixture) {
    System.setProperty(FIXTURES, "true");
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    } finally {
      System.clearProperty(FIXTURES);
    }
  }

  private static List<String> failureMessages(Events events) {
    List<String> messages = new ArrayList<>();
    events.failed().stream()
        .forEach(
            event ->
                event
                    .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                    .ifPresent(t -> messages.add(String.valueOf(t.getMessage()))));
    return messages;
  }

  /** Fixture: reads one message of a stream and forgets to close it. */
  @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
  @ExtendWith(LeakCheck.class)
  static class LeavesAStreamOpen {
    /** The line just before the one that starts the leaked call. */
    static StackTraceElement lineBeforeTheCall;

    @Test
    void forgetsTheStream() {
      InProcessServer server = ticker();
      Channel channel = server.newChannel();
      lineBeforeTheCall =
          StackWalker.getInstance().walk(s -> s.findFirst()).orElseThrow().toStackTraceElement();
      var ticks = channel.serverStreamingCall(TICKS, Int64Value.of(1), CallOptions.DEFAULT);
      assertThat(ticks.iterator().next().getValue()).isEqualTo("tick");
    }
  }

  /** Fixture: the same call, closed properly. */
  @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
  @ExtendWith(LeakCheck.class)
  static class ClosesItsStream {
    @Test
    void closesTheStream() {
      try (InProcessServer server = ticker();
          Channel channel = server.newChannel();
          ResponseStream<StringValue> ticks =
              channel.serverStreamingCall(TICKS, Int64Value.of(1), CallOptions.DEFAULT)) {
        assertThat(ticks.iterator().next().getValue()).isEqualTo("tick");
      }
    }
  }

  /** Fixture: allocates a buffer and drops it without releasing it. */
  @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
  @ExtendWith(LeakCheck.class)
  static class LeaksABuffer {
    @Test
    void dropsABuffer() {
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
      buffer.writeInt(42);
      assertThat(buffer.readableBytes()).isEqualTo(4);
    }
  }
}
