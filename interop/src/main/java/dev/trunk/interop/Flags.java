package dev.trunk.interop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Parses {@code --name=value} flags, the form every gRPC interop program takes. */
final class Flags {
  /** A flag that is malformed, unknown or has a bad value. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args}.
   *
   * @param known the flag names accepted
   * @throws UsageException on a malformed, unknown or repeated flag, or {@code --help}
   */
  static Flags parse(String[] args, Set<String> known) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new UsageException("");
      }
      if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
        throw new UsageException("flags take the form --name=value, got '" + arg + "'");
      }
      int equals = arg.indexOf('=');
      String name = arg.substring(2, equals);
      if (!known.contains(name)) {
        throw new UsageException("unknown flag --" + name);
      }
      if (values.put(name, arg.substring(equals + 1)) != null) {
        throw new UsageException("flag --" + name + " given twice");
      }
    }
    return new Flags(values);
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  int port(String name, int fallback) throws UsageException {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        throw new UsageException("--" + name + "=" + text + " is not a port number");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + "=" + text + " is not a port number");
    }
  }

  /** A non-negative integer flag. */
  int count(String name, int fallback) throws UsageException {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < 0) {
        throw new UsageException("--" + name + "=" + text + " must not be negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + "=" + text + " is not a number");
    }
  }

  boolean bool(String name, boolean fallback) throws UsageException {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException("--" + name + " takes true or false, got '" + text + "'");
    };
  }
}
