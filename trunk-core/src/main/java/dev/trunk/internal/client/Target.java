package dev.trunk.internal.client;

/**
 * A channel target parsed into host and port. Accepts {@code host:port}, {@code [ipv6]:port} and
 * {@code dns:///} followed by either; rejects anything else with an {@link
 * IllegalArgumentException} that names the target, what is wrong and the accepted forms. The port
 * is required: gRPC has no default port.
 *
 * <pre>{@code
 * Target target = Target.parse("[::1]:50051"); // host "::1", port 50051
 * }</pre>
 */
public record Target(String host, int port) {
  /** The accepted forms, as every error message lists them. */
  static final String FORMS = "host:port, [ipv6]:port or dns:///host:port";

  private static final String DNS = "dns:///";
  private static final String SCHEME_SEPARATOR = "://";
  private static final int MAX_PORT = 65535;

  /**
   * Parses {@code target}.
   *
   * @throws IllegalArgumentException if it is not one of the accepted forms
   */
  public static Target parse(String target) {
    if (target.chars().anyMatch(Character::isWhitespace)) {
      throw invalid(target, "it contains whitespace");
    }
    String address = target.startsWith(DNS) ? target.substring(DNS.length()) : target;
    int scheme = address.indexOf(SCHEME_SEPARATOR);
    if (scheme >= 0) {
      throw invalid(target, schemeProblem(address.substring(0, scheme)));
    }
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(target, "it has no port (gRPC has no default port)");
    }
    return new Target(host(target, address.substring(0, colon)), port(target, address, colon));
  }

  private static String schemeProblem(String scheme) {
    if (scheme.equals("http") || scheme.equals("https")) {
      return "a URL is not a target; give host:port, and choose TLS with Channel.Builder.tls()";
    }
    return "the scheme '" + scheme + ":' is not supported";
  }

  private static String host(String target, String host) {
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
      throw invalid(target, "an IPv6 address must be in brackets, as in [::1]:50051");
    }
    if (host.isEmpty()) {
      throw invalid(target, "the host is empty");
    }
    return host;
  }

  private static int port(String target, String address, int colon) {
    String digits = address.substring(colon + 1);
    if (digits.isEmpty()) {
      throw invalid(target, "it has no port (gRPC has no default port)");
    }
    if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(target, "the port '" + digits + "' is not a number");
    }
    int port = digits.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    if (port < 1 || port > MAX_PORT) {
      throw invalid(target, "the port " + digits + " is not in 1.." + MAX_PORT);
    }
    return port;
  }

  private static IllegalArgumentException invalid(String target, String problem) {
    return new IllegalArgumentException(
        "target '" + target + "' is not valid: " + problem + "; use " + FORMS);
  }
}
