package dev.trunk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import org.junit.jupiter.api.Test;

/** A call on a closed channel fails UNAVAILABLE saying the channel was closed and what to do. */
class ClosedChannelTest {
  @Test
  void aCallOnAClosedChannelSaysItWasClosedAndToBuildANewOne() throws Exception {
    try (Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new TestService().definition())
            .build()
            .start()) {
      Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();
      channel.unaryCall(TestService.ECHO, StringValue.of("before"), CallOptions.DEFAULT);
      channel.close();

      assertThatThrownBy(
              () ->
                  channel.unaryCall(TestService.ECHO, StringValue.of("after"), CallOptions.DEFAULT))
          .isInstanceOf(StatusException.class)
          .hasMessageContaining("UNAVAILABLE")
          .hasMessageContaining("the channel is closed (close() or shutdownNow() was called)")
          .hasMessageContaining("build a new Channel");
    }
  }
}
