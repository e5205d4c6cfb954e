package dev.trunk.internal.netty;

import dev.trunk.Codec;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.ReceivedHeaders;
import dev.trunk.internal.wire.BinaryHeaders;
import dev.trunk.internal.wire.Compression;
import dev.trunk.internal.wire.HttpStatusMapping;
import dev.trunk.internal.wire.PercentEncoding;
import dev.trunk.internal.wire.StatusDetails;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** gRPC's HTTP/2 header names and the conversions between headers, metadata and status. */
final class GrpcHeaders {
  static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
  static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
  static final AsciiString TE = AsciiString.cached("te");
  static final AsciiString TRAILERS = AsciiString.cached("trailers");
  static final AsciiString USER_AGENT = AsciiString.cached("user-agent");
  static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  static final AsciiString GRPC_STATUS_DETAILS = AsciiString.cached("grpc-status-details-bin");
  static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
  static final AsciiString GRPC_ENCODING = AsciiString.cached("grpc-encoding");
  static final AsciiString GRPC_ACCEPT_ENCODING = AsciiString.cached("grpc-accept-encoding");

  /** The value of grpc-accept-encoding Trunk sends: every encoding it can decode. */
  static final AsciiString ACCEPT_ENCODING = AsciiString.cached(Compression.acceptEncodingHeader());

  static final AsciiString POST = AsciiString.cached("POST");
  static final AsciiString HTTP = AsciiString.cached("http");
  static final AsciiString HTTPS = AsciiString.cached("https");
  static final AsciiString OK_STATUS = AsciiString.cached("200");

  private static final String RESERVED_PREFIX = "grpc-";

  /** Larger than any status code gRPC defines; a larger grpc-status value is read as this. */
  private static final int STATUS_CODE_CAP = 1000;

  private GrpcHeaders() {}

  /**
   * The content-subtype of a gRPC {@code contentType} (PROTOCOL-HTTP2.md, Content-Type):
   * "application/grpc" alone or followed by "+subtype" and/or ";parameters". Returns "" for plain
   * "application/grpc", the subtype in lower case, or null if the type is not gRPC's.
   */
  static @Nullable String contentSubtype(@Nullable CharSequence contentType) {
    int prefix = APPLICATION_GRPC.length();
    if (contentType == null
        || !AsciiString.regionMatches(contentType, true, 0, APPLICATION_GRPC, 0, prefix)) {
      return null;
    }
    if (contentType.length() == prefix) {
      return "";
    }
    char next = contentType.charAt(prefix);
    if (next == ';') {
      return "";
    }
    if (next != '+') {
      return null;
    }
    String rest = contentType.subSequence(prefix + 1, contentType.length()).toString();
    int parameters = rest.indexOf(';');
    String subtype = (parameters < 0 ? rest : rest.substring(0, parameters)).trim();
    return subtype.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a gRPC content-subtype fits a codec: plain "application/grpc" fits any codec, a subtype
   * only the codec of that name.
   */
  static boolean subtypeFits(String subtype, String codecName) {
    return subtype.isEmpty() || subtype.equals(codecName);
  }

  /** The content-type to send for a codec: application/grpc, or application/grpc+name. */
  static AsciiString contentType(String codecName) {
    return codecName.equals(Codec.PROTO)
        ? APPLICATION_GRPC
        : AsciiString.of(APPLICATION_GRPC + "+" + codecName);
  }

  /**
   * The custom metadata of {@code headers}: every header except pseudo-headers, gRPC's reserved
   * {@code grpc-*} headers, {@code content-type} and {@code te}, and headers metadata may not hold.
   * The {@code user-agent} is kept (handlers may read it) through the received-headers path, since
   * users cannot add it. Binary values are base64-decoded (padded or not, possibly comma-joined).
   *
   * @throws IllegalArgumentException for a -bin header that is not valid base64
   */
  static Metadata toMetadata(Http2Headers headers) {
    Metadata metadata = new Metadata();
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      CharSequence name = header.getKey();
      if (name.length() == 0 || name.charAt(0) == ':' || skipped(name)) {
        continue;
      }
      String key = name.toString();
      if (Metadata.isBinaryKey(key)) {
        List<byte[]> values;
        try {
          values = BinaryHeaders.decodeValues(header.getValue());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("header " + key + ": " + e.getMessage(), e);
        }
        for (byte[] value : values) {
          addQuietly(metadata, key, value, false);
        }
      } else if (AsciiString.contentEqualsIgnoreCase(name, USER_AGENT)) {
        addQuietly(metadata, USER_AGENT.toString(), header.getValue().toString(), true);
      } else {
        addQuietly(metadata, key, header.getValue().toString(), false);
      }
    }
    return metadata;
  }

  private static boolean skipped(CharSequence name) {
    return AsciiString.contentEquals(name, CONTENT_TYPE)
        || AsciiString.contentEquals(name, TE)
        || (AsciiString.regionMatches(name, false, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length())
            && !isRetryKey(name));
  }

  /** The grpc- headers applications see as metadata (gRFC A6: attempts so far, pushback). */
  private static boolean isRetryKey(CharSequence name) {
    return AsciiString.contentEquals(name, Metadata.PREVIOUS_RPC_ATTEMPTS)
        || AsciiString.contentEquals(name, Metadata.RETRY_PUSHBACK_MS);
  }

