package dev.trunk.internal.wire;

import dev.trunk.Status;

/**
 * The two tables gRPC defines outside of grpc-status: HTTP status codes of non-gRPC responses
 * (http-grpc-status-mapping.md) and RST_STREAM error codes (PROTOCOL-HTTP2.md, "Errors").
 */
public final class HttpStatusMapping {
  // RFC 9113 section 7 error codes.
  public static final long NO_ERROR = 0x0;
  public static final long PROTOCOL_ERROR = 0x1;
  public static final long INTERNAL_ERROR = 0x2;
  public static final long FLOW_CONTROL_ERROR = 0x3;
  public static final long SETTINGS_TIMEOUT = 0x4;
  public static final long STREAM_CLOSED = 0x5;
  public static final long FRAME_SIZE_ERROR = 0x6;
  public static final long REFUSED_STREAM = 0x7;
  public static final long CANCEL = 0x8;
  public static final long COMPRESSION_ERROR = 0x9;
  public static final long CONNECT_ERROR = 0xA;
  public static final long ENHANCE_YOUR_CALM = 0xB;
  public static final long INADEQUATE_SECURITY = 0xC;
  public static final long HTTP_1_1_REQUIRED = 0xD;

  private HttpStatusMapping() {}

  /** http-grpc-status-mapping.md: the code for a response that has no grpc-status. */
  public static Status.Code grpcCodeForHttpStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> Status.Code.INTERNAL;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
  }

  /** PROTOCOL-HTTP2.md "Errors": the status a client or server sees for a received RST_STREAM. */
  public static Status statusForRstStream(long errorCode) {
    Status.Code code =
        switch ((int) errorCode) {
          case (int) REFUSED_STREAM -> Status.Code.UNAVAILABLE;
          case (int) CANCEL -> Status.Code.CANCELLED;
          case (int) ENHANCE_YOUR_CALM -> Status.Code.RESOURCE_EXHAUSTED;
          case (int) INADEQUATE_SECURITY -> Status.Code.PERMISSION_DENIED;
          default -> Status.Code.INTERNAL;
        };
    return code.toStatus()
        .withDescription("the peer reset the stream with " + errorName(errorCode));
  }

  /**
   * The status a server call sees when the client resets its stream: CANCELLED whatever the code,
   * since the client has abandoned the call (the code table of PROTOCOL-HTTP2.md "Errors" is for
   * the client's side, where a server's reset carries a meaning). The code stays in the
   * description.
   */
  public static Status statusForClientReset(long errorCode) {
    return Status.CANCELLED.withDescription(
        "the client cancelled the call (RST_STREAM " + errorName(errorCode) + ")");
  }

  /**
   * The RST_STREAM code to send when a call ends early with this status: CANCEL when the call is
   * abandoned (cancellation, deadline, a local limit), INTERNAL_ERROR for a broken stream.
   */
  public static long rstStreamCodeFor(Status.Code code) {
    return switch (code) {
      case CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> CANCEL;
      case OK -> NO_ERROR;
      default -> INTERNAL_ERROR;
    };
  }

  static String errorName(long errorCode) {
    String[] names = {
      "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
      "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
      "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"
    };
    return errorCode >= 0 && errorCode < names.length
        ? names[(int) errorCode]
        : "error code 0x" + Long.toHexString(errorCode);
  }
}
