package dev.trunk.internal.netty;

import dev.trunk.Deadline;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.RequestHead;
import dev.trunk.internal.server.ServerMethod;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.GrpcTimeout;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * gRPC over HTTP/2 (PROTOCOL-HTTP2.md): length-prefixed messages in DATA frames, the status in
 * HTTP/2 trailers, or a Trailers-Only response when the call ends before sending anything.
 */
final class GrpcProtocol extends WireProtocol {
  // Immutable header blocks for the common case of a call without custom metadata: built once,
  // shared by every stream (the HPACK encoder only reads them).
  private static final Http2Headers RESPONSE_HEADERS =
      ReadOnlyHttp2Headers.serverHeaders(
          false,
          GrpcHeaders.OK_STATUS,
          GrpcHeaders.CONTENT_TYPE,
          GrpcHeaders.APPLICATION_GRPC,
          GrpcHeaders.GRPC_ACCEPT_ENCODING,
          GrpcHeaders.ACCEPT_ENCODING);
  private static final Http2Headers GZIP_RESPONSE_HEADERS =
      ReadOnlyHttp2Headers.serverHeaders(
          false,
          GrpcHeaders.OK_STATUS,
          GrpcHeaders.CONTENT_TYPE,
          GrpcHeaders.APPLICATION_GRPC,
          GrpcHeaders.GRPC_ENCODING,
          AsciiString.cached(Compression.GZIP),
          GrpcHeaders.GRPC_ACCEPT_ENCODING,
          GrpcHeaders.ACCEPT_ENCODING);
  private static final Http2Headers OK_TRAILERS =
      ReadOnlyHttp2Headers.trailers(false, GrpcHeaders.GRPC_STATUS, AsciiString.cached("0"));

  /** HTTP 505 for gRPC over HTTP/1.1: the protocol needs HTTP/2 (PROTOCOL-HTTP2.md, Outline). */
  static final int HTTP_VERSION_NOT_SUPPORTED = 505;

  private boolean headersSent;
  // The content-type of the method's response codec: application/grpc, or application/grpc+json.
  private AsciiString contentType = GrpcHeaders.APPLICATION_GRPC;

  @Override
  Accepted accept(Http2Headers request, MethodRegistry registry, boolean http2) {
    if (!http2) {
      throw new Rejection(
          HTTP_VERSION_NOT_SUPPORTED,
          Status.INTERNAL.withDescription(
              "gRPC needs HTTP/2; over HTTP/1.1 use gRPC-Web (application/grpc-web) or Connect"));
    }
    ServerMethod<?, ?> method = validate(request, registry);
    contentType = GrpcHeaders.contentType(method.descriptor().responseCodec().name());
    return new Accepted(method, requestHead(request, method));
  }

  /** Checks method, content-type, path and grpc-encoding (PROTOCOL-HTTP2.md, Requests). */
  private static ServerMethod<?, ?> validate(Http2Headers headers, MethodRegistry registry) {
    if (!GrpcHeaders.POST.contentEquals(headers.method())) {
      throw new Rejection(
          405, Status.INTERNAL.withDescription("HTTP method " + headers.method() + " is not POST"));
    }
    CharSequence contentType = headers.get(GrpcHeaders.CONTENT_TYPE);
    String subtype = GrpcHeaders.contentSubtype(contentType);
    if (subtype == null) {
      // PROTOCOL-HTTP2.md: servers SHOULD answer 415 to a content-type not application/grpc*.
      throw new Rejection(
          415,
          Status.INTERNAL.withDescription(
              "content-type '"
                  + contentType
                  + "' is not application/grpc, application/grpc-web or a Connect type"));
    }
    return Protocols.method(headers.path(), subtype, contentType, registry);
  }

