package dev.trunk.internal.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A strict JSON reader and a writer (RFC 8259), for service configs. Objects read as {@code
 * Map<String, Object>} (a {@link LinkedHashMap}, in document order), arrays as {@code
 * List<Object>}, numbers as {@link Double}, strings as {@link String}, {@code true}/{@code false}
 * as {@link Boolean} and {@code null} as Java null.
 *
 * <p>Strict: one value with optional whitespace around it and nothing after it; no comments, no
 * trailing commas, no duplicate keys, no unpaired UTF-16 surrogates, no number that overflows a
 * double, at most {@link #MAX_DEPTH} nested arrays and objects.
 *
 * <p>Threads: stateless; any thread.
 *
 * <pre>{@code
 * Map<?, ?> config = (Map<?, ?>) Json.parse("{\"a\": [1, \"x\"]}");  // {a=[1.0, x]}
 * String text = Json.write(config);                                   // {"a":[1,"x"]}
 * }</pre>
 */
public final class Json {
  /**
   * The deepest nesting of arrays and objects {@link #parse} accepts. A service config needs about
   * 6; the limit keeps a hostile input from exhausting the stack.
   */
  public static final int MAX_DEPTH = 64;

  /**
   * Numbers of a magnitude in [MIN_PLAIN, MAX_PLAIN) are written without an exponent (as JavaScript
   * does), others as {@link Double#toString} does; both with the digits that read back to the same
   * double.
   */
  private static final double MIN_PLAIN = 1e-6;

  private static final double MAX_PLAIN = 1e21;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Reads {@code text} as one JSON value.
   *
   * @throws IllegalArgumentException naming the character offset and what was wrong there
   */
  public static @Nullable Object parse(String text) {
    Json reader = new Json(text);
    reader.skipWhitespace();
    Object value = reader.value(0);
    reader.skipWhitespace();
    if (reader.pos < text.length()) {
      throw reader.error("unexpected " + reader.describeNext() + " after the JSON value");
    }
    return value;
  }

  /**
   * Writes {@code value} as compact JSON: a {@code Map} with string keys, a {@code List}, a {@code
   * String}, a {@code Boolean}, a finite {@code Number} or null, nested in any way.
   *
   * @throws IllegalArgumentException for any other value, a non-string key or a non-finite number
   */
  public static String write(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  // ---- reading ------------------------------------------------------------------------------

  private @Nullable Object value(int depth) {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || isDigit(c)) {
          yield number();
        }
        throw error("unexpected " + describeNext() + ", expected a value");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek('}')) {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (!peek('"')) {
        throw error("unexpected " + describeNext() + ", expected a string key");
      }
      int keyStart = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object member = value(depth);
      if (map.containsKey(key)) {
        pos = keyStart;
        throw error("duplicate key " + write(key)); // escaped: messages stay on one line
      }
      map.put(key, member);
      skipWhitespace();
      if (peek(',')) {
        pos++;
        continue;
      }
      expect('}');
      return map;
    }
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek(']')) {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth));
      skipWhitespace();
      if (peek(',')) {
        pos++;
        continue;
      }
      expect(']');
      return list;
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unexpected end of input inside a string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return out.toString();
      }
      if (c == '\\') {
        escape(out);
      } else if (c < 0x20) {
        throw error("control character U+%04X in a string; escape it".formatted((int) c));
      } else if (Character.isSurrogate(c)) {
        surrogatePair(out, c, false);
      } else {
        out.append(c);
        pos++;
      }
    }
  }

  private void escape(StringBuilder out) {
    if (pos + 1 >= text.length()) {
      throw error("unexpected end of input inside a string");
    }
    char c = text.charAt(pos + 1);
    char unescaped =
        switch (c) {
          case '"', '\\', '/' -> c;
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'u' -> 0;
          default -> throw error("invalid escape \\" + printable(c));
        };
    if (c != 'u') {
      out.append(unescaped);
      pos += 2;
      return;
    }
    char unit = hexUnit(pos);
    if (Character.isSurrogate(unit)) {
      surrogatePair(out, unit, true);
      return;
    }
    out.append(unit);
    pos += 6;
  }

  /**
   * Appends a high surrogate at {@code pos} (raw, or as a 6-character escape) and the low one that
   * must follow it in the same form or the other.
   */
  private void surrogatePair(StringBuilder out, char high, boolean escaped) {
    int start = pos;
    int next = pos + (escaped ? 6 : 1);
    if (Character.isHighSurrogate(high) && next < text.length()) {
      char low = 0;
      int after = next + 1;
      if (text.charAt(next) == '\\' && next + 1 < text.length() && text.charAt(next + 1) == 'u') {
        low = hexUnit(next);
        after = next + 6;
      } else if (text.charAt(next) != '\\') {
        low = text.charAt(next);
      }
      if (Character.isLowSurrogate(low)) {
        out.append(high).append(low);
        pos = after;
        return;
      }
    }
    pos = start;
    throw error("unpaired UTF-16 surrogate U+%04X in a string".formatted((int) high));
  }

  /** The UTF-16 unit of the {@code \}{@code uXXXX} escape at {@code at}. */
  private char hexUnit(int at) {
    if (at + 6 > text.length()) {
      pos = at;
      throw error("incomplete \\u escape");
    }
    int unit = 0;
    for (int i = at + 2; i < at + 6; i++) {
      int digit = Character.digit(text.charAt(i), 16);
      if (digit < 0 || text.charAt(i) > 'f') {
        pos = at;
        StringBuilder shown = new StringBuilder();
        text.substring(at + 2, at + 6).chars().forEach(h -> shown.append(printable((char) h)));
        throw error("invalid \\u escape: \\u" + shown);
      }
      unit = unit * 16 + digit;
    }
    return (char) unit;
  }

  /** RFC 8259: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private Double number() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    if (peek('0')) {
      pos++;
    } else {
      digits("a digit");
    }
    if (peek('.')) {
      pos++;
      digits("a digit after the decimal point");
    }
    if (peek('e') || peek('E')) {
      pos++;
      if (peek('+') || peek('-')) {
        pos++;
      }
      digits("a digit in the exponent");
    }
    String literal = text.substring(start, pos);
    double value = Double.parseDouble(literal);
    if (Double.isInfinite(value)) {
      pos = start;
      throw error("number " + literal + " is too large for a double");
    }
    return value;
  }

  private void digits(String expected) {
    int start = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("unexpected " + describeNext() + ", expected " + expected);
    }
  }

  private @Nullable Object literal(String word, @Nullable Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected " + describeNext() + ", expected " + word);
    }
    pos += word.length();
    return value;
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " arrays and objects");
    }
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("unexpected " + describeNext() + ", expected '" + c + "'");
    }
    pos++;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private String describeNext() {
    return pos >= text.length() ? "end of input" : describe(text.charAt(pos));
  }

  private static String describe(char c) {
    return isPrintableAscii(c) ? "'" + c + "'" : printable(c);
  }

  private static String printable(char c) {
    return isPrintableAscii(c) ? String.valueOf(c) : "U+%04X".formatted((int) c);
  }

  private static boolean isPrintableAscii(char c) {
    return c >= 0x20 && c < 0x7f;
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + problem);
  }

  // ---- writing ------------------------------------------------------------------------------

  // Plain instanceof, no pattern switch: the Java 17 module descriptor build (trunk-core/pom.xml)
  // compiles the service providers' sources, this class among them, at release 17.
  private static void write(@Nullable Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b);
    } else if (value instanceof Number n) {
      writeNumber(n, out);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, out);
    } else if (value instanceof List<?> list) {
      writeArray(list, out);
    } else {
      throw new IllegalArgumentException(
          "cannot write a " + value.getClass().getName() + " as JSON");
    }
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new IllegalArgumentException(
            "JSON object keys must be strings, got " + entry.getKey());
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(key, out);
      out.append(':');
      write(entry.getValue(), out);
    }
    out.append('}');
  }

  private static void writeArray(List<?> list, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      write(list.get(i), out);
    }
    out.append(']');
  }

  private static void writeNumber(Number number, StringBuilder out) {
    if (number instanceof Integer || number instanceof Long) {
      out.append(number.longValue());
      return;
    }
    double d = number.doubleValue();
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("JSON has no " + d);
    }
    double magnitude = Math.abs(d);
    if (d == 0 && 1 / d < 0) {
      out.append("-0"); // BigDecimal would lose the sign
    } else if (d == 0 || (magnitude >= MIN_PLAIN && magnitude < MAX_PLAIN)) {
      out.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
    } else {
      out.append(d); // Double.toString's exponent forms, such as 1.0E-7, are JSON numbers
    }
  }

  /** Whether {@code s} has a surrogate pair at {@code i} or ending at {@code i}. */
  private static boolean isPairAt(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isSurrogate(c) && !isPairAt(s, i)) {
            throw new IllegalArgumentException(
                "cannot write a string with an unpaired UTF-16 surrogate (U+%04X) as JSON"
                    .formatted((int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
