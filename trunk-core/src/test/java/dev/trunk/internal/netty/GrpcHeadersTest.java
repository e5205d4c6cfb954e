package dev.trunk.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Status;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** grpc-status is "1*DIGIT" (PROTOCOL-HTTP2.md); found by GrpcHeadersFuzzTest. */
class GrpcHeadersTest {
  @ParameterizedTest
  @ValueSource(strings = {"+9", "-0", "+0", " 0", "0x0", ""})
  void aGrpcStatusThatIsNotAsciiDigitsIsMalformedNeverOk(String value) {
    Status status = GrpcHeaders.statusOf(trailers(value));

    assertThat(status).isNotNull();
    assertThat(status.code()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.description()).contains("malformed grpc-status");
  }

  @ParameterizedTest
  @CsvSource({"0,OK", "000,OK", "9,FAILED_PRECONDITION", "17,UNKNOWN", "99999999999,UNKNOWN"})
  void aGrpcStatusOfDigitsIsItsCode(String value, Status.Code code) {
    assertThat(GrpcHeaders.statusOf(trailers(value))).isEqualTo(code.toStatus());
  }

  private static Http2Headers trailers(String grpcStatus) {
    return GrpcHeaders.newHeaders().set(GrpcHeaders.GRPC_STATUS, grpcStatus);
  }
}
