package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.RequestHead;
import dev.trunk.internal.server.ServerMethod;
import dev.trunk.internal.web.HttpErrors;
import dev.trunk.internal.web.HttpRoute;
import dev.trunk.internal.web.HttpRoutes;
import dev.trunk.internal.wire.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/JSON transcoding (google/api/http.proto, "gRPC Transcoding"): a plain HTTP request whose
 * method and path match a {@code google.api.http} binding calls its unary method with a request
 * message built from the path, the query and the JSON body; the response message is the JSON body
 * of an HTTP 200, and an error is a JSON {@code google.rpc.Status} with the HTTP status of its
 * code. A request that matches no binding is a 404 in the same form.
 */
final class TranscodingProtocol extends WireProtocol {
  private static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
  private static final AsciiString APPLICATION_PROTO = AsciiString.cached("application/proto");
  private static final AsciiString CONNECT_QUERY = AsciiString.cached("connect=v1");

  /** HTTP 404 Not Found (RFC 9110, 15.5.5): no binding matches the request. */
  static final int HTTP_NOT_FOUND = 404;

  /** HTTP 400 Bad Request (RFC 9110, 15.5.1): a path that matches but cannot be decoded. */
  static final int HTTP_BAD_REQUEST = 400;

  private static final int PREFIX_BYTES = 5;

  private final HttpRoutes.@Nullable Match<ServerMethod<?, ?>> match;
  private final Rejection refusal;
  private final String rawQuery;
  private final int maxRequestBytes;

  // The request body until it is complete, and the response until its status is known.
  private @Nullable RequestBody requestBody;
  private final HeldResponse held = new HeldResponse();

