package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.wire.GrpcTimeout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * gRPC-Web on the client (PROTOCOL-WEB.md), binary mode: gRPC's headers and length-prefixed
 * messages, {@code application/grpc-web+<codec>}, {@code x-grpc-web: 1}, no {@code te}; the
 * response's trailers come as the body's last frame (flag 0x80) of HTTP/1 header lines.
 */
final class GrpcWebClientProtocol extends ClientWireProtocol {
  static final AsciiString X_GRPC_WEB = AsciiString.cached("x-grpc-web");

  /**
   * Largest trailers frame accepted: the trailers are a header block, held to the HTTP/2 default
   * SETTINGS_MAX_HEADER_LIST_SIZE a gRPC client would advertise (Channel.Builder's default).
   */
  static final int MAX_TRAILERS_BYTES = dev.trunk.Channel.Builder.DEFAULT_MAX_HEADER_LIST_SIZE;

  private final EnvelopeReader reader =
      new EnvelopeReader(GrpcWebProtocol.TRAILERS_FLAG, MAX_TRAILERS_BYTES, "gRPC-Web trailers");
  private boolean done;
  // The trailers frame's status and trailers, once read.
  private Status pendingStatus = Status.OK;
  private Metadata pendingTrailers = new Metadata();

  GrpcWebClientProtocol(MethodDescriptor<?, ?> method, int maxInboundMessageSize) {
    super(method, maxInboundMessageSize);
  }

  @Override
  void addProtocolHeaders(Http2Headers headers, CallStart call) {
    headers.set(
        GrpcHeaders.CONTENT_TYPE,
        GrpcWebProtocol.APPLICATION_GRPC_WEB + "+" + method.requestCodec().name());
    headers.set(X_GRPC_WEB, "1");
    long timeoutNanos = call.timeoutNanos();
    if (timeoutNanos >= 0) {
      headers.set(GrpcHeaders.GRPC_TIMEOUT, GrpcTimeout.encode(timeoutNanos));
    }
    String encoding = call.encoding();
    if (encoding != null) {
      headers.set(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    headers.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
  }

  @Override
  void onHead(Http2Headers headers, boolean endOfStream, Events events) {
    int status = httpStatus(headers);
    if (status != 200) {
      done = true;
      events.onEnd(GrpcHeaders.httpFailure(headers, headers.status()), trailersOf(headers));
      return;
    }
    if (headers.contains(GrpcHeaders.GRPC_STATUS)) {
      // Trailers-Only: the status in the headers, no body (PROTOCOL-WEB.md).
      done = true;
      events.onEnd(statusOf(headers), trailersOf(headers));
      return;
    }
    String expected = GrpcWebProtocol.APPLICATION_GRPC_WEB + "+" + method.responseCodec().name();
    String type = mediaType(headers.get(GrpcHeaders.CONTENT_TYPE));
    Status badType =
        type.equals(GrpcWebProtocol.APPLICATION_GRPC_WEB.toString())
            ? null
            : checkContentType(headers, expected);
    if (badType != null) {
      done = true;
      events.onFailure(badType);
      return;
    }
    Metadata metadata;
    try {
      metadata = GrpcHeaders.toMetadata(headers);
    } catch (IllegalArgumentException e) {
      done = true;
      events.onFailure(Status.INTERNAL.withDescription("bad response metadata: " + e.getMessage()));
      return;
    }
    CharSequence encoding = headers.get(GrpcHeaders.GRPC_ENCODING);
    events.onHeaders(metadata, encoding == null ? null : encoding.toString());
    if (endOfStream) {
      onBody(Unpooled.EMPTY_BUFFER, true, events);
    }
  }

  @Override
  boolean onBody(ByteBuf data, boolean endOfStream, Events events) {
    if (done) {
      data.release();
      return true;
    }
    ByteBuf messages;
    try {
      messages = reader.read(data, this::onTrailersFrame);
    } catch (StatusException e) {
      done = true;
      reader.close();
      events.onFailure(e.status());
      return true;
    }
    boolean credit = events.onData(messages, endOfStream || reader.ended());
    if (reader.ended() && !done) {
      done = true;
      events.onEnd(pendingStatus, pendingTrailers);
    } else if (endOfStream && !done) {
      done = true;
      reader.close();
      events.onFailure(
          Status.INTERNAL.withDescription(
              "the gRPC-Web response ended without its trailers frame (grpc-status)"));
    }
    return credit;
  }

  /** Parses the trailers frame: "name: value" lines separated by CRLF. */
  private void onTrailersFrame(EnvelopeReader.End end) {
    Http2Headers trailers = GrpcHeaders.newHeaders();
    String block = end.payload().toString(StandardCharsets.UTF_8);
    end.payload().release();
    for (String line : block.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        trailers.add(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    pendingStatus = statusOf(trailers);
    pendingTrailers = trailersOf(trailers);
  }

  private static Status statusOf(Http2Headers headers) {
    Status status = GrpcHeaders.statusOf(headers);
    return status != null
        ? status
        : Status.INTERNAL.withDescription("the gRPC-Web response ended without grpc-status");
  }

  private static Metadata trailersOf(Http2Headers headers) {
    try {
      return GrpcHeaders.toMetadata(headers);
    } catch (IllegalArgumentException e) {
      return new Metadata();
    }
  }
}
