package dev.trunk.cli.bench;

import dev.trunk.cli.DurationConverter;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.TypeConversionException;

/** Durations in stages and thresholds, read as every trunk duration flag reads them. */
final class Durations {
  private Durations() {}

  /**
   * Parses {@code text} with {@link DurationConverter} (500ms, 1.5s, 2m, 1h, bare seconds).
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  static Duration parse(String text) {
    try {
      return DurationConverter.parse(text);
    } catch (TypeConversionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** {@code nanos} in milliseconds with three decimals, the unit of every bench latency output. */
  static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
