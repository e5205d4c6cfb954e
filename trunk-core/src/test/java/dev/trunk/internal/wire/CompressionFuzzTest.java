package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trunk.Status;
import dev.trunk.StatusException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes {@link Compression#decompress} (compression.md: gzip message encoding) with gzip streams
 * that are intact, damaged, truncated or padded, under limits around their size. Seeds: {@code
 * CompressionFuzzTestInputs}.
 */
class CompressionFuzzTest {
  /**
   * The JDK's own gzip reader is the reference: a stream it reads cleanly within the limit comes
   * back byte for byte; one that yields more than the limit is RESOURCE_EXHAUSTED; one it finds
   * corrupt before the limit is INTERNAL. Nothing else escapes, the output never exceeds the limit,
   * and every buffer is released.
   */
  @FuzzTest
  void gzipInflatesToWhatTheJdkReadsWithinTheLimitOrFailsWithItsStatus(FuzzedDataProvider data) {
    byte[] plain = FuzzInputs.repeatedBytes(data, 256, 256);
    byte[] gzip = gzip(plain);
    boolean damaged = data.consumeBoolean();
    if (damaged) {
      gzip = FuzzInputs.damage(gzip, data);
    }
    int limit = FuzzInputs.limitAround(plain.length, data);
    Outcome expected = inflateWithJdk(gzip, limit);
    if (!damaged) {
      assertThat(expected)
          .as("the reference reads an intact stream")
          .isEqualTo(
              plain.length <= limit
                  ? Outcome.ok(plain)
                  : Outcome.failed(Status.Code.RESOURCE_EXHAUSTED));
    }

    TrackingAllocator allocator = new TrackingAllocator();
    ByteBuf compressed = FuzzInputs.buffer(allocator, gzip, data.consumeBoolean());
    Outcome actual;
    try {
      ByteBuf inflated = Compression.decompress(compressed, limit, allocator, "request");
      try {
        assertThat(inflated.readableBytes()).isLessThanOrEqualTo(limit);
        actual = Outcome.ok(ByteBufUtil.getBytes(inflated));
      } finally {
        inflated.release();
      }
    } catch (StatusException e) {
      actual = Outcome.failed(e.status().code());
      assertThat(e.status().description()).contains("request");
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(compressed.refCnt()).as("the compressed input is released").isZero();
    allocator.assertAllReleased();
  }

  /**
   * Reads {@code gzip} one byte at a time with {@link GZIPInputStream}, stopping one byte past the
   * limit. Its input buffer has the size Compression uses, so both give zlib the same input at each
   * step and see a corruption at the same point of the output.
   */
  static Outcome inflateWithJdk(byte[] gzip, int limit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
      for (int b = in.read(); b >= 0; b = in.read()) {
        out.write(b);
        if (out.size() > limit) {
          return Outcome.failed(Status.Code.RESOURCE_EXHAUSTED);
        }
      }
    } catch (IOException e) {
      return Outcome.failed(Status.Code.INTERNAL);
    }
    return Outcome.ok(out.toByteArray());
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** What decoding gave: the bytes, or the status code it failed with. */
  record Outcome(byte @Nullable [] bytes, Status.@Nullable Code failure) {
    static Outcome ok(byte[] bytes) {
      return new Outcome(bytes, null);
    }

    static Outcome failed(Status.Code code) {
      return new Outcome(null, code);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Outcome that
          && Arrays.equals(bytes, that.bytes)
          && failure == that.failure;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes) * 31 + Objects.hashCode(failure);
    }

    @Override
    public String toString() {
      return failure != null ? "failed " + failure : "ok " + ByteBufUtil.hexDump(bytes);
    }
  }
}
