package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.trunk.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link StatusDetails}, the {@code google.rpc.Status} carried in {@code
 * grpc-status-details-bin}. Seeds: {@code StatusDetailsFuzzTestInputs}.
 */
class StatusDetailsFuzzTest {
  /**
   * Any status with details round-trips; any bytes give the status with its code and description
   * untouched plus the details found, or an IllegalArgumentException; details found survive a
   * second round trip.
   */
  @FuzzTest
  void anyStatusRoundTripsAndAnyBytesGiveDetailsOrAreRefused(FuzzedDataProvider data) {
    Status.Code code = Status.Code.of(data.consumeInt(0, 16));
    String description = data.consumeString(64);
    List<Any> details = new ArrayList<>();
    int count = data.consumeInt(0, 3);
    for (int i = 0; i < count; i++) {
      details.add(
          Any.newBuilder()
              .setTypeUrl(data.consumeAsciiString(64))
              .setValue(ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 128))))
              .build());
    }
    Status base = code.toStatus().withDescription(description.isEmpty() ? null : description);
    Status sent = details.isEmpty() ? base : base.withDetails(details);
    assertThat(StatusDetails.decode(StatusDetails.encode(sent), base)).isEqualTo(sent);

    byte[] encoded = data.consumeRemainingAsBytes();
    Status decoded;
    try {
      decoded = StatusDetails.decode(encoded, base);
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageContaining("grpc-status-details-bin");
      return;
    }
    assertThat(decoded.code()).isEqualTo(base.code());
    assertThat(decoded.description()).isEqualTo(base.description());
    assertThat(StatusDetails.decode(StatusDetails.encode(decoded), base)).isEqualTo(decoded);
  }
}
