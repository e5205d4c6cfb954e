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
}
