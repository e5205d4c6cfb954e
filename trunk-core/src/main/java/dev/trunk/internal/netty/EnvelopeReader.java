package dev.trunk.internal.netty;

import dev.trunk.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * Splits a response body of length-prefixed envelopes (flag byte, 4-byte length, payload) into the
 * message envelopes, passed on as they arrive without waiting for whole messages, and the one final
 * envelope whose flag byte has {@code endFlag} set (gRPC-Web's trailers, Connect's end-of-stream
 * message), collected whole. Not thread-safe: the transport thread only.
 */
final class EnvelopeReader {
  /** The envelope prefix: a flag byte and a 4-byte big-endian length (gRPC's message framing). */
  static final int PREFIX_BYTES = 5;

  /** The end envelope, collected whole. */
  record End(int flags, ByteBuf payload) {}

  private final int endFlag;
  private final int maxEndBytes;
  private final String endName;
  private final ByteBuf prefix = Unpooled.buffer(PREFIX_BYTES, PREFIX_BYTES);
  // Payload bytes of the current message envelope still to pass on.
  private int messageRemaining;
  // The end envelope while it arrives, its flags and length.
  private @Nullable ByteBuf end;
  private int endFlags;
  private int endLength;
  private boolean ended;

  EnvelopeReader(int endFlag, int maxEndBytes, String endName) {
    this.endFlag = endFlag;
    this.maxEndBytes = maxEndBytes;
    this.endName = endName;
  }

  /**
   * Reads {@code chunk} (released here): returns the message envelope bytes in it, and the end
   * envelope once complete through {@code onEnd}. Bytes after the end envelope are ignored.
   *
   * @throws dev.trunk.StatusException RESOURCE_EXHAUSTED for an end envelope over the limit
   */
  ByteBuf read(ByteBuf chunk, java.util.function.Consumer<End> onEnd) {
    CompositeByteBuf messages = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    try {
      while (chunk.isReadable() && !ended) {
        if (messageRemaining > 0) {
          int take = Math.min(messageRemaining, chunk.readableBytes());
          messages.addComponent(true, chunk.readRetainedSlice(take));
          messageRemaining -= take;
        } else if (end != null) {
          readEnd(chunk, onEnd);
        } else {
          readPrefix(chunk, messages, onEnd);
        }
      }
    } catch (RuntimeException e) {
      messages.release();
      throw e;
    } finally {
      chunk.release();
    }
    return messages;
  }

  private void readPrefix(
      ByteBuf chunk, CompositeByteBuf messages, java.util.function.Consumer<End> onEnd) {
    chunk.readBytes(prefix, Math.min(prefix.writableBytes(), chunk.readableBytes()));
    if (prefix.isWritable()) {
      return;
    }
    int flags = prefix.getUnsignedByte(0);
    int length = prefix.getInt(1);
    if ((flags & endFlag) == 0) {
      messages.addComponent(true, prefix.copy());
      messageRemaining = length; // the call's deframer checks the length against its limit
      prefix.clear();
      return;
    }
    if (length < 0 || length > maxEndBytes) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "the response's "
                  + endName
                  + " is "
                  + Integer.toUnsignedString(length)
                  + " bytes, over the limit of "
                  + maxEndBytes
                  + " bytes")
          .asException();
    }
    endFlags = flags;
    endLength = length;
    end = Unpooled.buffer(length, length);
    readEnd(chunk, onEnd);
  }

  private void readEnd(ByteBuf chunk, java.util.function.Consumer<End> onEnd) {
    ByteBuf collected = java.util.Objects.requireNonNull(end);
    chunk.readBytes(
        collected, Math.min(endLength - collected.readableBytes(), chunk.readableBytes()));
    if (collected.readableBytes() == endLength) {
      ended = true;
      end = null;
      onEnd.accept(new End(endFlags, collected));
    }
  }

  /** Whether the end envelope has been read. */
  boolean ended() {
    return ended;
  }

  /** Releases what is held; the reader is not used after. */
  void close() {
    ByteBuf partial = end;
    end = null;
    if (partial != null) {
      partial.release();
    }
  }
}
