package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The text encodings of PROTOCOL-HTTP2.md: grpc-timeout, grpc-message and -bin headers. */
class WireFormatTest {
  @ParameterizedTest
  @CsvSource({
    "1H,3600000000000",
    "2M,120000000000",
    "3S,3000000000",
    "4m,4000000",
    "5u,5000",
    "6n,6",
    "99999999S,99999999000000000"
  })
  void grpcTimeoutParsesEveryUnit(String header, long nanos) {
    assertThat(GrpcTimeout.parseNanos(header)).isEqualTo(nanos);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "S", "1", "123456789S", "1x", "-1S", "1.5S", " 1S"})
  void grpcTimeoutRefusesWhatTheGrammarDoesNotAllow(String header) {
    assertThatThrownBy(() -> GrpcTimeout.parseNanos(header))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void grpcTimeoutEncodesWithAtMostEightDigitsAndRoundTrips() {
    for (long nanos :
        new long[] {1, 999, 123_456_789, TimeUnit.DAYS.toNanos(3), TimeUnit.DAYS.toNanos(10_000)}) {
      String header = GrpcTimeout.encode(nanos);
      assertThat(header).matches("[0-9]{1,8}[HMSmun]");
      // Rounded up to the unit, never shorter than asked.
      assertThat(GrpcTimeout.parseNanos(header)).isGreaterThanOrEqualTo(nanos);
    }
  }

  @Test
  void grpcMessagePercentEncodesWhatIsNotPrintableAsciiAndRoundTrips() {
    String message = "tab\there, 100% sure, naïve ☃, \r\n";
    String encoded = PercentEncoding.encode(message);
    assertThat(encoded).matches("[\\x20-\\x7e]*").doesNotContain("\t").contains("%25");
    assertThat(PercentEncoding.decode(encoded)).isEqualTo(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "%4", "%zz", "%E2%98", "100%", "%FF%FE"})
  void grpcMessageDecodingNeverFails(String malformed) {
    assertThat(PercentEncoding.decode(malformed)).isNotNull();
  }

  @Test
  void binaryHeadersAreSentUnpaddedAndAcceptedPaddedOrNot() {
    byte[] value = "ab".getBytes(StandardCharsets.US_ASCII);
    assertThat(BinaryHeaders.encode(value)).isEqualTo("YWI");
    assertThat(BinaryHeaders.decode("YWI")).isEqualTo(value);
    assertThat(BinaryHeaders.decode("YWI=")).isEqualTo(value);
  }

  @Test
  void repeatedBinaryValuesArriveCommaJoined() {
    assertThat(BinaryHeaders.decodeValues("YWI=,Y2Q"))
        .containsExactly(
            "ab".getBytes(StandardCharsets.US_ASCII), "cd".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void badBase64IsRefusedWithTheOffendingText() {
    assertThatThrownBy(() -> BinaryHeaders.decode("not*base64"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not*base64");
  }
}
