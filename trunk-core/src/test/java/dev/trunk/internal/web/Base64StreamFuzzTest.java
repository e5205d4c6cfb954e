package dev.trunk.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trunk.internal.wire.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes {@link Base64Stream}, which decodes {@code application/grpc-web-text} request bodies as
 * they arrive. Seeds: {@code Base64StreamFuzzTestInputs}.
 */
class Base64StreamFuzzTest {
  /** Keeps one input fast. */
  private static final int MAX_PIECES = 8;

  private static final int MAX_PIECE_BYTES = 64;
  private static final int MAX_CHUNKS = 8;

  private static final Pattern ERROR =
      Pattern.compile(
          "invalid base64 in the grpc-web-text request body(?: at offset (\\d+): .+|: it ends .+)");

  /**
   * Pieces of any bytes, each padded base64 on its own (as {@link Base64Stream#encode} writes them
   * or as the JDK does), split into chunks anywhere, decode to the pieces' bytes; nothing leaks.
   */
  @FuzzTest
  void separatelyPaddedPiecesSplitAnywhereDecodeToTheirBytes(FuzzedDataProvider data) {
    TrackingAllocator allocator = new TrackingAllocator();
    Base64Stream encoder = new Base64Stream(allocator);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int pieces = data.consumeInt(0, MAX_PIECES);
    for (int i = 0; i < pieces; i++) {
      byte[] piece = data.consumeBytes(data.consumeInt(0, MAX_PIECE_BYTES));
      expected.writeBytes(piece);
      ByteBuf encoded = encoder.encode(allocator.buffer().writeBytes(piece));
      byte[] text = drain(encoded);
      assertThat(text).isEqualTo(Base64.getEncoder().encode(piece));
      body.writeBytes(text);
    }

    Base64Stream decoder = new Base64Stream(allocator);
    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    for (ByteBuf chunk : chunks(allocator, body.toByteArray(), data)) {
      decoded.writeBytes(drain(decoder.decode(chunk)));
    }
    decoder.finish();

    assertThat(decoded.toByteArray()).isEqualTo(expected.toByteArray());
    allocator.assertAllReleased();
  }

  /**
   * Any body, split into chunks anywhere, gives the same bytes, or the same error (naming an offset
   * inside the body), as the body in one chunk; nothing leaks, even on an error.
   */
  @FuzzTest
  void anyBodySplitAnywhereDecodesAsOneChunkDoes(FuzzedDataProvider data) {
    TrackingAllocator allocator = new TrackingAllocator();
    int[] cuts = new int[data.consumeInt(0, MAX_CHUNKS - 1)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
    }
    byte[] body = data.consumeRemainingAsBytes();
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] %= body.length + 1;
    }
    Arrays.sort(cuts);
    List<ByteBuf> chunks = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int end = i < cuts.length ? cuts[i] : body.length;
      chunks.add(chunk(allocator, body, start, end, i % 2 == 0));
      start = end;
    }

    Outcome whole = run(allocator, List.of(chunk(allocator, body, 0, body.length, false)));
    Outcome split = run(allocator, chunks);

    assertThat(split.error()).isEqualTo(whole.error());
    if (whole.error() == null) {
      assertThat(split.bytes()).isEqualTo(whole.bytes());
    } else {
      Matcher m = ERROR.matcher(whole.error());
      assertThat(m.matches()).as(whole.error()).isTrue();
      if (m.group(1) != null) {
        assertThat(Integer.parseInt(m.group(1))).isBetween(0, body.length - 1);
      }
    }
    allocator.assertAllReleased();
  }

  private record Outcome(byte[] bytes, @Nullable String error) {}

  private static Outcome run(TrackingAllocator allocator, List<ByteBuf> chunks) {
    Base64Stream decoder = new Base64Stream(allocator);
    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    int next = 0;
    try {
      for (; next < chunks.size(); next++) {
        decoded.writeBytes(drain(decoder.decode(chunks.get(next))));
      }
      decoder.finish();
      return new Outcome(decoded.toByteArray(), null);
    } catch (IllegalArgumentException e) {
      for (int i = next + 1; i < chunks.size(); i++) {
        chunks.get(i).release(); // never handed over
      }
      return new Outcome(decoded.toByteArray(), e.getMessage());
    }
  }

  /** Chunks at fuzzer-chosen points, heap or direct, some empty, some with a reader index. */
  private static List<ByteBuf> chunks(
      TrackingAllocator allocator, byte[] body, FuzzedDataProvider data) {
    List<ByteBuf> chunks = new ArrayList<>();
    int count = data.consumeInt(1, MAX_CHUNKS);
    int start = 0;
    for (int i = 0; i < count; i++) {
      int end = i == count - 1 ? body.length : data.consumeInt(start, body.length);
      chunks.add(chunk(allocator, body, start, end, data.consumeBoolean()));
      start = end;
    }
    return chunks;
  }

  private static ByteBuf chunk(
      TrackingAllocator allocator, byte[] body, int start, int end, boolean direct) {
    ByteBuf buffer = direct ? allocator.directBuffer() : allocator.heapBuffer();
    return buffer.writeByte('?').writeBytes(body, start, end - start).skipBytes(1);
  }

  private static byte[] drain(ByteBuf buffer) {
    try {
      return ByteBufUtil.getBytes(buffer);
    } finally {
      buffer.release();
    }
  }
}