  private TranscodingProtocol(
      HttpRoutes.@Nullable Match<ServerMethod<?, ?>> match,
      Rejection refusal,
      String rawQuery,
      int maxRequestBytes) {
    this.match = match;
    this.refusal = refusal;
    this.rawQuery = rawQuery;
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * Transcoding for a request, or null if it is not one: the server has bindings and the request is
   * neither gRPC nor gRPC-Web nor for a method's own path. A request that matches no binding is
   * transcoding's (a 404) unless it says it is Connect.
   */
  static @Nullable TranscodingProtocol forRequest(
      Http2Headers request, MethodRegistry registry, int maxRequestBytes) {
    HttpRoutes<ServerMethod<?, ?>> routes = registry.httpRoutes();
    CharSequence contentType = request.get(GrpcHeaders.CONTENT_TYPE);
    if (routes.isEmpty() || startsWith(contentType, APPLICATION_GRPC)) {
      return null;
    }
    String target = request.path() == null ? "" : request.path().toString();
    int queryStart = target.indexOf('?');
    String path = queryStart < 0 ? target : target.substring(0, queryStart);
    String query = queryStart < 0 ? "" : target.substring(queryStart + 1);
    if (registry.lookup(path) != null) {
      return null;
    }
    CharSequence method = request.method() == null ? "" : request.method();
    try {
      HttpRoutes.Match<ServerMethod<?, ?>> match = routes.match(method, path);
      if (match == null && isConnect(request, contentType, query)) {
        return null;
      }
      Rejection notFound =
          new Rejection(
              HTTP_NOT_FOUND,
              Status.NOT_FOUND.withDescription(
                  "no google.api.http binding matches " + method + " " + path));
      return new TranscodingProtocol(match, notFound, query, maxRequestBytes);
    } catch (IllegalArgumentException e) {
      Rejection badPath =
          new Rejection(
              HTTP_BAD_REQUEST,
              Status.INVALID_ARGUMENT.withDescription("bad path " + path + ": " + e.getMessage()));
      return new TranscodingProtocol(null, badPath, query, maxRequestBytes);
    }
  }

  private static boolean isConnect(
      Http2Headers request, @Nullable CharSequence contentType, String query) {
    return request.contains(ConnectProtocol.PROTOCOL_VERSION)
        || startsWith(contentType, APPLICATION_PROTO)
        || startsWith(contentType, ConnectProtocol.APPLICATION_CONNECT)
        || AsciiString.indexOfIgnoreCase(query, CONNECT_QUERY, 0) >= 0;
  }

  private static boolean startsWith(@Nullable CharSequence value, AsciiString prefix) {
    return value != null && AsciiString.regionMatches(value, true, 0, prefix, 0, prefix.length());
  }

  // ---- request ------------------------------------------------------------------------------

  @Override
  Accepted accept(Http2Headers request, MethodRegistry registry, boolean http2) {
    HttpRoutes.Match<ServerMethod<?, ?>> matched = match;
    if (matched == null) {
      throw refusal;
    }
    Metadata metadata = Protocols.metadata(request);
    metadata.removeAll(ConnectProtocol.CONTENT_LENGTH.toString());
    RequestHead head =
        new RequestHead(metadata, null, Protocols.authority(request), Compression.IDENTITY, false);
    requestBody = new RequestBody(maxRequestBytes);
    return new Accepted(matched.route().target(), head);
  }

  @Override
  ByteBuf inbound(ServerExchange exchange, ByteBuf data, boolean endOfStream) {
    RequestBody body = requestBody;
    HttpRoutes.Match<ServerMethod<?, ?>> matched = match;
    if (body == null || matched == null) {
      data.release();
      return Unpooled.EMPTY_BUFFER;
    }
    body.add(data);
    if (!endOfStream) {
      return Unpooled.EMPTY_BUFFER;
    }
    requestBody = null;
    ByteBuf whole = body.take();
    byte[] json = ByteBufUtil.getBytes(whole);
    whole.release();
    byte[] message;
    try {
      message = matched.route().request(matched.variables(), rawQuery, json);
    } catch (IllegalArgumentException e) {
      throw Rejection.of(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
    }
    // One uncompressed length-prefixed message for the call.
    ByteBuf framed = exchange.allocator().buffer(PREFIX_BYTES + message.length);
    return framed.writeByte(0).writeInt(message.length).writeBytes(message);
  }

  @Override
  void release() {
    RequestBody body = requestBody;
    if (body != null) {
      body.release(); // idempotent: a body already taken or released holds nothing
    }
  }

  // ---- response -----------------------------------------------------------------------------

  @Override
  void reject(ServerExchange exchange, Rejection rejection) {
    Status status = rejection.status();
    int httpStatus =
        rejection.httpStatus() == 200
            ? HttpErrors.httpStatus(status.code())
            : rejection.httpStatus();
    writeJson(exchange, httpStatus, errorJson(status), null, null);
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
    held.hold(headers, messages, onWritten);
    if (status == null) {
      return;
    }
    ByteBuf message = held.takeMessage();
    Metadata head = held.takeHeaders();
    byte[] json;
    try {
      json = status.isOk() ? responseJson(message) : errorJson(status);
    } finally {
      if (message != null) {
        message.release();
      }
    }
    int httpStatus = HttpErrors.httpStatus(status.isOk() ? Status.Code.OK : status.code());
    writeJson(exchange, httpStatus, json, head, trailers);
  }

  /** The response message as JSON; the call sends it uncompressed, as no encoding was accepted. */
  private byte[] responseJson(@Nullable ByteBuf message) {
    HttpRoute<ServerMethod<?, ?>> route = route();
    if (message == null || message.readableBytes() < PREFIX_BYTES) {
      return route.response(new byte[0]);
    }
    message.skipBytes(PREFIX_BYTES);
    return route.response(ByteBufUtil.getBytes(message));
  }

  private byte[] errorJson(Status status) {
    HttpRoutes.Match<ServerMethod<?, ?>> matched = match;
    return matched == null
        ? HttpErrors.json(status, detail -> null)
        : matched.route().error(status);
  }

  private HttpRoute<ServerMethod<?, ?>> route() {
    HttpRoutes.Match<ServerMethod<?, ?>> matched = match;
    if (matched == null) {
      throw new IllegalStateException("no call runs without a route");
    }
    return matched.route();
  }

  /** A JSON response: the call's headers and trailers both become HTTP headers. */
  private static void writeJson(
      ServerExchange exchange,
      int httpStatus,
      byte[] json,
      @Nullable Metadata headers,
      @Nullable Metadata trailers) {
    Http2Headers head = GrpcHeaders.newHeaders();
    head.status(AsciiString.of(Integer.toString(httpStatus)));
    head.set(GrpcHeaders.CONTENT_TYPE, ConnectProtocol.APPLICATION_JSON);
    if (headers != null) {
      GrpcHeaders.addMetadata(head, headers);
    }
    if (trailers != null) {
      GrpcHeaders.addMetadata(head, trailers);
    }
    head.setInt(ConnectProtocol.CONTENT_LENGTH, json.length);
    exchange.writeHead(head, false);
    exchange.writeBody(Unpooled.wrappedBuffer(json), true, null);
  }
}
