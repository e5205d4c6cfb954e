package dev.trunk.internal.netty;

import dev.trunk.Deadline;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.RequestHead;
import dev.trunk.internal.server.ServerMethod;
import dev.trunk.internal.web.ConnectCodes;
import dev.trunk.internal.web.ConnectError;
import dev.trunk.internal.web.ConnectGet;
import dev.trunk.internal.wire.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Connect protocol (connectrpc.com/docs/protocol). Unary calls send the bare message as the
 * body ({@code application/proto} or {@code application/json}), compressed as a whole with {@code
 * Content-Encoding}, and answer errors with an HTTP status and a JSON body; side-effect-free
 * methods may also be called with GET ({@link ConnectGet}). Streaming calls ({@code
 * application/connect+proto|json}) use gRPC's length-prefixed envelopes and end with an envelope
 * flagged 0x02 that holds the status and trailers as JSON.
 */
final class ConnectProtocol extends WireProtocol {
  static final AsciiString APPLICATION_CONNECT = AsciiString.cached("application/connect+");
  static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
  static final AsciiString PROTOCOL_VERSION = AsciiString.cached("connect-protocol-version");
  static final AsciiString TIMEOUT_MS = AsciiString.cached("connect-timeout-ms");
  static final AsciiString STREAM_ENCODING = AsciiString.cached("connect-content-encoding");
  static final AsciiString STREAM_ACCEPT_ENCODING = AsciiString.cached("connect-accept-encoding");
  static final AsciiString CONTENT_ENCODING = AsciiString.cached("content-encoding");
  static final AsciiString ACCEPT_ENCODING = AsciiString.cached("accept-encoding");
  static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
  private static final String TRAILER_PREFIX = "trailer-";
  private static final String CONNECT_PREFIX = "connect-";

  /** The only protocol version the spec defines (Connect-Protocol-Version: 1). */
  static final String VERSION = "1";

  /** Connect-Timeout-Ms holds at most 10 digits (the spec's Timeout → 1*10 DIGIT). */
  static final int MAX_TIMEOUT_DIGITS = 10;

  /** The flag of the end-of-stream envelope of a streaming response. */
  static final int END_STREAM_FLAG = 0x02;

  private static final int PREFIX_BYTES = 5;

  private final boolean streaming;
  private final boolean get;
  private final int maxRequestBytes;
  private String codec = "proto";
  private String requestEncoding = Compression.IDENTITY;
  private boolean headersSent;

  // Unary: the request body until it is complete, and the response until its status is known.
  private @Nullable RequestBody requestBody;
  private final HeldResponse held = new HeldResponse();

