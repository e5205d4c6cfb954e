package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.RequestHead;
import dev.trunk.internal.server.ServerMethod;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import org.jspecify.annotations.Nullable;

/**
 * One wire protocol of the server (gRPC, gRPC-Web or Connect) for one request: it reads the request
 * head, turns the request body into gRPC's length-prefixed messages for the call, and writes what
 * the call produces (headers, length-prefixed messages, status and trailers) in its own framing,
 * header rules and error form. {@link Protocols} picks one per request by content type; the call
 * ({@link dev.trunk.internal.server.ServerCallImpl}) is the same for all three.
 *
 * <p>Instances hold the state of one exchange and run on its event loop only.
 */
abstract class WireProtocol {
  /** What an accepted request calls, and what its head said. */
  record Accepted(ServerMethod<?, ?> method, RequestHead head) {}

  /**
   * Answers the request without a call and returns true, or returns false (what call protocols do)
   * to have {@link #accept} start one.
   */
  boolean answer(ServerExchange exchange, Http2Headers request) {
    return false;
  }

  /**
   * Validates the request head and finds the method it calls.
   *
   * @throws Rejection if the request cannot start a call
   */
  abstract Accepted accept(Http2Headers request, MethodRegistry registry, boolean http2);

  /**
   * Turns received body bytes (ownership taken) into length-prefixed messages for the call; may
   * return an empty buffer while it waits for more.
   *
   * @throws Rejection if the body is malformed for this protocol
   */
  ByteBuf inbound(ServerExchange exchange, ByteBuf data, boolean endOfStream) {
    return data;
  }

  /**
   * Writes, in order, any of: response headers with their message {@code encoding}, messages
   * (length-prefixed, ownership taken; {@code onWritten} runs once they left, or is run at once by
   * a protocol that buffers them), and the status with trailers that end the exchange.
   */
  abstract void write(
      ServerExchange exchange,
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf messages,
      @Nullable Runnable onWritten,
      @Nullable Status status,
      @Nullable Metadata trailers);

  /** Answers a request refused before its call started. */
  abstract void reject(ServerExchange exchange, Rejection rejection);

  /** The exchange ended: frees what is held of a request body that never completed. */
  void release() {}
}
