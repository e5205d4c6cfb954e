package dev.trunk.cli.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the bench flags write them: a number and a unit, e.g. 500ms, 1.5s, 2m, 1h. */
final class Durations {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (a number and ns, us, ms, s, m or h, e.g. 30s)");
    }
    double value = Double.parseDouble(m.group(1));
    return Duration.ofNanos(Math.round(value * nanosPer(m.group(2).toLowerCase(Locale.ROOT))));
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "ns" -> 1;
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      default -> 3600e9;
    };
  }

  /** {@code nanos} in milliseconds with three decimals, the unit of every bench latency output. */
  static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
