package dev.trunk.internal.netty;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Cross-origin resource sharing (the Fetch standard's CORS protocol) for browsers calling gRPC-Web
 * and Connect methods from another origin: preflight answers, and the headers that let the page
 * read the response's status, errors and metadata.
 */
final class Cors {
  static final AsciiString ORIGIN = AsciiString.cached("origin");
  static final AsciiString REQUEST_METHOD = AsciiString.cached("access-control-request-method");
  static final AsciiString REQUEST_HEADERS = AsciiString.cached("access-control-request-headers");
  static final AsciiString ALLOW_ORIGIN = AsciiString.cached("access-control-allow-origin");
  static final AsciiString ALLOW_METHODS = AsciiString.cached("access-control-allow-methods");
  static final AsciiString ALLOW_HEADERS = AsciiString.cached("access-control-allow-headers");
  static final AsciiString EXPOSE_HEADERS = AsciiString.cached("access-control-expose-headers");
  static final AsciiString MAX_AGE = AsciiString.cached("access-control-max-age");
  static final AsciiString VARY = AsciiString.cached("vary");

  /** The methods the protocols use: POST, and GET for Connect's side-effect-free calls. */
  static final AsciiString METHODS = AsciiString.cached("POST, GET");

  /**
   * How long a browser may reuse a preflight answer: 2 hours, the most Chromium honours (Fetch
   * standard: user agents may cap Access-Control-Max-Age).
   */
  static final int PREFLIGHT_MAX_AGE_SECONDS = 7200;

  /**
   * Response headers a page may always read (besides the CORS-safelisted ones): gRPC-Web's status
   * and encodings, Connect's stream encodings; custom metadata present in a response is added.
   */
  private static final String EXPOSED =
      "grpc-status, grpc-message, grpc-status-details-bin, grpc-encoding, grpc-accept-encoding,"
          + " connect-content-encoding, connect-accept-encoding, content-encoding";

  /** Headers of a response head that need no exposing, or are exposed by {@link #EXPOSED}. */
  private static final Set<String> NOT_EXPOSED =
      Set.of(
          "content-type",
          "content-length",
          "transfer-encoding",
          "grpc-status",
          "grpc-message",
          "grpc-status-details-bin",
          "grpc-encoding",
          "grpc-accept-encoding",
          "connect-content-encoding",
          "connect-accept-encoding",
          "content-encoding",
          "vary");

  private Cors() {}

  /** The request's origin if the server allows it, else null. */
  static @Nullable CharSequence allowedOrigin(Http2Headers request, List<String> allowed) {
    CharSequence origin = request.get(ORIGIN);
    if (origin == null || allowed.isEmpty()) {
      return null;
    }
    return allowed.contains("*") || allowed.contains(origin.toString()) ? origin : null;
  }

  /** Whether the request is a CORS preflight: OPTIONS with Access-Control-Request-Method. */
  static boolean isPreflight(Http2Headers request) {
    return AsciiString.contentEquals("OPTIONS", request.method())
        && request.contains(REQUEST_METHOD);
  }

  /** The answer to a preflight: 204 with the grants if the origin is allowed, else 403. */
  static Http2Headers preflightAnswer(Http2Headers request, @Nullable CharSequence origin) {
    Http2Headers head = GrpcHeaders.newHeaders();
    if (origin == null) {
      head.status(AsciiString.of("403"));
      head.setInt(AsciiString.cached("content-length"), 0);
      return head;
    }
    head.status(AsciiString.of("204"));
    head.set(ALLOW_ORIGIN, origin);
    head.set(ALLOW_METHODS, METHODS);
    CharSequence headers = request.get(REQUEST_HEADERS);
    if (headers != null) {
      head.set(ALLOW_HEADERS, headers); // any request header: metadata names are the app's own
    }
    head.setInt(MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
    head.set(VARY, ORIGIN);
    return head;
  }

  /** Adds the grant and the exposed headers to a response head for an allowed origin. */
  static Http2Headers addTo(Http2Headers head, CharSequence origin) {
    Http2Headers granted = GrpcHeaders.newHeaders();
    granted.setAll(head);
    granted.set(ALLOW_ORIGIN, origin);
    granted.set(VARY, ORIGIN);
    StringBuilder exposed = new StringBuilder(EXPOSED);
    for (Map.Entry<CharSequence, CharSequence> header : head) {
      String name = header.getKey().toString();
      if (!name.startsWith(":") && !NOT_EXPOSED.contains(name)) {
        exposed.append(", ").append(name);
      }
    }
    granted.set(EXPOSE_HEADERS, exposed.toString());
    return granted;
  }
}
