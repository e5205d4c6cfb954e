package dev.trunk.internal.wire;

import dev.trunk.Codec;
import dev.trunk.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Writes one length-prefixed message (PROTOCOL-HTTP2.md, "Length-Prefixed-Message"): a
 * compressed-flag byte, a four-byte big-endian length, then the message bytes.
 */
public final class MessageFramer {
  /** The size of the compressed flag plus the length. */
  public static final int PREFIX_SIZE = 5;

  private MessageFramer() {}

  /**
   * Encodes {@code message} with {@code codec}, gzip-compressing it when {@code compress} is true
   * (the stream's grpc-encoding must then be gzip).
   *
   * @throws dev.trunk.StatusException INTERNAL if the codec fails
   */
  public static <T> ByteBuf frame(
      Codec<T> codec, T message, ByteBufAllocator allocator, String encoding, boolean compress) {
    if (compress && encoding.equals(Compression.GZIP)) {
      return frameCompressed(codec, message, allocator);
    }
    int size = codec.encodedSize(message);
    ByteBuf frame = allocator.buffer(PREFIX_SIZE + size);
    try {
      frame.writeByte(0).writeInt(size);
      ByteBuffer target = frame.nioBuffer(PREFIX_SIZE, size);
      codec.encode(message, target);
      frame.writerIndex(PREFIX_SIZE + size);
      return frame;
    } catch (Exception e) {
      frame.release();
      throw encodingFailed(codec, e);
    }
  }

  private static <T> ByteBuf frameCompressed(
      Codec<T> codec, T message, ByteBufAllocator allocator) {
    byte[] plain;
    try {
      plain = new byte[codec.encodedSize(message)];
      codec.encode(message, ByteBuffer.wrap(plain));
    } catch (Exception e) {
      throw encodingFailed(codec, e);
    }
    ByteBuf body = Compression.compress(plain, allocator);
    try {
      ByteBuf frame = allocator.buffer(PREFIX_SIZE + body.readableBytes());
      frame.writeByte(1).writeInt(body.readableBytes()).writeBytes(body);
      return frame;
    } finally {
      body.release();
    }
  }

  private static RuntimeException encodingFailed(Codec<?> codec, Exception e) {
    return Status.INTERNAL
        .withDescription("cannot encode a message with " + codec + ": " + e)
        .withCause(e)
        .asException();
  }
}
