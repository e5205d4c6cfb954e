package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client keepalive (gRFC A8) against {@link FrameServer}, a server that answers PINGs only when
 * told to: PINGs after the keepalive time without reads, calls failing UNAVAILABLE when a PING goes
 * unanswered, no PINGs on idle connections unless asked, and the doubling after "too_many_pings".
 */
class ClientKeepAliveTest {
  /** A server-streaming method; FrameServer answers any path. */
  private static final MethodDescriptor<Int64Value, StringValue> WATCH =
      MethodDescriptor.of(
          TestService.NAME,
          "Watch",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.STRING);

  private static final Duration TIME = Duration.ofMillis(300);
  private static final long TIME_NANOS = TIME.toNanos();

  private final FrameServer server = new FrameServer();
  private Channel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    server.close();
  }

  private Channel.Builder builder() {
    return Channel.forAddress("127.0.0.1", server.port());
  }

  private ResponseStream<StringValue> watch() {
    return channel.serverStreamingCall(WATCH, Int64Value.of(0), CallOptions.DEFAULT);
  }

  /** Makes a call the server ends at once, with no messages. */
  private void finishedCall() {
    server.holdCalls = false;
    try (ResponseStream<StringValue> call = watch()) {
      assertThat(call.receive()).isNull();
    }
  }

  @Test
  void aPingUnansweredWithinTheTimeoutFailsTheCallsWithUnavailable() throws Exception {
    channel = builder().keepAliveTimeForTest(TIME).keepAliveTimeout(Duration.ofSeconds(1)).build();
    try (ResponseStream<StringValue> call = watch()) {
      FrameServer.Connection connection = server.nextConnection();
      // Answered PINGs keep coming while the call is quiet, and the connection stays up.
      for (int i = 0; i < 3; i++) {
        assertThat(connection.pingQuietNanos.poll(10, TimeUnit.SECONDS)).isNotNull();
      }
      assertThat(connection.closed).isNotDone();

      server.ackPings = false;
      assertThatThrownBy(call::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("keepalive", "1000 ms");
              });
      connection.closed.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anIdleConnectionIsNotPingedByDefault() throws Exception {
    channel = builder().keepAliveTimeForTest(TIME).build();
    finishedCall();
    FrameServer.Connection connection = server.nextConnection();
    assertThat(connection.pingQuietNanos.poll(5 * TIME_NANOS, TimeUnit.NANOSECONDS)).isNull();
  }

  @Test
  void keepAliveWithoutCallsPingsAnIdleConnection() throws Exception {
    channel = builder().keepAliveTimeForTest(TIME).keepAliveWithoutCalls(true).build();
    server.pingAckDelayMillis = TIME.toMillis() / 2; // a slow network
    finishedCall();
    FrameServer.Connection connection = server.nextConnection();
    for (int i = 0; i < 3; i++) {
      Long quiet = connection.pingQuietNanos.poll(10, TimeUnit.SECONDS);
      assertThat(quiet).isNotNull();
      // Counted from the last read (the late ACK), never from the last PING sent (A8).
      assertThat(quiet).isGreaterThanOrEqualTo(TIME_NANOS);
    }
  }

  @Test
  void aCallOnAConnectionQuietForLongerThanTheKeepAliveTimeIsPrecededByAPing() throws Exception {
    channel = builder().keepAliveTimeForTest(TIME).build();
    finishedCall();
    FrameServer.Connection connection = server.nextConnection();
    Thread.sleep(2 * TIME.toMillis()); // longer than the keepalive time, with nothing read

    server.holdCalls = true;
    ResponseStream<StringValue> call = watch();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (headersAndPings(connection).size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // A8: the PING goes out at once, ahead of the new call's HEADERS.
    assertThat(headersAndPings(connection)).containsExactly("HEADERS", "PING", "HEADERS");
    call.close();
  }

  private static List<String> headersAndPings(FrameServer.Connection connection) {
    return connection.frames.stream()
        .map(frame -> frame.split(" ")[0])
        .filter(type -> type.equals("HEADERS") || type.equals("PING"))
        .toList();
  }

  @Test
  void keepAliveTimesBelowTenSecondsAreRaisedToTenSeconds() throws Exception {
    channel = builder().keepAliveTime(Duration.ofSeconds(1)).keepAliveWithoutCalls(true).build();
    finishedCall();
    FrameServer.Connection connection = server.nextConnection();
    assertThat(connection.pingQuietNanos.poll(3, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void goAwayTooManyPingsDoublesTheKeepAliveTimeOfLaterConnections() throws Exception {
    channel = builder().keepAliveTimeForTest(TIME).keepAliveWithoutCalls(true).build();
    finishedCall();
    FrameServer.Connection first = server.nextConnection();
    assertThat(first.pingQuietNanos.poll(10, TimeUnit.SECONDS)).isNotNull();
    first.goAwayAndClose(0xb, "too_many_pings"); // ENHANCE_YOUR_CALM
    first.closed.get(10, TimeUnit.SECONDS);

    try {
      finishedCall();
    } catch (StatusException e) {
      // The call went out before the client read the GOAWAY; the next one cannot.
      assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
      finishedCall();
    }
    FrameServer.Connection second = server.nextConnection();
    Long quiet = second.pingQuietNanos.poll(10, TimeUnit.SECONDS);
    assertThat(quiet).isNotNull();
    assertThat(quiet).isGreaterThanOrEqualTo(2 * TIME_NANOS);
  }

  @Test
  void keepAliveOptionsMustBePositive() {
    assertThatThrownBy(() -> builder().keepAliveTime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keepAliveTime");
    assertThatThrownBy(() -> builder().keepAliveTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keepAliveTimeout");
  }
}
