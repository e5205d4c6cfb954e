package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerMethod;
import dev.trunk.internal.web.Base64Stream;
import dev.trunk.internal.wire.BinaryHeaders;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.PercentEncoding;
import dev.trunk.internal.wire.StatusDetails;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * gRPC-Web (PROTOCOL-WEB.md) over HTTP/1.1 or HTTP/2: gRPC's length-prefixed messages in the body,
 * and the trailers as one more message whose flag byte has its most significant bit set, holding
 * the trailers as HTTP/1 header lines. {@code application/grpc-web-text} carries the same bytes in
 * base64 in both directions.
 */
final class GrpcWebProtocol extends WireProtocol {
  static final AsciiString APPLICATION_GRPC_WEB = AsciiString.cached("application/grpc-web");
  static final AsciiString APPLICATION_GRPC_WEB_TEXT =
      AsciiString.cached("application/grpc-web-text");

  /** PROTOCOL-WEB.md: the flag byte of the trailers frame (MSB set, then uncompressed). */
  static final int TRAILERS_FLAG = 0x80;

  /** The length prefix of a message or trailers frame: flag byte and 4-byte length. */
  private static final int PREFIX_BYTES = 5;

  private final boolean text;
  private @Nullable Base64Stream textCodec;
  private AsciiString contentType = APPLICATION_GRPC_WEB;
  private boolean headersSent;

  private GrpcWebProtocol(boolean text) {
    this.text = text;
  }

  /** The gRPC-Web protocol for a request with this content type, or null if it is not gRPC-Web. */
  static @Nullable GrpcWebProtocol forContentType(@Nullable CharSequence contentType) {
    if (contentType == null) {
      return null;
    }
    if (startsWith(contentType, APPLICATION_GRPC_WEB_TEXT)) {
      return new GrpcWebProtocol(true);
    }
    return startsWith(contentType, APPLICATION_GRPC_WEB) ? new GrpcWebProtocol(false) : null;
  }

  private static boolean startsWith(CharSequence value, AsciiString prefix) {
    return AsciiString.regionMatches(value, true, 0, prefix, 0, prefix.length());
  }

  /**
   * The content-subtype of a gRPC-Web content type: "" for the plain type, else what follows "+",
   * in lower case (e.g. "proto", "json"); null if something else follows the type.
   */
  private @Nullable String subtype(CharSequence contentType) {
    AsciiString base = text ? APPLICATION_GRPC_WEB_TEXT : APPLICATION_GRPC_WEB;
    String rest = contentType.subSequence(base.length(), contentType.length()).toString();
    int parameters = rest.indexOf(';');
    String type = (parameters < 0 ? rest : rest.substring(0, parameters)).trim();
    if (type.isEmpty()) {
      return "";
    }
    return type.charAt(0) == '+' ? type.substring(1).toLowerCase(Locale.ROOT) : null;
  }

  @Override
  Accepted accept(Http2Headers request, MethodRegistry registry, boolean http2) {
    if (!GrpcHeaders.POST.contentEquals(request.method())) {
      throw new Rejection(
          405,
          Status.INTERNAL.withDescription(
              "HTTP method " + request.method() + " is not POST (gRPC-Web calls are POSTs)"));
    }
    CharSequence type = request.get(GrpcHeaders.CONTENT_TYPE);
    String subtype = subtype(type);
    if (subtype == null) {
      throw new Rejection(
          415, Status.INTERNAL.withDescription("content-type '" + type + "' is not gRPC-Web's"));
    }
    ServerMethod<?, ?> method = Protocols.method(request.path(), subtype, type, registry);
    String codec = method.descriptor().responseCodec().name();
    contentType =
        AsciiString.of((text ? APPLICATION_GRPC_WEB_TEXT : APPLICATION_GRPC_WEB) + "+" + codec);
    return new Accepted(method, GrpcProtocol.requestHead(request, method));
  }

  @Override
  ByteBuf inbound(ServerExchange exchange, ByteBuf data, boolean endOfStream) {
    if (!text) {
      return data;
    }
    try {
      Base64Stream decoder = base64(exchange);
      ByteBuf decoded = decoder.decode(data);
      if (endOfStream) {
        decoder.finish();
      }
      return decoded;
    } catch (IllegalArgumentException e) {
      throw Rejection.of(Status.INTERNAL.withDescription(e.getMessage()));
    }
  }

  @Override
  void reject(ServerExchange exchange, Rejection rejection) {
    // A trailers-only response: the status in the headers, no body (PROTOCOL-WEB.md).
    Http2Headers head = head(rejection.httpStatus());
    GrpcHeaders.addStatus(head, rejection.status());
    exchange.writeHead(head, true);
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
    if (!headersSent && (headers != null || messages != null || status != null)) {
      Http2Headers head = head(200);
      if (encoding != null && !encoding.equals(Compression.IDENTITY)) {
        head.set(GrpcHeaders.GRPC_ENCODING, encoding);
      }
      if (headers != null) {
        GrpcHeaders.addMetadata(head, headers);
      }
      exchange.writeHead(head, false);
      headersSent = true;
    }
    if (messages != null) {
      exchange.writeBody(encoded(exchange, messages), false, onWritten);
    }
    if (status != null) {
      exchange.writeBody(encoded(exchange, trailersFrame(exchange, status, trailers)), true, null);
    }
  }

  private Http2Headers head(int httpStatus) {
    Http2Headers head = GrpcHeaders.newHeaders();
    head.status(AsciiString.of(Integer.toString(httpStatus)));
    head.set(GrpcHeaders.CONTENT_TYPE, contentType);
    head.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
    return head;
  }

  private ByteBuf encoded(ServerExchange exchange, ByteBuf bytes) {
    return text ? base64(exchange).encode(bytes) : bytes;
  }

  private Base64Stream base64(ServerExchange exchange) {
    Base64Stream codec = textCodec;
    if (codec == null) {
      codec = new Base64Stream(exchange.allocator());
      textCodec = codec;
    }
    return codec;
  }

  /**
   * The trailers as the body's last frame: flag 0x80, length, then "name: value\r\n" lines with
   * lower-case names (PROTOCOL-WEB.md, Message framing).
   */
  private static ByteBuf trailersFrame(
      ServerExchange exchange, Status status, @Nullable Metadata trailers) {
    StringBuilder lines = new StringBuilder();
    line(lines, GrpcHeaders.GRPC_STATUS, Integer.toString(status.code().value()));
    String description = status.description();
    if (description != null && !description.isEmpty()) {
      line(lines, GrpcHeaders.GRPC_MESSAGE, PercentEncoding.encode(description));
    }
    if (!status.details().isEmpty()) {
      line(
          lines,
          GrpcHeaders.GRPC_STATUS_DETAILS,
          BinaryHeaders.encode(StatusDetails.encode(status)));
    }
    if (trailers != null) {
      trailers.forEach(
          (key, value) ->
              line(
                  lines,
                  key,
                  value instanceof byte[] bytes ? BinaryHeaders.encode(bytes) : (String) value));
    }
    byte[] block = lines.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = exchange.allocator().buffer(PREFIX_BYTES + block.length);
    frame.writeByte(TRAILERS_FLAG).writeInt(block.length).writeBytes(block);
    return frame;
  }

  private static void line(StringBuilder lines, CharSequence name, String value) {
    lines.append(name).append(": ").append(value).append("\r\n");
  }
}