  /** The head of a gRPC or gRPC-Web request: metadata, grpc-timeout, grpc-(accept-)encoding. */
  static RequestHead requestHead(Http2Headers headers, ServerMethod<?, ?> method) {
    Deadline deadline = null;
    CharSequence timeout = headers.get(GrpcHeaders.GRPC_TIMEOUT);
    if (timeout != null) {
      try {
        deadline = Deadline.afterNanos(GrpcTimeout.parseNanos(timeout));
      } catch (IllegalArgumentException e) {
        throw Rejection.of(Status.INTERNAL.withDescription("bad grpc-timeout: " + e.getMessage()));
      }
    }
    CharSequence encoding = headers.get(GrpcHeaders.GRPC_ENCODING);
    if (encoding != null && !Compression.isSupported(encoding.toString())) {
      // compression.md: an unsupported request encoding is UNIMPLEMENTED, with what we accept.
      throw Rejection.of(
          Status.UNIMPLEMENTED.withDescription(
              "grpc-encoding '" + encoding + "' is not supported; use gzip or identity"));
    }
    CharSequence accepted = headers.get(GrpcHeaders.GRPC_ACCEPT_ENCODING);
    return new RequestHead(
        Protocols.metadata(headers),
        deadline,
        Protocols.authority(headers),
        encoding == null ? Compression.IDENTITY : encoding.toString(),
        accepted != null && AsciiString.containsIgnoreCase(accepted, Compression.GZIP));
  }

  @Override
  void reject(ServerExchange exchange, Rejection rejection) {
    Http2Headers response = trailersOnlyHead(contentType);
    response.status(AsciiString.of(Integer.toString(rejection.httpStatus())));
    response.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
    GrpcHeaders.addStatus(response, rejection.status());
    exchange.writeHead(response, true);
  }

  @Override
  void write(
      ServerExchange exchange,
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf messages,
      @Nullable Runnable onWritten,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    // Headers that come with the trailers and no message join them in one Trailers-Only block.
    boolean trailersOnly = status != null && messages == null && !headersSent;
    if (headers != null && !trailersOnly) {
      exchange.writeHead(responseHeaders(headers, encoding, contentType), false);
      headersSent = true;
    }
    if (messages != null) {
      exchange.writeBody(messages, false, onWritten);
    }
    if (status != null) {
      exchange.writeTrailers(end(status, trailersOnly ? headers : null, trailers));
    }
  }

  /**
   * The block that ends the stream: trailers, or a Trailers-Only response (PROTOCOL-HTTP2.md) that
   * also carries {@code headers}, the response metadata the call set but never sent.
   */
  private Http2Headers end(Status status, @Nullable Metadata headers, @Nullable Metadata trailers) {
    boolean noMetadata = trailers == null || trailers.isEmpty();
    if (headersSent && noMetadata && isPlainOk(status)) {
      return OK_TRAILERS;
    }
    Http2Headers end = headersSent ? GrpcHeaders.newHeaders() : trailersOnlyHead(contentType);
    if (headers != null) {
      GrpcHeaders.addMetadata(end, headers);
    }
    GrpcHeaders.addStatus(end, status);
    if (trailers != null) {
      GrpcHeaders.addMetadata(end, trailers);
    }
    return end;
  }

  static boolean isPlainOk(Status status) {
    String description = status.description();
    return status.isOk()
        && (description == null || description.isEmpty())
        && status.details().isEmpty();
  }

  private static Http2Headers responseHeaders(
      Metadata metadata, @Nullable String encoding, AsciiString contentType) {
    if (metadata.isEmpty() && contentType == GrpcHeaders.APPLICATION_GRPC) {
      if (encoding == null || encoding.equals(Compression.IDENTITY)) {
        return RESPONSE_HEADERS;
      }
      if (encoding.equals(Compression.GZIP)) {
        return GZIP_RESPONSE_HEADERS;
      }
    }
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.status(GrpcHeaders.OK_STATUS);
    headers.set(GrpcHeaders.CONTENT_TYPE, contentType);
    if (encoding != null && !encoding.equals(Compression.IDENTITY)) {
      headers.set(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    headers.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
    GrpcHeaders.addMetadata(headers, metadata);
    return headers;
  }

  /** The HTTP part of a Trailers-Only response (PROTOCOL-HTTP2.md: HTTP-Status Content-Type). */
  static Http2Headers trailersOnlyHead(AsciiString contentType) {
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.status(GrpcHeaders.OK_STATUS);
    headers.set(GrpcHeaders.CONTENT_TYPE, contentType);
    return headers;
  }
}
