package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerConfig;
import dev.trunk.internal.server.ServerMethod;
import io.netty.handler.codec.http2.Http2Headers;
import org.jspecify.annotations.Nullable;

/**
 * Picks the {@link WireProtocol} of a request by its content type, and the rules the protocols
 * share: finding the method for a path and codec, reading metadata and the authority.
 */
final class Protocols {
  private Protocols() {}

  /**
   * A new protocol instance for a request with these headers: static files for a GET under one of
   * their prefixes, gRPC-Web by its content types, HTTP transcoding for a plain HTTP request off
   * the methods' paths when the server has {@code google.api.http} bindings, Connect by its content
   * types (or a GET), gRPC for everything else, which answers content types it does not know.
   */
  static WireProtocol forRequest(
      Http2Headers request, MethodRegistry registry, ServerConfig config) {
    StaticFileProtocol file = StaticFileProtocol.forRequest(request, config.staticFiles());
    if (file != null) {
      return file;
    }
    int maxRequestBytes = config.maxInboundMessageSize();
    CharSequence contentType = request.get(GrpcHeaders.CONTENT_TYPE);
    GrpcWebProtocol web = GrpcWebProtocol.forContentType(contentType);
    if (web != null) {
      return web;
    }
    TranscodingProtocol transcoding =
        TranscodingProtocol.forRequest(request, registry, maxRequestBytes);
    if (transcoding != null) {
      return transcoding;
    }
    ConnectProtocol connect = ConnectProtocol.forRequest(request, contentType, maxRequestBytes);
    return connect != null ? connect : new GrpcProtocol();
  }

  /**
   * The method at {@code path} for a request whose content-subtype is {@code subtype} ("" for the
   * method's own codec): UNIMPLEMENTED (HTTP 200) for an unknown path, HTTP 415 for a codec the
   * method does not speak.
   */
  static ServerMethod<?, ?> method(
      @Nullable CharSequence path,
      String subtype,
      @Nullable CharSequence contentType,
      MethodRegistry registry) {
    ServerMethod<?, ?> method = path == null ? null : registry.lookup(path);
    if (method == null) {
      throw Rejection.of(Status.UNIMPLEMENTED.withDescription("unknown method '" + path + "'"));
    }
    String codec = method.descriptor().requestCodec().name();
    if (GrpcHeaders.subtypeFits(subtype, codec)) {
      return method;
    }
    ServerMethod<?, ?> other = registry.lookup(path, subtype);
    if (other != null) {
      return other;
    }
    // The same 415 for a content-subtype the method's codecs do not speak.
    throw new Rejection(
        415,
        Status.UNIMPLEMENTED.withDescription(
            "content-type '"
                + contentType
                + "' is not supported by "
                + method.descriptor().fullName()
                + "; use content-subtype +"
                + codec
                + (registry.lookup(path, "json") == null ? "" : " or +json")));
  }

  /** The request's custom metadata; malformed metadata is INTERNAL. */
  static Metadata metadata(Http2Headers headers) {
    try {
      return GrpcHeaders.toMetadata(headers);
    } catch (IllegalArgumentException e) {
      throw Rejection.of(Status.INTERNAL.withDescription("bad metadata: " + e.getMessage()));
    }
  }

  static String authority(Http2Headers headers) {
    CharSequence authority = headers.authority();
    return authority == null ? "" : authority.toString();
  }
}
