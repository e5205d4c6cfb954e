package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.web.ConnectError;
import dev.trunk.internal.web.ConnectGet;
import dev.trunk.internal.wire.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Connect protocol on the client (connectrpc.com/docs/protocol). Unary methods POST the bare
 * message ({@code application/<codec>}, compressed as a whole with {@code content-encoding}) and
 * read the bare response, or a JSON error under a non-200 status; trailers come as {@code trailer-}
 * headers. Streaming methods send gRPC's envelopes ({@code application/connect+<codec>}) and read
 * envelopes until the one flagged 0x02, the end-of-stream JSON.
 */
final class ConnectClientProtocol extends ClientWireProtocol {
  /** Connect-Timeout-Ms holds at most 10 digits (the spec's Timeout → 1*10 DIGIT). */
  static final long MAX_TIMEOUT_MS = 9_999_999_999L;

  /**
   * Largest end-of-stream message or error body accepted: both are small JSON documents, but error
   * details may be large, so they get as much as a message.
   */
  private final int maxJsonBytes;

  /**
   * The longest request target (path and query) of a GET; longer requests are POSTed. Over HTTP/2
   * the target travels in the header list, which servers commonly bound at 8 KiB
   * (SETTINGS_MAX_HEADER_LIST_SIZE; Trunk's and gRPC's default), and it must leave room for the
   * other headers; RFC 9110 section 4.1 only recommends supporting 8000 octets over HTTP/1.1.
   */
  static final int MAX_GET_TARGET_LENGTH = 4096;

  private static final String TRAILER_PREFIX = "trailer-";
  private static final String CONNECT_PREFIX = "connect-";

  private final boolean streaming;
  private final @Nullable EnvelopeReader reader;
  // A unary or error body until it is complete.
  private @Nullable CompositeByteBuf body;
  private @Nullable Http2Headers head;
  private int status;
  private boolean done;
  private boolean get;
  private Status endStatus = Status.OK;
  private Metadata endTrailers = new Metadata();

  ConnectClientProtocol(MethodDescriptor<?, ?> method, int maxInboundMessageSize) {
    super(method, maxInboundMessageSize);
    this.streaming = !method.type().clientSendsOne() || !method.type().serverSendsOne();
    this.maxJsonBytes = maxInboundMessageSize;
    this.reader =
        streaming
            ? new EnvelopeReader(
                ConnectProtocol.END_STREAM_FLAG, maxJsonBytes, "end-of-stream message")
            : null;
  }

  /**
   * A unary call of a method marked free of side effects goes as GET (connectrpc.com/docs/protocol,
   * Unary-Get-Request) when its query fits {@link #MAX_GET_TARGET_LENGTH}: the message, base64 if
   * binary, with its codec and compression in the query.
   */
  @Override
  @Nullable String getQuery(CallStart call, @Nullable ByteBuf first, boolean endOfStream) {
    if (streaming || !method.noSideEffects() || first == null || !endOfStream) {
      return null;
    }
    int length = first.readableBytes() - EnvelopeReader.PREFIX_BYTES;
    if (length < 0 || length > MAX_GET_TARGET_LENGTH) {
      return null; // no encoding makes it shorter than its bytes
    }
    boolean compressed = first.getByte(first.readerIndex()) != 0;
    byte[] message =
        ByteBufUtil.getBytes(first, first.readerIndex() + EnvelopeReader.PREFIX_BYTES, length);
    String query =
        ConnectGet.query(
            message, method.requestCodec().name(), compressed ? call.encoding() : null);
    if (method.path().length() + 1 + query.length() > MAX_GET_TARGET_LENGTH) {
      return null;
    }
    get = true;
    return query;
  }

