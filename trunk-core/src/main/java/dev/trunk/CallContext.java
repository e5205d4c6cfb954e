package dev.trunk;

import dev.trunk.internal.CurrentCall;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * The server call the current handler thread is serving: its metadata, deadline, peer and
 * cancellation, and the response headers and trailers it will send.
 *
 * <p>Reach it from a handler with {@link #current()}; it is bound to the handler's thread for the
 * duration of the call. A client call made on that thread inherits the deadline and is cancelled
 * with it.
 *
 * <pre>{@code
 * public Feature getFeature(Point p) {
 *   String user = CallContext.current().requestHeaders().get("x-user");
 *   ...
 * }
 * }</pre>
 */
public interface CallContext {
  /**
   * The call served by this thread.
   *
   * @throws IllegalStateException outside a server handler
   */
  static CallContext current() {
    return CurrentCall.get()
        .orElseThrow(() -> new IllegalStateException("not inside a Trunk server handler"));
  }

  /** The call served by this thread, if any. */
  static Optional<CallContext> find() {
    return CurrentCall.get();
  }

  MethodDescriptor<?, ?> method();

  /**
   * The value an interceptor attached under {@code key} with {@link CallInfo#put}, if any; {@link
   * ContextKey#get()} is the short form.
   */
  <T> Optional<T> get(ContextKey<T> key);

  /** The request metadata as received. */
  Metadata requestHeaders();

  /** The deadline the client set, if any. */
  Optional<Deadline> deadline();

  /** The client's address. */
  SocketAddress peer();

  /** The {@code :authority} the client called. */
  String authority();

  /**
   * The TLS session of the connection the call arrived on (the client's certificate chain with
   * mutual TLS, protocol, cipher suite); empty on a plaintext or in-process connection.
   */
  Optional<TlsInfo> tls();

  /**
   * Whether the call was cancelled, by the client, the deadline or a shutdown. The handler's thread
   * is not interrupted unless its service was registered with {@code
   * Server.Builder.interruptibleService}; a blocked {@code receive} or {@code send} wakes with a
   * {@link StatusException} either way.
   */
  boolean isCancelled();

  /**
   * Runs {@code listener} once when the call is cancelled (at once if it already is). It runs on a
   * transport thread: keep it short and non-blocking.
   */
  void onCancel(Runnable listener);

  /**
   * Whether the request message the handler received last arrived compressed (its message prefix
   * had the compressed flag set); false before the first request.
   */
  boolean lastRequestCompressed();

  /** Response headers to send; mutable until the first response message or the end of the call. */
  Metadata responseHeaders();

  /** Response trailers to send; mutable until the handler returns. */
  Metadata responseTrailers();

  /**
   * Whether a response sent now would be queued without exceeding the call's outbound buffer: the
   * backpressure signal for handlers that must not block. A {@code send} from a virtual-thread
   * handler simply blocks while the buffer is full; a {@code send} on the I/O thread (the handlers
   * of a {@code nonBlockingService}) never blocks, so such a handler sends while this is true and
   * then waits for {@link #onReady}. False once the call has ended.
   */
  boolean isReady();

  /**
   * Runs {@code listener} once, on the call's transport thread, as soon as {@link #isReady()} is
   * true (in a later task if it is true now). One listener may wait at a time; it is dropped when
   * the call ends (see {@link #onCancel}). An exception it throws ends the call as a handler's
   * would. Meant for a streaming handler of a {@code nonBlockingService} that returned after {@link
   * #finishLater()}:
   *
   * <pre>{@code
   * public void listFeatures(Rectangle area, StreamSender<Feature> out) {
   *   CallContext call = CallContext.current();
   *   Iterator<Feature> features = db.in(area).iterator();
   *   call.finishLater();
   *   new Runnable() {
   *     public void run() {
   *       while (call.isReady() && features.hasNext()) {
   *         out.send(features.next());
   *       }
   *       if (features.hasNext()) {
   *         call.onReady(this); // continue once the client has read some
   *       } else {
   *         call.finish(Status.OK);
   *       }
   *     }
   *   }.run();
   * }
   * }</pre>
   *
   * @throws IllegalStateException if a listener is already waiting
   */
  void onReady(Runnable listener);

  /**
   * Keeps a server-streaming or bidirectional call open when its handler returns: the call ends
   * when {@link #finish} is called (or it is cancelled). Lets a handler that must not block return
   * and continue sending from {@link #onReady} listeners.
   *
   * @throws IllegalStateException for a method with a single response (its handler returns it)
   */
  void finishLater();

  /**
   * Ends a call kept open by {@link #finishLater()} with {@code status} and {@link
   * #responseTrailers()}. Does nothing if the call has already ended. Use the call from one thread
   * at a time: the handler's, then the listeners'.
   *
   * @throws IllegalStateException if {@link #finishLater()} was not called
   */
  void finish(Status status);

  /**
   * Compresses response messages with {@code encoding} ({@code "gzip"} or {@code "identity"}); call
   * before the first response. Ignored if the client does not accept the encoding.
   */
  void setResponseCompression(String encoding);
}
