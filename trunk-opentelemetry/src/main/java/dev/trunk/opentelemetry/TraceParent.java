package dev.trunk.opentelemetry;

import org.jspecify.annotations.Nullable;

/**
 * Checks, and reads the trace id of, a W3C Trace Context {@code traceparent} header: {@code
 * version-traceid-parentid-flags}, lower-case hex of 2, 32, 16 and 2 digits.
 */
final class TraceParent {
  /** The request header (W3C Trace Context, section 3.2). */
  static final String HEADER = "traceparent";

  /** Version 00's length; later versions may append fields after a dash (section 3.2.4). */
  private static final int LENGTH = 55;

  /** Where the trace id's 32 hex digits sit (section 3.2.2.3). */
  private static final int TRACE_ID_START = 3;

  private static final int TRACE_ID_END = 35;

  /** Version ff is invalid (section 3.2.2.2). */
  private static final String INVALID_VERSION = "ff";

  private TraceParent() {}

  /** Whether {@code value} is a valid traceparent whose trace and parent ids are not all zero. */
  static boolean isValid(@Nullable String value) {
    if (value == null || value.length() < LENGTH) {
      return false;
    }
    String version = value.substring(0, 2);
    if (!isHex(version) || version.equals(INVALID_VERSION)) {
      return false;
    }
    if (value.length() > LENGTH && (version.equals("00") || value.charAt(LENGTH) != '-')) {
      return false;
    }
    return value.charAt(2) == '-'
        && value.charAt(TRACE_ID_END) == '-'
        && value.charAt(52) == '-'
        && isNonZeroHex(value.substring(TRACE_ID_START, TRACE_ID_END))
        && isNonZeroHex(value.substring(36, 52))
        && isHex(value.substring(53, 55));
  }

  /** The trace id of a valid {@code value}, else null. */
  static @Nullable String traceId(@Nullable String value) {
    return value != null && isValid(value) ? value.substring(TRACE_ID_START, TRACE_ID_END) : null;
  }

  private static boolean isNonZeroHex(String digits) {
    return isHex(digits) && digits.chars().anyMatch(c -> c != '0');
  }

  private static boolean isHex(String digits) {
    return digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
