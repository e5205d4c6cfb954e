package dev.trunk;

/**
 * The responses of a server-streaming call, as a closeable iterable.
 *
 * <p>Iterate it or call {@link #receive()} until it returns null; a failed call throws {@link
 * StatusException} from {@code receive}. Closing before the end cancels the call, so use
 * try-with-resources:
 *
 * <pre>{@code
 * try (ResponseStream<Feature> features = client.listFeatures(area)) {
 *   for (Feature feature : features) { ... }
 * }
 * }</pre>
 *
 * <p>Use from one thread at a time; {@link #cancel} may be called from any thread.
 *
 * @param <T> the response type
 */
public interface ResponseStream<T> extends StreamReceiver<T>, AutoCloseable {
  /**
   * The response headers; blocks until they arrive (with the first response, or earlier if the
   * handler calls {@link CallContext#sendHeaders()}). Empty if the call failed first. An interrupt
   * while waiting cancels the call (CANCELLED; the interrupt flag stays set).
   */
  Metadata responseHeaders();

  /**
   * The trailers the call ended with.
   *
   * @throws IllegalStateException if the call has not ended yet
   */
  Metadata trailers();

  /** Cancels the call: the server sees CANCELLED and {@link #receive} throws CANCELLED. */
  void cancel();

  /** Cancels the call if it has not ended. */
  @Override
  void close();
}