  @Override
  void addProtocolHeaders(Http2Headers headers, CallStart call) {
    if (get) {
      addGetHeaders(headers, call);
      return;
    }
    String codec = method.requestCodec().name();
    headers.set(
        GrpcHeaders.CONTENT_TYPE,
        streaming ? ConnectProtocol.APPLICATION_CONNECT + codec : "application/" + codec);
    headers.set(ConnectProtocol.PROTOCOL_VERSION, ConnectProtocol.VERSION);
    addTimeout(headers, call);
    String encoding = call.encoding();
    if (encoding != null && !encoding.equals(Compression.IDENTITY)) {
      headers.set(
          streaming ? ConnectProtocol.STREAM_ENCODING : ConnectProtocol.CONTENT_ENCODING, encoding);
    }
    headers.set(
        streaming ? ConnectProtocol.STREAM_ACCEPT_ENCODING : ConnectProtocol.ACCEPT_ENCODING,
        Compression.GZIP);
  }

  /**
   * A GET has no content-type, body or protocol version header (the query has {@code connect=v1});
   * it keeps the timeout and the accepted encodings.
   */
  private static void addGetHeaders(Http2Headers headers, CallStart call) {
    addTimeout(headers, call);
    headers.set(ConnectProtocol.ACCEPT_ENCODING, Compression.GZIP);
  }

  private static void addTimeout(Http2Headers headers, CallStart call) {
    long timeoutNanos = call.timeoutNanos();
    if (timeoutNanos >= 0) {
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
      headers.setLong(ConnectProtocol.TIMEOUT_MS, Math.min(millis, MAX_TIMEOUT_MS));
    }
  }

  /**
   * A unary request is the bare message: its 5-byte prefix goes, reported written at once; a GET's
   * message is in its URL, so all of it goes.
   */
  @Override
  @Nullable ByteBuf outbound(@Nullable ByteBuf framed, ClientStreamListener listener) {
    if (get && framed != null) {
      int size = framed.readableBytes();
      framed.release();
      listener.onWritten(size);
      return null;
    }
    if (streaming || framed == null) {
      return framed;
    }
    framed.skipBytes(EnvelopeReader.PREFIX_BYTES);
    listener.onWritten(EnvelopeReader.PREFIX_BYTES);
    return framed;
  }

  @Override
  void onHead(Http2Headers headers, boolean endOfStream, Events events) {
    head = headers;
    status = httpStatus(headers);
    if (status == 200 && streaming) {
      startStream(headers, events);
    } else {
      body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    }
    if (endOfStream && !done) {
      onBody(Unpooled.EMPTY_BUFFER, true, events);
    }
  }

  private void startStream(Http2Headers headers, Events events) {
    Status badType =
        checkContentType(
            headers, ConnectProtocol.APPLICATION_CONNECT + method.responseCodec().name());
    if (badType != null) {
      fail(badType, events);
      return;
    }
    CharSequence encoding = headers.get(ConnectProtocol.STREAM_ENCODING);
    events.onHeaders(metadata(headers, false), encoding == null ? null : encoding.toString());
  }

  @Override
  boolean onBody(ByteBuf data, boolean endOfStream, Events events) {
    if (done) {
      data.release();
      return true;
    }
    CompositeByteBuf collecting = body;
    if (collecting != null) {
      collect(collecting, data, endOfStream, events);
      return true;
    }
    return readEnvelopes(data, endOfStream, events);
  }

  // ---- streaming ----------------------------------------------------------------------------

  private boolean readEnvelopes(ByteBuf data, boolean endOfStream, Events events) {
    EnvelopeReader envelopes = java.util.Objects.requireNonNull(reader);
    ByteBuf messages;
    try {
      messages = envelopes.read(data, this::onEndStream);
    } catch (StatusException e) {
      fail(e.status(), events);
      return true;
    }
    boolean credit = events.onData(messages, endOfStream || envelopes.ended());
    if (envelopes.ended() && !done) {
      done = true;
      events.onEnd(endStatus, endTrailers);
    } else if (endOfStream && !done) {
      fail(
          Status.INTERNAL.withDescription(
              "the Connect stream ended without its end-of-stream message"),
          events);
    }
    return credit;
  }

