package dev.trunk;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of a message stream: a server handler's requests, or a client's responses.
 *
 * <p>{@link #receive} blocks until a message arrives or the stream ends. It is also an {@link
 * Iterable} over the remaining messages, so {@code for (Point p : points)} works. Use a receiver
 * from one thread at a time; an iterator consumes the same stream.
 *
 * @param <T> the message type
 */
public interface StreamReceiver<T> extends Iterable<T> {
  /**
   * The next message, or null when the peer has finished sending.
   *
   * @throws StatusException if the call failed or was cancelled, or the message could not be read;
   *     CANCELLED if the thread is interrupted while waiting (a client's call is then cancelled,
   *     and the thread's interrupt flag stays set)
   */
  @Nullable T receive();

  @Override
  default Iterator<T> iterator() {
    return new Iterator<>() {
      private @Nullable T next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = receive();
          done = next == null;
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the stream has ended");
        }
        T message = next;
        next = null;
        return message;
      }
    };
  }
}
