package dev.trunk.cli.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ramp stage, {@code --stage 30s:100rps} (a rate: open loop) or {@code --stage 30s:50}
 * (concurrency: closed loop). As in k6's ramping executors, the target moves linearly from the
 * previous stage's target (or the starting value) to this one over the stage's length.
 *
 * @param length how long the stage lasts
 * @param target the rate (calls/s) or the concurrency reached at its end
 * @param rate whether the target is a rate
 */
record Stage(Duration length, double target, boolean rate) {
  private static final Pattern STAGE = Pattern.compile("([^:]+):(\\d+(?:\\.\\d+)?)(rps)?");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  static Stage parse(String text) {
    Matcher m = STAGE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a stage (DURATION:RATErps or DURATION:CONCURRENCY, e.g. 30s:100rps)");
    }
    Duration length;
    try {
      length = Durations.parse(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("stage '" + text + "': " + e.getMessage(), e);
    }
    boolean rate = m.group(3) != null;
    double target = Double.parseDouble(m.group(2));
    if (!rate && target != Math.floor(target)) {
      throw new IllegalArgumentException("stage '" + text + "': a concurrency is a whole number");
    }
    return new Stage(length, target, rate);
  }
}
