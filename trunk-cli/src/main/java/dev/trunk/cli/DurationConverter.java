package dev.trunk.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration as a number and an optional unit: {@code 500ms}, {@code 5s}, {@code 2m}, {@code
 * 1h}, or bare seconds ({@code 1.5}, as grpcurl's {@code -max-time}). It must be positive.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  /** The duration {@code text} names, or a picocli conversion error naming the accepted forms. */
  public static Duration parse(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration (examples: 500ms, 5s, 2m, 1h, 1.5)");
    }
    double amount = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    double nanosPerUnit =
        switch (unit) {
          case "ms" -> 1e6;
          case "m" -> 60e9;
          case "h" -> 3600e9;
          default -> 1e9;
        };
    Duration duration = Duration.ofNanos(Math.round(amount * nanosPerUnit));
    if (duration.isZero()) {
      throw new TypeConversionException("'" + text + "' is not a positive duration");
    }
    return duration;
  }

  @Override
  public Duration convert(String text) {
    return parse(text);
  }
}
