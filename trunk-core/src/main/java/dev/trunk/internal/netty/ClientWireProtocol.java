package dev.trunk.internal.netty;

import dev.trunk.Channel;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.client.ClientStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * The client side of gRPC-Web or Connect for one call attempt, the mirror of the server's {@link
 * WireProtocol}: builds the request headers, adapts request messages, and turns the HTTP response
 * (status, headers, body bytes, HTTP/2 trailers) into what a {@link ClientStreamListener} expects
 * of a gRPC response: headers, gRPC length-prefixed messages, then a status with trailers. The same
 * object serves HTTP/2 and HTTP/1.1; the transport's thread calls it, one event at a time.
 */
abstract class ClientWireProtocol {
  /** What the protocol makes of the response, for the transport to pass to its call. */
  interface Events {
    /** The response headers: custom metadata and the messages' compression (null: identity). */
    void onHeaders(Metadata headers, @Nullable String encoding);

    /** gRPC length-prefixed message bytes (ownership included); false withholds credit. */
    boolean onData(ByteBuf data, boolean endOfStream);

    /** The response ended with this status and trailers. */
    void onEnd(Status status, Metadata trailers);

    /** The response is malformed: the transport ends the call with {@code status} and resets. */
    void onFailure(Status status);
  }

  private static final AsciiString GET = AsciiString.cached("GET");

  final MethodDescriptor<?, ?> method;
  final int maxInboundMessageSize;

  ClientWireProtocol(MethodDescriptor<?, ?> method, int maxInboundMessageSize) {
    this.method = method;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  /** The protocol object for one attempt of {@code method}; gRPC itself has none (null). */
  static @Nullable ClientWireProtocol forCall(
      Channel.Protocol protocol, MethodDescriptor<?, ?> method, int maxInboundMessageSize) {
    return switch (protocol) {
      case GRPC -> null;
      case GRPC_WEB -> new GrpcWebClientProtocol(method, maxInboundMessageSize);
      case CONNECT -> new ConnectClientProtocol(method, maxInboundMessageSize);
    };
  }

  /**
   * The request headers: the pseudo-headers, the protocol's own, then the call's metadata. {@code
   * first} (gRPC-framed, still the caller's) and {@code endOfStream} are the request as far as it
   * is known: a protocol may carry a whole request in the URL of a GET (see {@link #getQuery}).
   */
  final Http2Headers requestHeaders(
      CallStart call, NettyConnector shared, @Nullable ByteBuf first, boolean endOfStream) {
    String query = getQuery(call, first, endOfStream);
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers
        .method(query == null ? GrpcHeaders.POST : GET)
        .scheme(shared.scheme)
        .path(query == null ? method.path() : method.path() + "?" + query)
        .authority(shared.authority);
    headers.set(GrpcHeaders.USER_AGENT, shared.userAgent);
    addProtocolHeaders(headers, call);
    GrpcHeaders.addMetadata(headers, call.metadata());
    return headers;
  }

  /**
   * The query string of a GET request that carries the whole request {@code first} (gRPC-framed),
   * or null to POST it, the default. A protocol that returns a query drops the message in {@link
   * #outbound}.
   */
  @Nullable String getQuery(CallStart call, @Nullable ByteBuf first, boolean endOfStream) {
    return null;
  }

  /** Adds content-type, timeout and encoding headers in the protocol's own names. */
  abstract void addProtocolHeaders(Http2Headers headers, CallStart call);

  /**
   * A request message as the body carries it: gRPC's length-prefixed frame unless the protocol says
   * otherwise. Bytes dropped here are reported written to {@code listener} at once.
   */
  @Nullable ByteBuf outbound(@Nullable ByteBuf framed, ClientStreamListener listener) {
    return framed;
  }

  /** The response status line and headers ({@code :status} included). */
  abstract void onHead(Http2Headers headers, boolean endOfStream, Events events);

  /** Response body bytes (ownership included); returns whether their credit may be returned. */
  abstract boolean onBody(ByteBuf data, boolean endOfStream, Events events);

  /** HTTP/2 trailers, which neither protocol uses: the end of the body. */
  final void onTrailers(Events events) {
    onBody(Unpooled.EMPTY_BUFFER, true, events);
  }

  /** The HTTP status of a response head, or 0 if it has none that parses. */
  static int httpStatus(Http2Headers headers) {
    CharSequence status = headers.status();
    try {
      return status == null ? 0 : Integer.parseInt(status.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The media type of a content-type, lower case, without parameters. */
  static String mediaType(@Nullable CharSequence contentType) {
    if (contentType == null) {
      return "";
    }
    String value = contentType.toString();
    int parameters = value.indexOf(';');
    return (parameters < 0 ? value : value.substring(0, parameters))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** A check of the response content-type: UNKNOWN unless it is {@code expected}. */
  static @Nullable Status checkContentType(Http2Headers headers, String expected) {
    CharSequence contentType = headers.get(GrpcHeaders.CONTENT_TYPE);
    if (mediaType(contentType).equals(expected)) {
      return null;
    }
    return Status.UNKNOWN.withDescription(
        "the response content-type '" + contentType + "' is not the expected '" + expected + "'");
  }
}
