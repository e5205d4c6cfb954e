package dev.trunk.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line flags of the form {@code --name=value} or {@code --name} (meaning {@code true}).
 *
 * <p>Every flag a command reads must be read through a getter, which records it as known; {@link
 * #rejectUnknown()} then fails on typos instead of silently running another benchmark.
 */
public final class Flags {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> known = new TreeSet<>();

  private Flags() {}

  /** Parses {@code args}; a bare word is an error. */
  public static Flags parse(List<String> args) {
    Flags flags = new Flags();
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      String value = eq < 0 ? "true" : arg.substring(eq + 1);
      if (flags.values.put(name, value) != null) {
        throw new IllegalArgumentException("--" + name + " is given twice");
      }
    }
    return flags;
  }

  public boolean has(String name) {
    known.add(name);
    return values.containsKey(name);
  }

  public String string(String name, String fallback) {
    known.add(name);
    return values.getOrDefault(name, fallback);
  }

  public int integer(String name, int fallback) {
    return (int) longValue(name, fallback);
  }

  public long longValue(String name, long fallback) {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return parseSize(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
    }
  }

  public double decimal(String name, double fallback) {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
    }
  }

  public boolean bool(String name, boolean fallback) {
    String value = string(name, null);
    if (value == null) {
      return fallback;
    }
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException("--" + name + " must be true or false, got " + value);
    };
  }

  /** Fails if a flag was given that no getter asked for. */
  public void rejectUnknown() {
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + " (known: " + known + ")");
      }
    }
  }

  /**
   * A count with an optional binary suffix: {@code 100}, {@code 1k} (1024), {@code 10k}, {@code 1m}
   * (1048576), or an underscore-grouped number such as {@code 1_000}.
   */
  static long parseSize(String text) {
    String t = text.trim().replace("_", "").toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("kb") || t.endsWith("k")) {
      unit = 1024;
      t = t.substring(0, t.length() - (t.endsWith("kb") ? 2 : 1));
    } else if (t.endsWith("mb") || t.endsWith("m")) {
      unit = 1024 * 1024;
      t = t.substring(0, t.length() - (t.endsWith("mb") ? 2 : 1));
    } else if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    return Math.multiplyExact(Long.parseLong(t), unit);
  }
}
