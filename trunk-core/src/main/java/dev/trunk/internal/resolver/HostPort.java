package dev.trunk.internal.resolver;

import dev.trunk.spi.Target;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * A {@code host[:port]} as targets write it: {@code example.com:443}, {@code [::1]:50051}, {@code
 * 10.0.0.1}, or an IPv6 literal without brackets and port ({@code ::1}). Parsing never looks a name
 * up. Immutable.
 *
 * @param host the host without brackets
 * @param port the port, or the default port when the text names none
 * @param text the text as given (brackets kept), which is what a channel sends as its authority
 */
record HostPort(String host, int port, String text) {
  /** The largest TCP port. */
  private static final int MAX_PORT = 65535;

  /**
   * Parses {@code text}, taken from {@code target}.
   *
   * @param form the target form the scheme expects, for the error message
   * @throws IllegalArgumentException naming the target, the problem and the expected form
   */
  static HostPort parse(String text, int defaultPort, Target target, String form) {
    if (text.isEmpty()) {
      throw malformed(target, "it names no host", form);
    }
    if (text.startsWith("[")) {
      return parseBracketed(text, defaultPort, target, form);
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new HostPort(text, defaultPort, text);
    }
    if (text.indexOf(':', colon + 1) >= 0) {
      if (!NetUtil.isValidIpV6Address(text)) {
        throw malformed(target, "an IPv6 address with a port must be in brackets", form);
      }
      return new HostPort(text, defaultPort, text); // a bare IPv6 address, with the default port
    }
    String host = text.substring(0, colon);
    if (host.isEmpty()) {
      throw malformed(target, "it names no host", form);
    }
    return new HostPort(host, port(text.substring(colon + 1), target, form), text);
  }

  private static HostPort parseBracketed(String text, int defaultPort, Target target, String form) {
    int close = text.indexOf(']');
    if (close < 0) {
      throw malformed(target, "'[' has no matching ']'", form);
    }
    String host = text.substring(1, close);
    if (!NetUtil.isValidIpV6Address(host)) {
      throw malformed(target, "'" + host + "' in brackets is not an IPv6 address", form);
    }
    String rest = text.substring(close + 1);
    if (rest.isEmpty()) {
      return new HostPort(host, defaultPort, text);
    }
    if (!rest.startsWith(":")) {
      throw malformed(target, "'" + rest + "' follows ']' where ':port' may", form);
    }
    return new HostPort(host, port(rest.substring(1), target, form), text);
  }

  private static int port(String digits, Target target, String form) {
    if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
      throw malformed(target, "the port '" + digits + "' is not a number in 1.." + MAX_PORT, form);
    }
    int port = Integer.parseInt(digits);
    if (port < 1 || port > MAX_PORT) {
      throw malformed(target, "the port " + port + " is not in 1.." + MAX_PORT, form);
    }
    return port;
  }

  /** The host as an IPv4 or IPv6 address if it is a literal one, else null; no lookup. */
  @Nullable InetAddress literal() {
    return NetUtil.createInetAddressFromIpAddressString(host);
  }

  /** The error for a target this scheme cannot read. */
  static IllegalArgumentException malformed(Target target, String problem, String form) {
    return new IllegalArgumentException(
        "target '" + target.text() + "' is malformed: " + problem + "; expected " + form);
  }
}
