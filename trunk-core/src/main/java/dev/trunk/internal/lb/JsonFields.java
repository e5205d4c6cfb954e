package dev.trunk.internal.lb;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads fields of a policy's JSON config (objects as {@code Map}, numbers as {@code Double}) and
 * rejects wrong types and values with an {@link IllegalArgumentException} naming the policy and the
 * field. Stateless.
 *
 * <pre>{@code
 * JsonFields fields = new JsonFields("round_robin", json);
 * long size = fields.integer("minRingSize", 1024, 1, 8_388_608);
 * }</pre>
 */
final class JsonFields {
  /**
   * A proto3 JSON duration: seconds with up to nine fractional digits and an {@code s} suffix
   * ("10s", "0.5s"); negative durations are rejected by every policy here, so no sign is accepted.
   */
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?s");

  private final String policy;
  private final Map<String, ?> json;

  JsonFields(String policy, Map<String, ?> json) {
    this.policy = policy;
    this.json = json;
  }

  /** Whether the field is present and not null. */
  boolean has(String field) {
    return json.get(field) != null;
  }

  /** A whole number in {@code [min, max]}, or {@code fallback} when absent. */
  long integer(String field, long fallback, long min, long max) {
    Object value = json.get(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw error(field, "must be a whole number; got " + value);
    }
    double whole = number.doubleValue();
    if (whole < min || whole > max) {
      throw error(field, "must be between " + min + " and " + max + "; got " + (long) whole);
    }
    return (long) whole;
  }

  /** A proto3 JSON duration string such as {@code "10s"}, or {@code fallback} when absent. */
  Duration duration(String field, Duration fallback) {
    Object value = json.get(field);
    if (value == null) {
      return fallback;
    }
    Matcher matcher = value instanceof String text ? DURATION.matcher(text) : null;
    if (matcher == null || !matcher.matches()) {
      throw error(
          field, "must be a non-negative duration string like \"10s\" or \"0.5s\"; got " + value);
    }
    String fraction = matcher.group(2) == null ? "" : matcher.group(2);
    long nanos = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000000").substring(0, 9));
    return Duration.ofSeconds(Long.parseLong(matcher.group(1)), nanos);
  }

  /** A string, or null when absent. */
  @Nullable String string(String field) {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw error(field, "must be a string; got " + value);
    }
    return text;
  }

  /** A nested object, or null when absent. */
  @Nullable JsonFields object(String field) {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw error(field, "must be an object; got " + value);
    }
    @SuppressWarnings("unchecked") // JSON objects are parsed as Map<String, ?>
    Map<String, ?> nested = (Map<String, ?>) map;
    return new JsonFields(policy + "." + field, nested);
  }

  /** A list, or null when absent. */
  @Nullable List<?> list(String field) {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof List<?> list)) {
      throw error(field, "must be a list; got " + value);
    }
    return list;
  }

  /** An error about {@code field} of this config. */
  IllegalArgumentException error(String field, String problem) {
    return new IllegalArgumentException(policy + " config: field '" + field + "' " + problem);
  }
}
