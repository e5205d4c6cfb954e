package dev.trunk.opentelemetry;

import io.opentelemetry.api.trace.Span;

/**
 * A call's {@code :authority} split into {@code server.address} and {@code server.port}: {@code
 * host}, {@code host:port} or {@code [v6-address]:port} (RFC 3986, section 3.2).
 *
 * @param host the host, without an IPv6 address's brackets
 * @param port the port, or -1 when the authority names none (or not a number)
 */
record Authority(String host, int port) {
  /** No port in the authority. */
  private static final int NO_PORT = -1;

  static Authority of(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.indexOf(']', colon) >= 0) {
      return new Authority(unbracketed(authority), NO_PORT);
    }
    return new Authority(unbracketed(authority.substring(0, colon)), port(authority, colon));
  }

  private static int port(String authority, int colon) {
    try {
      return Integer.parseInt(authority.substring(colon + 1));
    } catch (NumberFormatException e) {
      return NO_PORT;
    }
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Sets {@code server.address} and, if known, {@code server.port} on {@code span}. */
  void describe(Span span) {
    span.setAttribute(SpanAttributes.SERVER_ADDRESS, host);
    if (port != NO_PORT) {
      span.setAttribute(SpanAttributes.SERVER_PORT, port);
    }
  }
}
