package dev.trunk.opentelemetry;

/**
 * Writes JSON (RFC 8259) for the debug page's API: objects, arrays, strings escaped as section 7
 * requires, numbers. Call {@link #name} before each member's value; commas are added as needed.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder();
  private boolean needsComma;

  JsonWriter beginObject() {
    return open('{');
  }

  JsonWriter endObject() {
    return close('}');
  }

  JsonWriter beginArray() {
    return open('[');
  }

  JsonWriter endArray() {
    return close(']');
  }

  /** The name of the next member of the current object. */
  JsonWriter name(String name) {
    separate();
    quote(name);
    out.append(':');
    needsComma = false;
    return this;
  }

  JsonWriter value(String value) {
    separate();
    quote(value);
    return done();
  }

  JsonWriter value(long value) {
    separate();
    out.append(value);
    return done();
  }

  JsonWriter value(boolean value) {
    separate();
    out.append(value);
    return done();
  }

  /** A number; JSON has no infinity or NaN, so those are written as {@code null}. */
  JsonWriter value(double value) {
    separate();
    out.append(Double.isFinite(value) ? Double.toString(value) : "null");
    return done();
  }

  JsonWriter nullValue() {
    separate();
    out.append("null");
    return done();
  }

  /** Text that already is one JSON value (such as JsonFormat's output), written as is. */
  JsonWriter rawValue(String json) {
    separate();
    out.append(json);
    return done();
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private JsonWriter open(char bracket) {
    separate();
    out.append(bracket);
    needsComma = false;
    return this;
  }

  private JsonWriter close(char bracket) {
    out.append(bracket);
    return done();
  }

  private JsonWriter done() {
    needsComma = true;
    return this;
  }

  private void separate() {
    if (needsComma) {
      out.append(',');
    }
  }

  /** A string, escaping quote, backslash and control characters (RFC 8259, section 7). */
  private void quote(String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