  private void onEndStream(EnvelopeReader.End end) {
    ByteBuf payload = end.payload();
    if ((end.flags() & 1) != 0) {
      payload = Compression.decompress(payload, maxJsonBytes, payload.alloc(), "end-of-stream");
    }
    byte[] json = ByteBufUtil.getBytes(payload);
    payload.release();
    try {
      ConnectError.EndStream parsed = ConnectError.parseEndStream(json);
      endStatus = parsed.status();
      endTrailers = parsed.trailers();
    } catch (IllegalArgumentException e) {
      throw Status.INTERNAL.withDescription(e.getMessage()).asException();
    }
  }

  // ---- unary and errors: the whole body -----------------------------------------------------

  private void collect(
      CompositeByteBuf collecting, ByteBuf data, boolean endOfStream, Events events) {
    if (collecting.readableBytes() + data.readableBytes() > maxInboundMessageSize) {
      data.release();
      fail(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "the response body is larger than the limit of "
                  + maxInboundMessageSize
                  + " bytes (maxInboundMessageSize)"),
          events);
      return;
    }
    collecting.addComponent(true, data);
    if (endOfStream) {
      body = null;
      finishBody(collecting, java.util.Objects.requireNonNull(head), events);
    }
  }

  private void finishBody(CompositeByteBuf collected, Http2Headers headers, Events events) {
    done = true;
    CharSequence encoding = headers.get(ConnectProtocol.CONTENT_ENCODING);
    boolean compressed =
        encoding != null && AsciiString.contentEqualsIgnoreCase(encoding, Compression.GZIP);
    if (status != 200) {
      finishError(collected, compressed, headers, events);
      return;
    }
    Status badType = checkContentType(headers, "application/" + method.responseCodec().name());
    if (badType != null) {
      collected.release();
      events.onFailure(badType);
      return;
    }
    events.onHeaders(metadata(headers, false), compressed ? Compression.GZIP : null);
    // The whole body is the message: the call reads it as one length-prefixed message.
    ByteBuf prefix = collected.alloc().buffer(EnvelopeReader.PREFIX_BYTES);
    prefix.writeByte(compressed ? 1 : 0).writeInt(collected.readableBytes());
    events.onData(Unpooled.wrappedBuffer(prefix, collected), true);
    events.onEnd(Status.OK, metadata(headers, true));
  }

  private void finishError(
      ByteBuf collected, boolean compressed, Http2Headers headers, Events events) {
    ByteBuf json = collected;
    Status error;
    try {
      if (compressed) {
        json = Compression.decompress(collected, maxJsonBytes, collected.alloc(), "error");
      }
      error = ConnectError.fromJson(ByteBufUtil.getBytes(json), status);
    } catch (StatusException e) {
      error = e.status();
    } finally {
      json.release();
    }
    events.onHeaders(metadata(headers, false), null);
    events.onEnd(error, metadata(headers, true));
  }

  private void fail(Status failure, Events events) {
    done = true;
    CompositeByteBuf collecting = body;
    body = null;
    if (collecting != null) {
      collecting.release();
    }
    if (reader != null) {
      reader.close();
    }
    events.onFailure(failure);
  }

  /**
   * The response's headers as metadata, without Connect's own and the content negotiation ones;
   * with {@code trailers}, only the {@code trailer-} headers, without their prefix.
   */
  private static Metadata metadata(Http2Headers headers, boolean trailers) {
    Http2Headers kept = GrpcHeaders.newHeaders();
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      String name = header.getKey().toString();
      boolean trailer = name.startsWith(TRAILER_PREFIX);
      if (trailers && trailer) {
        kept.add(name.substring(TRAILER_PREFIX.length()), header.getValue());
      } else if (!trailers && !trailer && !ignored(name)) {
        kept.add(name, header.getValue());
      }
    }
    try {
      return GrpcHeaders.toMetadata(kept);
    } catch (IllegalArgumentException e) {
      return new Metadata();
    }
  }

  private static boolean ignored(String name) {
    return name.startsWith(CONNECT_PREFIX)
        || ConnectProtocol.CONTENT_ENCODING.contentEquals(name)
        || ConnectProtocol.ACCEPT_ENCODING.contentEquals(name)
        || ConnectProtocol.CONTENT_LENGTH.contentEquals(name);
  }
}
