package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bugs the decoder fuzz tests found, each kept as a plain test (the crashing input is also kept as
 * a seed of its fuzz test).
 */
class DecoderRegressionTest {
  @Test
  void gzipInflatesUnderTheLargestLimitABuilderAllows() {
    TrackingAllocator allocator = new TrackingAllocator();
    byte[] plain = "hello".getBytes(StandardCharsets.US_ASCII);
    ByteBuf compressed = Compression.compress(plain, allocator);

    ByteBuf inflated = Compression.decompress(compressed, Integer.MAX_VALUE, allocator, "response");

    assertThat(ByteBufUtil.getBytes(inflated)).isEqualTo(plain);
    inflated.release();
    allocator.assertAllReleased();
  }

  @Test
  void grpcMessageDecodingKeepsUnescapedCharactersOutsideTheBasicPlane() {
    assertThat(PercentEncoding.decode("snow \u2603, smile \uD83D\uDE00"))
        .isEqualTo("snow \u2603, smile \uD83D\uDE00");
  }

  @Test
  void grpcMessageEscapesTakeOnlyAsciiHexDigits() {
    // ARABIC-INDIC DIGIT THREE and FULLWIDTH DIGIT FOUR are digits to Character.digit, not to
    // percent-encoding (RFC 3986 HEXDIG).
    assertThat(PercentEncoding.decode("%\u0663\u0663 %\uFF14\uFF11"))
        .isEqualTo("%\u0663\u0663 %\uFF14\uFF11");
    assertThat(PercentEncoding.decode("%41%e2%98%83")).isEqualTo("A\u2603");
  }

  @Test
  void grpcMessageEncodesSpacesAtEitherEndSoHttp2AcceptsTheValue() {
    assertThat(PercentEncoding.encode(" padded ")).isEqualTo("%20padded%20");
    assertThat(PercentEncoding.encode(" ")).isEqualTo("%20");
    assertThat(PercentEncoding.encode("in the middle")).isEqualTo("in the middle");
    assertThat(PercentEncoding.decode("%20padded%20")).isEqualTo(" padded ");
  }
}
