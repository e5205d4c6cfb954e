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

  /** Whether the call was cancelled, by the client, the deadline or a shutdown. */
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
   * Compresses response messages with {@code encoding} ({@code "gzip"} or {@code "identity"}); call
   * before the first response. Ignored if the client does not accept the encoding.
   */
  void setResponseCompression(String encoding);
}
