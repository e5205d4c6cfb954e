package dev.trunk.internal.wire;

import io.netty.buffer.ByteBuf;

/**
 * The two sizes of a message that event listeners see: on the wire (without the 5-byte prefix,
 * compressed if it was) and as the application sees it. A gzip message's uncompressed size is read
 * from its trailer (RFC 1952 section 2.3.1, ISIZE: the input size modulo 2^32, little-endian, in
 * the last four bytes), so that no thread inflates a message just to report its size. A peer may
 * declare a wrong size there; the inflater's limit, not this, is what protects the process.
 */
public final class MessageSizes {
  /** RFC 1952: a 10-byte header and an 8-byte trailer (CRC32 and ISIZE) around the data. */
  private static final int GZIP_MIN_SIZE = 18;

  /** RFC 1952 section 2.3.1: ISIZE is the last four bytes of a member. */
  private static final int ISIZE_BYTES = 4;

  private MessageSizes() {}

  /** The wire size of a framed message (5-byte prefix included in {@code framed}). */
  public static long wireSize(ByteBuf framed) {
    return framed.readableBytes() - MessageFramer.PREFIX_SIZE;
  }

  /** The uncompressed size of a framed message, as its compressed flag and trailer declare it. */
  public static long size(ByteBuf framed) {
    boolean compressed = framed.getByte(framed.readerIndex()) != 0;
    if (!compressed) {
      return wireSize(framed);
    }
    return declared(framed, wireSize(framed));
  }

  /** The uncompressed size of a message body (no prefix), compressed or not. */
  public static long size(ByteBuf body, boolean compressed) {
    return compressed ? declared(body, body.readableBytes()) : body.readableBytes();
  }

  private static long declared(ByteBuf buffer, long wireSize) {
    if (wireSize < GZIP_MIN_SIZE) {
      return wireSize;
    }
    return buffer.getIntLE(buffer.writerIndex() - ISIZE_BYTES) & 0xFFFF_FFFFL;
  }
}
