package dev.trunk.internal.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns fuzzer input into the shapes the wire fuzz tests need. */
final class FuzzInputs {
  /** At most this many DATA chunks per input, so one input stays fast. */
  static final int MAX_CHUNKS = 64;

  private FuzzInputs() {}

  /**
   * Up to {@code maxLength} fuzzer bytes repeated up to {@code maxRepeats} times: highly
   * compressible input, so small fuzzer inputs can still make large messages.
   */
  static byte[] repeatedBytes(FuzzedDataProvider data, int maxLength, int maxRepeats) {
    byte[] unit = data.consumeBytes(data.consumeInt(0, maxLength));
    int repeats = unit.length == 0 ? 1 : data.consumeInt(1, maxRepeats);
    byte[] out = new byte[unit.length * repeats];
    for (int i = 0; i < repeats; i++) {
      System.arraycopy(unit, 0, out, i * unit.length, unit.length);
    }
    return out;
  }

  /** Flips bytes, cuts the end off and appends bytes, each as the fuzzer decides. */
  static byte[] damage(byte[] bytes, FuzzedDataProvider data) {
    byte[] out = bytes.clone();
    int flips = data.consumeInt(0, 3);
    for (int i = 0; i < flips && out.length > 0; i++) {
      out[data.consumeInt(0, out.length - 1)] ^= (byte) data.consumeInt(1, 255);
    }
    if (data.consumeBoolean()) {
      out = Arrays.copyOf(out, data.consumeInt(0, out.length));
    }
    byte[] tail = data.consumeBytes(data.consumeInt(0, 32));
    byte[] joined = Arrays.copyOf(out, out.length + tail.length);
    System.arraycopy(tail, 0, joined, out.length, tail.length);
    return joined;
  }

  /**
   * A message size limit: exactly at, just under or just over {@code size}, small, or
   * Integer.MAX_VALUE (the largest a builder accepts).
   */
  static int limitAround(int size, FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> Math.max(0, size + data.consumeInt(-1, 1));
      case 1 -> data.consumeInt(0, 1024);
      case 2 -> Integer.MAX_VALUE;
      default -> data.consumeInt(0, Integer.MAX_VALUE);
    };
  }

  /**
   * Sizes of the chunks {@code total} bytes arrive in (empty chunks included, like empty DATA
   * frames); they add up to {@code total}.
   */
  static List<Integer> chunkSizes(int total, FuzzedDataProvider data) {
    List<Integer> sizes = new ArrayList<>();
    int left = total;
    while (left > 0 && sizes.size() < MAX_CHUNKS - 1 && data.remainingBytes() > 0) {
      int size = data.consumeInt(0, left);
      sizes.add(size);
      left -= size;
    }
    sizes.add(left);
    return sizes;
  }

  /**
   * A buffer holding {@code bytes} behind a few bytes already read, as a DATA frame is a slice of a
   * larger read buffer: code that ignores the reader index reads the wrong bytes.
   */
  static ByteBuf buffer(ByteBufAllocator allocator, byte[] bytes, boolean direct) {
    return buffer(allocator, bytes, 0, bytes.length, direct);
  }

  static ByteBuf buffer(
      ByteBufAllocator allocator, byte[] bytes, int offset, int length, boolean direct) {
    int skipped = 3;
    ByteBuf buffer =
        direct ? allocator.directBuffer(skipped + length) : allocator.heapBuffer(skipped + length);
    buffer.writeBytes(new byte[] {'x', 'y', 'z'}).writeBytes(bytes, offset, length);
    return buffer.skipBytes(skipped);
  }
}
