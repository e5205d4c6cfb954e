package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rich error details without packing {@link Any} by hand: a server throws a status with standard
 * {@code google.rpc} detail messages, the client reads them back typed, over a real connection.
 */
class StatusDetailsTest {
  private static final BadRequest BAD_REQUEST =
      BadRequest.newBuilder()
          .addFieldViolations(
              BadRequest.FieldViolation.newBuilder()
                  .setField("key")
                  .setDescription("must not be empty"))
          .build();
  private static final ErrorInfo INFO =
      ErrorInfo.newBuilder().setReason("EMPTY_KEY").setDomain("store.example.com").build();

  private @Nullable Server server;
  private @Nullable Channel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void theClientReadsTheServersDetailsTyped() throws Exception {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(
                ServiceDefinition.builder(TestService.NAME)
                    .unary(
                        TestService.ECHO,
                        request -> {
                          throw Status.INVALID_ARGUMENT
                              .withDescription("bad key")
                              .withDetails(BAD_REQUEST, INFO)
                              .asException();
                        })
                    .build())
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();

    assertThatThrownBy(
            () -> channel.unaryCall(TestService.ECHO, StringValue.of(""), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              Status status = e.status();
              assertThat(status.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(status.detail(BadRequest.class)).contains(BAD_REQUEST);
              assertThat(status.details(ErrorInfo.class)).containsExactly(INFO);
              assertThat(status.detail(RetryInfo.class)).isEmpty();
              assertThat(status.details())
                  .extracting(Any::getTypeUrl)
                  .containsExactly(
                      "type.googleapis.com/google.rpc.BadRequest",
                      "type.googleapis.com/google.rpc.ErrorInfo");
            });
  }

  @Test
  void anAnyIsKeptAsItIsAndACorruptDetailIsReported() {
    Any corrupt =
        Any.newBuilder()
            .setTypeUrl("type.googleapis.com/google.rpc.ErrorInfo")
            .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01}))
            .build();
    Status status = Status.ABORTED.withDetails(corrupt, INFO);

    assertThat(status.details()).first().isSameAs(corrupt);
    assertThatThrownBy(() -> status.details(ErrorInfo.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a type.googleapis.com/google.rpc.ErrorInfo detail of ABORTED does not parse");
  }
}