  private ConnectProtocol(boolean streaming, boolean get, int maxRequestBytes) {
    this.streaming = streaming;
    this.get = get;
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * The Connect protocol for a request with this method and content type, or null if it is not a
   * Connect request: a GET with a query, {@code application/proto|json} (unary) or {@code
   * application/connect+*} (streaming).
   */
  static @Nullable ConnectProtocol forRequest(
      Http2Headers request, @Nullable CharSequence contentType, int maxRequestBytes) {
    // A Connect GET carries its request in the query; a GET without one is not Connect's.
    CharSequence path = request.path();
    if (AsciiString.contentEquals("GET", request.method())
        && path != null
        && AsciiString.indexOf(path, '?', 0) >= 0) {
      return new ConnectProtocol(false, true, maxRequestBytes);
    }
    String subtype = unarySubtype(contentType);
    if (subtype != null) {
      return new ConnectProtocol(false, false, maxRequestBytes);
    }
    if (contentType != null
        && AsciiString.regionMatches(
            contentType, true, 0, APPLICATION_CONNECT, 0, APPLICATION_CONNECT.length())) {
      return new ConnectProtocol(true, false, maxRequestBytes);
    }
    return null;
  }

  /** "proto" or "json" for {@code application/proto} or {@code application/json}; else null. */
  private static @Nullable String unarySubtype(@Nullable CharSequence contentType) {
    String type = mediaType(contentType);
    if (type.equals("application/proto")) {
      return "proto";
    }
    return type.equals("application/json") ? "json" : null;
  }

  private static String mediaType(@Nullable CharSequence contentType) {
    if (contentType == null) {
      return "";
    }
    String value = contentType.toString();
    int parameters = value.indexOf(';');
    return (parameters < 0 ? value : value.substring(0, parameters))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  // ---- request ------------------------------------------------------------------------------

  @Override
  Accepted accept(Http2Headers request, MethodRegistry registry, boolean http2) {
    checkVersion(request);
    if (get) {
      return acceptGet(request, registry);
    }
    if (!GrpcHeaders.POST.contentEquals(request.method())) {
      throw rejection(
          Status.Code.UNIMPLEMENTED,
          "HTTP method " + request.method() + " is not POST (or GET for side-effect-free methods)");
    }
    CharSequence contentType = request.get(GrpcHeaders.CONTENT_TYPE);
    codec =
        streaming
            ? mediaType(contentType).substring(APPLICATION_CONNECT.length())
            : unarySubtype(contentType);
    ServerMethod<?, ?> method = Protocols.method(request.path(), codec, contentType, registry);
    boolean streamingMethod =
        !method.descriptor().type().clientSendsOne()
            || !method.descriptor().type().serverSendsOne();
    if (streaming != streamingMethod) {
      throw new Rejection(
          415,
          Status.INTERNAL.withDescription(
              method.descriptor().fullName()
                  + " is "
                  + (streamingMethod ? "a streaming" : "a unary")
                  + " method; use content-type "
                  + (streamingMethod ? "application/connect+" + codec : "application/" + codec)));
    }
    AsciiString encodingHeader = streaming ? STREAM_ENCODING : CONTENT_ENCODING;
    AsciiString acceptHeader = streaming ? STREAM_ACCEPT_ENCODING : ACCEPT_ENCODING;
    RequestHead head =
        requestHead(request, request.get(encodingHeader), encodingHeader, acceptHeader);
    if (!streaming) {
      requestBody = new RequestBody(maxRequestBytes);
    }
    return new Accepted(method, head);
  }

  private Accepted acceptGet(Http2Headers request, MethodRegistry registry) {
    String target = request.path() == null ? "" : request.path().toString();
    int queryStart = target.indexOf('?');
    String path = queryStart < 0 ? target : target.substring(0, queryStart);
    ConnectGet query;
    try {
      query = ConnectGet.parse(queryStart < 0 ? "" : target.substring(queryStart + 1));
    } catch (IllegalArgumentException e) {
      throw rejection(Status.Code.INVALID_ARGUMENT, e.getMessage());
    }
    codec = query.codec();
    ServerMethod<?, ?> method = Protocols.method(path, codec, null, registry);
    if (!registry.hasNoSideEffects(method)) {
      throw new Rejection(
          405,
          Status.UNIMPLEMENTED.withDescription(
              method.descriptor().fullName()
                  + " may have side effects, so it cannot be called with GET; use POST, or mark"
                  + " the method option idempotency_level = NO_SIDE_EFFECTS"));
    }
    RequestHead head = requestHead(request, query.compression(), CONTENT_ENCODING, ACCEPT_ENCODING);
    RequestBody body = new RequestBody(maxRequestBytes);
    requestBody = body;
    body.add(Unpooled.wrappedBuffer(query.message().toByteArray()));
    return new Accepted(method, head);
  }

  /**
   * The head of a Connect request whose message encoding is {@code encodingValue} (from {@code
   * encodingHeader} or the GET query) and whose accepted encodings are in {@code acceptHeader}.
   */
  private RequestHead requestHead(
      Http2Headers request,
      @Nullable CharSequence encodingValue,
      AsciiString encodingHeader,
      AsciiString acceptHeader) {
    requestEncoding = encoding(encodingValue, encodingHeader);
    CharSequence accepted = request.get(acceptHeader);
    return new RequestHead(
        metadata(request),
        deadline(request),
        Protocols.authority(request),
        requestEncoding,
        accepted != null && AsciiString.containsIgnoreCase(accepted, Compression.GZIP));
  }

  private static void checkVersion(Http2Headers request) {
    CharSequence version = request.get(PROTOCOL_VERSION);
    if (version != null && !VERSION.contentEquals(version)) {
      throw rejection(
          Status.Code.INVALID_ARGUMENT,
          "connect-protocol-version '" + version + "' is not supported; this server speaks 1");
    }
  }

  private static String encoding(@Nullable CharSequence value, AsciiString header) {
    if (value == null) {
      return Compression.IDENTITY;
    }
    String encoding = value.toString().trim().toLowerCase(Locale.ROOT);
    if (!Compression.isSupported(encoding)) {
      throw rejection(
          Status.Code.UNIMPLEMENTED,
          header + " '" + value + "' is not supported; use gzip or identity");
    }
    return encoding;
  }

  private static @Nullable Deadline deadline(Http2Headers request) {
    CharSequence value = request.get(TIMEOUT_MS);
    if (value == null) {
      return null;
    }
    if (value.length() == 0 || value.length() > MAX_TIMEOUT_DIGITS || !isDigits(value)) {
      throw rejection(
          Status.Code.INVALID_ARGUMENT,
          "connect-timeout-ms '" + value + "' is not a number of milliseconds of 1 to 10 digits");
    }
    return Deadline.afterNanos(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value.toString())));
  }

