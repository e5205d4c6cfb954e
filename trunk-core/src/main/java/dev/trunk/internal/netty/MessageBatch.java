package dev.trunk.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Framed messages of one stream that wait for the event loop, joined so that they leave as one DATA
 * write: one flow-controller entry, one promise and one completion callback for the batch instead
 * of one per message. Small messages are copied into one buffer (a copy of a few hundred bytes
 * costs less than an I/O vector and the bookkeeping of a separate write); large ones are joined
 * without copying. Not thread-safe: its owner guards it.
 */
final class MessageBatch {
  /** Messages up to this size are copied into the batch buffer; larger ones are referenced. */
  static final int COPY_LIMIT = 4096;

  /** Initial capacity of a batch buffer, enough for dozens of small messages. */
  static final int INITIAL_CAPACITY = 4096;

  private @Nullable ByteBuf data;
  private boolean copying;
  private boolean taskQueued;

  /**
   * Notes that a task to take the batch is being queued. False if one already is: it has not run
   * yet and will take whatever was added since, so no second task is needed.
   */
  boolean queueTask() {
    if (taskQueued) {
      return false;
    }
    taskQueued = true;
    return true;
  }

  /** Adds a framed message; takes ownership. Joined buffers come from the message's allocator. */
  void add(ByteBuf message) {
    ByteBufAllocator allocator = message.alloc();
    ByteBuf current = data;
    if (current == null) {
      data = message;
    } else if (current instanceof CompositeByteBuf composite) {
      composite.addComponent(true, message);
    } else if (message.readableBytes() > COPY_LIMIT
        || (!copying && current.readableBytes() > COPY_LIMIT)) {
      data =
          allocator.compositeDirectBuffer(Integer.MAX_VALUE).addComponents(true, current, message);
    } else {
      if (!copying) {
        ByteBuf batch =
            allocator.directBuffer(
                Math.max(INITIAL_CAPACITY, current.readableBytes() + message.readableBytes()));
        batch.writeBytes(current);
        current.release();
        data = current = batch;
        copying = true;
      }
      current.writeBytes(message);
      message.release();
    }
  }

  /** Takes everything added (null if nothing was), empties the batch and ends the queued task. */
  @Nullable ByteBuf take() {
    ByteBuf taken = data;
    data = null;
    copying = false;
    taskQueued = false;
    return taken;
  }
}
