package dev.trunk.cli.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --fail-if} condition, e.g. {@code p99>500ms}, {@code mean>=20ms}, {@code error_rate>1%},
 * {@code rps<1000}: the run fails when it holds. Latency metrics are a percentile ({@code p50},
 * {@code p99.9}, any {@code pN}), {@code mean} or {@code max}, compared with a duration; {@code
 * error_rate} with a percentage or a fraction; {@code rps} (calls/s) with a number.
 *
 * @param text the condition as written
 * @param metric {@code pN}, {@code mean}, {@code max}, {@code error_rate} or {@code rps}
 * @param comparison {@code <}, {@code <=}, {@code >} or {@code >=}
 * @param limit nanoseconds for latency metrics, a fraction for {@code error_rate}, calls/s for
 *     {@code rps}
 */
record Threshold(String text, String metric, String comparison, double limit) {
  private static final Pattern THRESHOLD =
      Pattern.compile("(p\\d+(?:\\.\\d+)?|mean|max|error_rate|rps)\\s*(<=|>=|<|>)\\s*(\\S+)");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  static Threshold parse(String text) {
    Matcher m = THRESHOLD.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a threshold (METRIC<VALUE or METRIC>VALUE with p50..p99.9, mean, max,"
              + " error_rate, rps; e.g. p99>500ms)");
    }
    String metric = m.group(1);
    if (metric.startsWith("p") && Double.parseDouble(metric.substring(1)) > 100) {
      throw new IllegalArgumentException("'" + text + "': a percentile is at most p100");
    }
    return new Threshold(text.strip(), metric, m.group(2), limit(metric, m.group(3), text));
  }

  private static double limit(String metric, String value, String text) {
    try {
      return switch (metric) {
        case "rps" -> Double.parseDouble(value);
        case "error_rate" ->
            value.endsWith("%")
                ? Double.parseDouble(value.substring(0, value.length() - 1)) / 100
                : Double.parseDouble(value);
        default -> Durations.parse(value).toNanos();
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': '" + value + "' is not a number", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
    }
  }

  /** The metric's value in {@code result}, in the unit of {@link #limit}. */
  double actual(Result result) {
    return switch (metric) {
      case "rps" -> result.rate();
      case "error_rate" -> result.errorRate();
      case "mean" -> result.latency().getMean();
      case "max" -> result.latency().getMaxValue();
      default -> result.percentile(Double.parseDouble(metric.substring(1)));
    };
  }

  /** Whether the condition holds for {@code result}, failing the run. */
  boolean failed(Result result) {
    double actual = actual(result);
    return switch (comparison) {
      case "<" -> actual < limit;
      case "<=" -> actual <= limit;
      case ">" -> actual > limit;
      default -> actual >= limit;
    };
  }

  /** The condition and the metric's value, e.g. {@code p99>500ms (p99 was 612.345 ms)}. */
  String describe(Result result) {
    double actual = actual(result);
    String value =
        switch (metric) {
          case "rps" -> String.format(Locale.ROOT, "%.1f calls/s", actual);
          case "error_rate" -> String.format(Locale.ROOT, "%.2f%%", actual * 100);
          default -> Durations.millis(actual) + " ms";
        };
    return text + " (" + metric + " was " + value + ")";
  }
}