  /** Drops a header whose key or value gRPC's metadata rules do not allow, rather than failing. */
  private static void addQuietly(Metadata metadata, String key, Object value, boolean reserved) {
    try {
      if (value instanceof byte[] bytes) {
        metadata.addBinary(key, bytes);
      } else if (reserved) {
        ReceivedHeaders.add(metadata, key, (String) value);
      } else {
        metadata.add(key, (String) value);
      }
    } catch (IllegalArgumentException ignoredIllegalHeader) {
      // A header HTTP allows but gRPC metadata does not (e.g. upper-case or odd characters).
    }
  }

  /**
   * Adds every entry of {@code metadata}; binary values go base64-encoded without padding. A
   * received {@code user-agent} copied along (users cannot add one) is left out: the transport sets
   * its own.
   */
  static void addMetadata(Http2Headers headers, Metadata metadata) {
    metadata.forEach(
        (key, value) -> {
          if (!USER_AGENT.contentEquals(key)) {
            headers.add(
                key, value instanceof byte[] bytes ? BinaryHeaders.encode(bytes) : (String) value);
          }
        });
  }

  /** Adds grpc-status, grpc-message (percent-encoded) and grpc-status-details-bin. */
  static void addStatus(Http2Headers headers, Status status) {
    headers.setInt(GRPC_STATUS, status.code().value());
    String description = status.description();
    if (description != null && !description.isEmpty()) {
      headers.set(GRPC_MESSAGE, PercentEncoding.encode(description));
    }
    if (!status.details().isEmpty()) {
      headers.set(GRPC_STATUS_DETAILS, BinaryHeaders.encode(StatusDetails.encode(status)));
    }
  }

  /** The status in trailers (or a Trailers-Only response); null if there is no grpc-status. */
  static @Nullable Status statusOf(Http2Headers trailers) {
    CharSequence code = trailers.get(GRPC_STATUS);
    if (code == null) {
      return null;
    }
    int value = statusCodeValue(code);
    if (value < 0) {
      return Status.UNKNOWN.withDescription("malformed grpc-status '" + code + "'");
    }
    Status status = Status.Code.of(value).toStatus();
    CharSequence message = trailers.get(GRPC_MESSAGE);
    if (message != null) {
      status = status.withDescription(PercentEncoding.decode(message));
    }
    CharSequence details = trailers.get(GRPC_STATUS_DETAILS);
    if (details != null) {
      try {
        status = StatusDetails.decode(BinaryHeaders.decode(details), status);
      } catch (IllegalArgumentException e) {
        // Keep the status from grpc-status and grpc-message: the details are an extra.
      }
    }
    return status;
  }

  /**
   * The number in a grpc-status value, capped above every defined code (then UNKNOWN), or -1 unless
   * it is ASCII digits only (PROTOCOL-HTTP2.md: Status → "grpc-status" 1*DIGIT): a sign or a
   * non-ASCII digit must not turn a malformed status into OK.
   */
  private static int statusCodeValue(CharSequence code) {
    if (code.length() == 0) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = Math.min(value * 10 + (c - '0'), STATUS_CODE_CAP);
    }
    return value;
  }

  /**
   * Checks a response's first headers: a non-200 HTTP status fails the call with the grpc-status it
   * carries or, without one, the code http-grpc-status-mapping.md gives the HTTP status; a
   * content-type that is not gRPC's, or names another codec than {@code codecName}, is UNKNOWN.
   * Null if they are fine.
   */
  static @Nullable Status checkResponse(Http2Headers headers, String codecName) {
    CharSequence httpStatus = headers.status();
    if (httpStatus == null || !OK_STATUS.contentEquals(httpStatus)) {
      return httpFailure(headers, httpStatus);
    }
    CharSequence contentType = headers.get(CONTENT_TYPE);
    String subtype = contentSubtype(contentType);
    if (subtype == null) {
      return Status.UNKNOWN.withDescription(
          "the response content-type '" + contentType + "' is not application/grpc");
    }
    if (!subtypeFits(subtype, codecName)) {
      return Status.UNKNOWN.withDescription(
          "the response content-type '"
              + contentType
              + "' does not match the method's codec '"
              + codecName
              + "'");
    }
    return null;
  }

  /**
   * http-grpc-status-mapping.md: the table applies only to a response without grpc-status; a
   * grpc-status that is present must be used.
   */
  static Status httpFailure(Http2Headers headers, @Nullable CharSequence httpStatus) {
    String from = "HTTP status " + httpStatus + " from the server";
    Status grpc = statusOf(headers);
    if (grpc != null && !grpc.isOk()) {
      String description = grpc.description();
      return grpc.withDescription(description == null ? from : description + " (" + from + ")");
    }
    int code;
    try {
      code = httpStatus == null ? 0 : Integer.parseInt(httpStatus.toString());
    } catch (NumberFormatException e) {
      code = 0;
    }
    return HttpStatusMapping.grpcCodeForHttpStatus(code).toStatus().withDescription(from);
  }

  /** A fresh header block. Validation is off: Trunk only writes names it checked itself. */
  static Http2Headers newHeaders() {
    return new DefaultHttp2Headers(false);
  }
}
