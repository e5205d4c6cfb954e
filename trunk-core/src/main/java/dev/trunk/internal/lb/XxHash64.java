package dev.trunk.internal.lb;

import java.nio.charset.StandardCharsets;

/**
 * XXH64 with seed 0, as the xxHash specification (github.com/Cyan4973/xxHash, doc/xxhash_spec.md)
 * defines it: the hash gRFC A42 names for ring hash. Stateless and thread-safe.
 *
 * <pre>{@code
 * long h = XxHash64.hash("10.0.0.7:50051_0");
 * }</pre>
 */
final class XxHash64 {
  private static final long PRIME_1 = 0x9E3779B185EBCA87L;
  private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;
  private static final long PRIME_3 = 0x165667B19E3779F9L;
  private static final long PRIME_4 = 0x85EBCA77C2B2AE63L;
  private static final long PRIME_5 = 0x27D4EB2F165667C5L;

  /** Inputs this long or longer are consumed in 32-byte stripes by four accumulators. */
  private static final int STRIPE = 32;

  private XxHash64() {}

  /** XXH64 of the UTF-8 bytes of {@code text}, seed 0. */
  static long hash(String text) {
    return hash(text.getBytes(StandardCharsets.UTF_8));
  }

  /** XXH64 of {@code input}, seed 0. */
  static long hash(byte[] input) {
    int length = input.length;
    int offset = 0;
    long acc;
    if (length >= STRIPE) {
      long acc1 = PRIME_1 + PRIME_2;
      long acc2 = PRIME_2;
      long acc3 = 0;
      long acc4 = -PRIME_1;
      for (; offset <= length - STRIPE; offset += STRIPE) {
        acc1 = round(acc1, readLong(input, offset));
        acc2 = round(acc2, readLong(input, offset + 8));
        acc3 = round(acc3, readLong(input, offset + 16));
        acc4 = round(acc4, readLong(input, offset + 24));
      }
      acc =
          Long.rotateLeft(acc1, 1)
              + Long.rotateLeft(acc2, 7)
              + Long.rotateLeft(acc3, 12)
              + Long.rotateLeft(acc4, 18);
      acc = mergeAccumulator(acc, acc1);
      acc = mergeAccumulator(acc, acc2);
      acc = mergeAccumulator(acc, acc3);
      acc = mergeAccumulator(acc, acc4);
    } else {
      acc = PRIME_5;
    }
    acc += length;
    for (; offset <= length - 8; offset += 8) {
      acc ^= round(0, readLong(input, offset));
      acc = Long.rotateLeft(acc, 27) * PRIME_1 + PRIME_4;
    }
    if (offset <= length - 4) {
      acc ^= (readInt(input, offset) & 0xFFFFFFFFL) * PRIME_1;
      acc = Long.rotateLeft(acc, 23) * PRIME_2 + PRIME_3;
      offset += 4;
    }
    for (; offset < length; offset++) {
      acc ^= (input[offset] & 0xFFL) * PRIME_5;
      acc = Long.rotateLeft(acc, 11) * PRIME_1;
    }
    return avalanche(acc);
  }

  private static long round(long acc, long lane) {
    acc += lane * PRIME_2;
    acc = Long.rotateLeft(acc, 31);
    return acc * PRIME_1;
  }

  private static long mergeAccumulator(long acc, long accN) {
    acc ^= round(0, accN);
    return acc * PRIME_1 + PRIME_4;
  }

  private static long avalanche(long acc) {
    acc ^= acc >>> 33;
    acc *= PRIME_2;
    acc ^= acc >>> 29;
    acc *= PRIME_3;
    return acc ^ (acc >>> 32);
  }

  private static long readLong(byte[] input, int offset) {
    return (readInt(input, offset) & 0xFFFFFFFFL) | ((long) readInt(input, offset + 4) << 32);
  }

  private static int readInt(byte[] input, int offset) {
    return (input[offset] & 0xFF)
        | (input[offset + 1] & 0xFF) << 8
        | (input[offset + 2] & 0xFF) << 16
        | (input[offset + 3] & 0xFF) << 24;
  }
}
