package dev.trunk.internal.web;

import dev.trunk.Status;
import java.util.HashMap;
import java.util.Map;

/**
 * Connect's error codes (connectrpc.com/docs/protocol, "Error Codes"): the name of each gRPC status
 * code in Connect's JSON, the HTTP status a unary error is sent with, and the code a client infers
 * from an HTTP status when the response carries no Connect error ("HTTP to Error Code").
 */
public final class ConnectCodes {
  /** The HTTP status of a successful unary response. */
  static final int HTTP_OK = 200;

  private static final Map<String, Status.Code> BY_NAME = new HashMap<>();

  static {
    for (Status.Code code : Status.Code.values()) {
      if (code != Status.Code.OK) {
        BY_NAME.put(name(code), code);
      }
    }
  }

  private ConnectCodes() {}

  /**
   * The Connect name of an error code: the gRPC name in lower case, except {@code canceled} (one
   * L).
   *
   * @throws IllegalArgumentException for OK, which Connect has no name for (success is no error)
   */
  public static String name(Status.Code code) {
    return switch (code) {
      case OK -> throw new IllegalArgumentException("Connect has no error code for OK");
      case CANCELLED -> "canceled";
      case UNKNOWN -> "unknown";
      case INVALID_ARGUMENT -> "invalid_argument";
      case DEADLINE_EXCEEDED -> "deadline_exceeded";
      case NOT_FOUND -> "not_found";
      case ALREADY_EXISTS -> "already_exists";
      case PERMISSION_DENIED -> "permission_denied";
      case RESOURCE_EXHAUSTED -> "resource_exhausted";
      case FAILED_PRECONDITION -> "failed_precondition";
      case ABORTED -> "aborted";
      case OUT_OF_RANGE -> "out_of_range";
      case UNIMPLEMENTED -> "unimplemented";
      case INTERNAL -> "internal";
      case UNAVAILABLE -> "unavailable";
      case DATA_LOSS -> "data_loss";
      case UNAUTHENTICATED -> "unauthenticated";
    };
  }

  /**
   * The code with this Connect name, or UNKNOWN for any other text: the spec allows no user-defined
   * codes, and names are case-sensitive.
   */
  public static Status.Code fromName(String name) {
    return BY_NAME.getOrDefault(name, Status.Code.UNKNOWN);
  }

  /** The HTTP status of a unary response with this code (the spec's table; 200 for OK). */
  public static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> HTTP_OK;
      case CANCELLED -> 499; // Client Closed Request
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
    };
  }

  /**
   * The code a client infers from a non-200 response without a Connect error body (the spec's "HTTP
   * to Error Code" table, a superset of gRPC's mapping): note 400 is INTERNAL and 404
   * UNIMPLEMENTED, since those mean the peer or a proxy did not understand the request.
   */
  public static Status.Code fromHttpStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> Status.Code.INTERNAL;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
  }
}
