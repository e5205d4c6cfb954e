package dev.trunk.internal.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The base64 of {@code application/grpc-web-text} bodies (PROTOCOL-WEB.md, "Text-encoded (response)
 * streams"), decoded as the chunks of a request arrive and encoded for responses.
 *
 * <p>A body may be several separately padded base64 pieces one after another (a sender may pad
 * whenever it flushes), so padding may appear in the middle: {@code "AA==AAA="} is two pieces.
 * Chunks may split the text anywhere; up to 3 characters of an incomplete 4-character quantum wait
 * for the next chunk. Only the standard alphabet, no whitespace.
 *
 * <p>Not thread-safe: one instance per request body, fed from one thread.
 */
public final class Base64Stream {
  /** Characters per base64 quantum, and the bytes a full one decodes to (RFC 4648 section 4). */
  private static final int QUANTUM_CHARS = 4;

  private static final int QUANTUM_BYTES = 3;
  private static final int BITS_PER_CHAR = 6;
  private static final byte PAD = '=';

  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
          .getBytes(StandardCharsets.US_ASCII);

  /** The 6-bit value of each ASCII character, -1 for those outside the alphabet. */
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private final ByteBufAllocator allocator;

  /** The 6-bit values of the current quantum's characters so far, most significant first. */
  private int bits;

  private int chars;

  /** Whether the current quantum has had one '=' after two characters and needs a second. */
  private boolean padding;

  /** Characters consumed so far, over all chunks: the offset error messages name. */
  private long offset;

  public Base64Stream(ByteBufAllocator allocator) {
    this.allocator = allocator;
  }

  /**
   * Decodes one chunk of the body, releasing it, and returns the bytes of every quantum it
   * completes (possibly none), which the caller must release.
   *
   * @throws IllegalArgumentException naming the body offset of a character that is not base64 or of
   *     misplaced padding
   */
  public ByteBuf decode(ByteBuf chunk) {
    try {
      int length = chunk.readableBytes();
      ByteBuf out = allocator.buffer((chars + length) / QUANTUM_CHARS * QUANTUM_BYTES);
      try {
        for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
          accept(chunk.getByte(i), out);
          offset++;
        }
        return out;
      } catch (RuntimeException e) {
        out.release();
        throw e;
      }
    } finally {
      chunk.release();
    }
  }

  /**
   * Checks that the body ended on a quantum boundary.
   *
   * @throws IllegalArgumentException if characters of an incomplete quantum are left over
   */
  public void finish() {
    if (chars > 0) {
      throw new IllegalArgumentException(
          "invalid base64 in the grpc-web-text request body: it ends with "
              + chars
              + " character(s) of an incomplete 4-character group (missing padding?)");
    }
  }

  /**
   * Encodes response bytes as one padded base64 piece, releasing {@code data}; the caller releases
   * the result. Each piece of a response may be padded on its own.
   */
  public ByteBuf encode(ByteBuf data) {
    try {
      int length = data.readableBytes();
      int groups = (length + QUANTUM_BYTES - 1) / QUANTUM_BYTES;
      ByteBuf out = allocator.buffer(groups * QUANTUM_CHARS);
      int i = data.readerIndex();
      int end = data.writerIndex();
      for (; i + QUANTUM_BYTES <= end; i += QUANTUM_BYTES) {
        writeQuantum(out, data.getUnsignedMedium(i), QUANTUM_CHARS);
      }
      int rest = end - i;
      if (rest == 1) {
        writeQuantum(out, data.getUnsignedByte(i) << 16, 2);
      } else if (rest == 2) {
        writeQuantum(out, data.getUnsignedShort(i) << 8, 3);
      }
      return out;
    } finally {
      data.release();
    }
  }

  /** Writes the first {@code used} characters of a 24-bit group, then '=' up to 4. */
  private static void writeQuantum(ByteBuf out, int group, int used) {
    for (int c = 0; c < QUANTUM_CHARS; c++) {
      int shift = (QUANTUM_CHARS - 1 - c) * BITS_PER_CHAR;
      out.writeByte(c < used ? ALPHABET[(group >>> shift) & 0x3f] : PAD);
    }
  }

  private void accept(byte c, ByteBuf out) {
    if (padding) {
      if (c != PAD) {
        throw invalid(c, "a second '=' must follow");
      }
      out.writeByte(bits >>> 4); // 2 characters: 12 bits, the last 4 of them padding
      reset();
      return;
    }
    if (c == PAD) {
      acceptPad(c, out);
      return;
    }
    int value = c >= 0 ? VALUES[c] : -1;
    if (value < 0) {
      throw invalid(c, "not a base64 character");
    }
    bits = (bits << BITS_PER_CHAR) | value;
    chars++;
    if (chars == QUANTUM_CHARS) {
      out.writeMedium(bits);
      reset();
    }
  }

  private void acceptPad(byte c, ByteBuf out) {
    if (chars == 3) {
      out.writeShort(bits >>> 2); // 3 characters: 18 bits, the last 2 of them padding
      reset();
    } else if (chars == 2) {
      padding = true;
      chars = 3;
    } else {
      throw invalid(c, "padding after " + chars + " character(s) of a 4-character group");
    }
  }

  private void reset() {
    bits = 0;
    chars = 0;
    padding = false;
  }

  private IllegalArgumentException invalid(byte c, String problem) {
    String shown = c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : "byte 0x%02x".formatted(c & 0xff);
    return new IllegalArgumentException(
        "invalid base64 in the grpc-web-text request body at offset "
            + offset
            + ": "
            + shown
            + ", "
            + problem);
  }
}