  private static boolean isDigits(CharSequence value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The request's metadata: its headers but Connect's own and the content negotiation ones. */
  private static Metadata metadata(Http2Headers request) {
    Metadata metadata = Protocols.metadata(request);
    for (String key : metadata.keys().toArray(String[]::new)) {
      if (key.startsWith(CONNECT_PREFIX)
          || CONTENT_ENCODING.contentEquals(key)
          || ACCEPT_ENCODING.contentEquals(key)
          || CONTENT_LENGTH.contentEquals(key)) {
        metadata.removeAll(key);
      }
    }
    return metadata;
  }

  private static Rejection rejection(Status.Code code, String message) {
    return new Rejection(ConnectCodes.httpStatus(code), code.toStatus().withDescription(message));
  }

  @Override
  ByteBuf inbound(ServerExchange exchange, ByteBuf data, boolean endOfStream) {
    RequestBody body = requestBody;
    if (body == null) {
      return data; // streaming: envelopes are gRPC's length-prefixed messages
    }
    body.add(data);
    if (!endOfStream) {
      return Unpooled.EMPTY_BUFFER;
    }
    requestBody = null;
    // The whole body is the message: hand it to the call as one length-prefixed message, flagged
    // compressed when Content-Encoding compressed it.
    ByteBuf message = body.take();
    boolean compressed = !requestEncoding.equals(Compression.IDENTITY);
    ByteBuf prefix = exchange.allocator().buffer(PREFIX_BYTES);
    prefix.writeByte(compressed ? 1 : 0).writeInt(message.readableBytes());
    return Unpooled.wrappedBuffer(prefix, message);
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
    if (streaming && rejection.httpStatus() == 200) {
      write(exchange, null, null, null, null, status, null);
      return;
    }
    int httpStatus =
        rejection.httpStatus() == 200
            ? ConnectCodes.httpStatus(status.code())
            : rejection.httpStatus();
    writeError(exchange, httpStatus, status, null, null);
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
    if (streaming) {
      writeStreaming(exchange, headers, encoding, messages, onWritten, status, trailers);
    } else {
      writeUnary(exchange, headers, messages, onWritten, status, trailers);
    }
  }

  private void writeStreaming(
      ServerExchange exchange,
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf messages,
      @Nullable Runnable onWritten,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    if (!headersSent) {
      Http2Headers head = head(200, "application/connect+" + codec);
      if (encoding != null && !encoding.equals(Compression.IDENTITY)) {
        head.set(STREAM_ENCODING, encoding);
      }
      head.set(STREAM_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
      if (headers != null) {
        GrpcHeaders.addMetadata(head, headers);
      }
      exchange.writeHead(head, false);
      headersSent = true;
    }
    if (messages != null) {
      exchange.writeBody(messages, false, onWritten);
    }
    if (status != null) {
      byte[] json =
          ConnectError.endStreamJson(status, trailers == null ? new Metadata() : trailers);
      ByteBuf end = exchange.allocator().buffer(PREFIX_BYTES + json.length);
      end.writeByte(END_STREAM_FLAG).writeInt(json.length).writeBytes(json);
      exchange.writeBody(end, true, null);
    }
  }

  private void writeUnary(
      ServerExchange exchange,
      @Nullable Metadata headers,
      @Nullable ByteBuf messages,
      @Nullable Runnable onWritten,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    held.hold(headers, messages, onWritten);
    if (status == null) {
      return;
    }
    ByteBuf message = held.takeMessage();
    if (!status.isOk()) {
      if (message != null) {
        message.release();
      }
      writeError(
          exchange, ConnectCodes.httpStatus(status.code()), status, held.takeHeaders(), trailers);
      return;
    }
    writeSuccess(exchange, message, trailers);
  }

  private void writeSuccess(
      ServerExchange exchange, @Nullable ByteBuf message, @Nullable Metadata trailers) {
    Http2Headers head = head(200, "application/" + codec);
    addHeadersAndTrailers(head, held.takeHeaders(), trailers);
    if (message == null || message.readableBytes() < PREFIX_BYTES) {
      if (message != null) {
        message.release();
      }
      head.setInt(CONTENT_LENGTH, 0);
      exchange.writeHead(head, true);
      return;
    }
    boolean compressed = (message.getByte(message.readerIndex()) & 1) != 0;
    message.skipBytes(PREFIX_BYTES);
    if (compressed) {
      head.set(CONTENT_ENCODING, Compression.GZIP);
    }
    head.setInt(CONTENT_LENGTH, message.readableBytes());
    exchange.writeHead(head, false);
    exchange.writeBody(message, true, null);
  }

  private void writeError(
      ServerExchange exchange,
      int httpStatus,
      Status status,
      @Nullable Metadata headers,
      @Nullable Metadata trailers) {
    byte[] json = ConnectError.toJson(status);
    Http2Headers head = head(httpStatus, APPLICATION_JSON.toString());
    addHeadersAndTrailers(head, headers, trailers);
    head.setInt(CONTENT_LENGTH, json.length);
    exchange.writeHead(head, false);
    exchange.writeBody(Unpooled.wrappedBuffer(json), true, null);
  }

  /** Unary responses carry trailers as headers prefixed with {@code trailer-}. */
  private static void addHeadersAndTrailers(
      Http2Headers head, @Nullable Metadata headers, @Nullable Metadata trailers) {
    if (headers != null) {
      GrpcHeaders.addMetadata(head, headers);
    }
    if (trailers != null) {
      Metadata prefixed = new Metadata();
      trailers.forEach(
          (key, value) -> {
            if (value instanceof byte[] bytes) {
              prefixed.addBinary(TRAILER_PREFIX + key, bytes);
            } else {
              prefixed.add(TRAILER_PREFIX + key, (String) value);
            }
          });
      GrpcHeaders.addMetadata(head, prefixed);
    }
  }

  private static Http2Headers head(int httpStatus, String contentType) {
    Http2Headers head = GrpcHeaders.newHeaders();
    head.status(AsciiString.of(Integer.toString(httpStatus)));
    head.set(GrpcHeaders.CONTENT_TYPE, contentType);
    return head;
  }
}
