package dev.trunk.internal.wire;

import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;

/**
 * Splits the DATA of one stream into length-prefixed messages (PROTOCOL-HTTP2.md,
 * "Length-Prefixed-Message"). A message may span DATA frames and a frame may hold several messages.
 * A prefix announcing more than the limit fails at once, before anything is buffered. Messages
 * leave as they arrived: one with the compressed flag set ({@link #lastMessageCompressed}) is
 * inflated by the thread that receives it, with {@link Compression#decompress}, so the event loop
 * never runs an inflater.
 *
 * <p>Not thread-safe: one transport thread feeds it. Close it to release what it buffers.
 */
public final class MessageDeframer {
  /**
   * Receives each complete message, still compressed if its flag says so; it owns (and must
   * release) the buffer, and its bytes stay reserved in the deframer's {@link InboundBudget} until
   * the receiver releases them there.
   */
  @FunctionalInterface
  public interface Sink {
    void onMessage(ByteBuf message);
  }

  private static final int MAX_COMPONENTS = 64;
  private static final int LENGTH_SIZE = 4;

  private final int maxMessageSize;
  private final String encoding;
  private final ByteBufAllocator allocator;
  private final InboundBudget budget;
  private final String direction;
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
  private int pendingBytes;
  private boolean closed;
  private boolean lastCompressed;
  private int messageLength = -1;
  private boolean messageCompressed;

  /**
   * @param budget where received bytes are reserved before they are buffered
   * @param direction "request" or "response", used in error messages
   */
  public MessageDeframer(
      int maxMessageSize,
      String encoding,
      ByteBufAllocator allocator,
      InboundBudget budget,
      String direction) {
    this.maxMessageSize = maxMessageSize;
    this.encoding = encoding;
    this.allocator = allocator;
    this.budget = budget;
    this.direction = direction;
  }

  /**
   * Adds {@code data} (always released here) and hands every complete message to {@code sink}.
   *
   * @throws StatusException RESOURCE_EXHAUSTED for a message over the limit or data over the
   *     budget, INTERNAL for a malformed prefix or a compressed message on a stream without
   *     grpc-encoding
   */
  public void deframe(ByteBuf data, Sink sink) {
    if (closed) {
      data.release();
      return;
    }
    if (!data.isReadable()) {
      data.release();
    } else {
      reserve(data);
      pending.add(data);
      pendingBytes += data.readableBytes();
    }
    while (true) {
      if (messageLength < 0) {
        if (pendingBytes < MessageFramer.PREFIX_SIZE) {
          break;
        }
        readPrefix();
      }
      if (pendingBytes < messageLength) {
        break;
      }
      ByteBuf body = take(messageLength);
      boolean compressed = messageCompressed;
      messageLength = -1;
      lastCompressed = compressed;
      sink.onMessage(body);
    }
  }

  /** Whether the most recently delivered message had the compressed flag set. */
  public boolean lastMessageCompressed() {
    return lastCompressed;
  }

  /**
   * The peer ended the stream.
   *
   * @throws StatusException INTERNAL if a message was cut short
   */
  public void endOfStream() {
    if (!closed && (pendingBytes > 0 || messageLength >= 0)) {
      int buffered = pendingBytes;
      close();
      throw Status.INTERNAL
          .withDescription(
              "truncated message: the "
                  + direction
                  + " stream ended inside a message ("
                  + buffered
                  + " bytes of an incomplete message)")
          .asException();
    }
  }

  /** Releases anything buffered; later data is dropped. */
  public void close() {
    if (!closed) {
      closed = true;
      ByteBuf chunk;
      while ((chunk = pending.poll()) != null) {
        chunk.release();
      }
      budget.release(pendingBytes);
      pendingBytes = 0;
    }
  }

  /** Reserves a chunk's bytes before buffering it; data that does not fit fails the stream. */
  private void reserve(ByteBuf data) {
    int bytes = data.readableBytes();
    InboundBudget full = budget.tryReserve(bytes);
    if (full != null) {
      data.release();
      close();
      throw full.exhausted(bytes, direction + " messages").asException();
    }
  }

  private void readPrefix() {
    int flag = readByte();
    long length = 0;
    for (int i = 0; i < LENGTH_SIZE; i++) {
      length = length << 8 | readByte();
    }
    budget.release(MessageFramer.PREFIX_SIZE);
    if (flag > 1) {
      throw failure(
          Status.INTERNAL, "the " + direction + " message has an invalid compressed flag " + flag);
    }
    if (length > maxMessageSize) {
      throw failure(
          Status.RESOURCE_EXHAUSTED,
          "the "
              + direction
              + " message of "
              + length
              + " bytes is larger than the limit of "
              + maxMessageSize
              + " bytes");
    }
    if (flag == 1 && encoding.equals(Compression.IDENTITY)) {
      throw failure(
          Status.INTERNAL,
          "the "
              + direction
              + " message is flagged compressed but the stream has no grpc-encoding");
    }
    messageCompressed = flag == 1;
    messageLength = (int) length;
  }

  private int readByte() {
    ByteBuf first = pending.getFirst();
    int value = first.readUnsignedByte();
    pendingBytes--;
    if (!first.isReadable()) {
      pending.removeFirst().release();
    }
    return value;
  }

  /**
   * Removes {@code length} buffered bytes: a slice of one chunk when possible, else a composite.
   */
  private ByteBuf take(int length) {
    ByteBuf first = pending.peekFirst();
    if (length == 0 || first == null) {
      return allocator.buffer(0);
    }
    pendingBytes -= length;
    if (first.readableBytes() >= length) {
      ByteBuf body = first.readRetainedSlice(length);
      if (!first.isReadable()) {
        pending.removeFirst().release();
      }
      return body;
    }
    CompositeByteBuf body = allocator.compositeBuffer(MAX_COMPONENTS);
    int remaining = length;
    while (remaining > 0) {
      ByteBuf chunk = pending.getFirst();
      int part = Math.min(remaining, chunk.readableBytes());
      body.addComponent(true, chunk.readRetainedSlice(part));
      remaining -= part;
      if (!chunk.isReadable()) {
        pending.removeFirst().release();
      }
    }
    return body;
  }

  private StatusException failure(Status status, String description) {
    close();
    return status.withDescription(description).asException();
  }
}
