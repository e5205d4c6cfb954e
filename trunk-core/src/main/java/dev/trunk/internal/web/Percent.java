package dev.trunk.internal.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Percent-decoding of URL path segments and query parameters (RFC 3986, section 2.1). */
final class Percent {
  /** RFC 6570's reserved characters (RFC 3986 gen-delims and sub-delims). */
  private static final String RESERVED = ":/?#[]@!$&'()*+,;=";

  private static final int HEX_RADIX = 16;

  private Percent() {}

  /**
   * Decodes {@code %XX} escapes as UTF-8 (and {@code +} as a space in a query).
   *
   * @param keepReserved leave the escapes of reserved characters as they are (multi-segment path
   *     variables, google/api/http.proto)
   * @throws IllegalArgumentException for a malformed escape or bytes that are not UTF-8
   */
  static String decode(String text, boolean plusIsSpace, boolean keepReserved) {
    if (text.indexOf('%') < 0 && (!plusIsSpace || text.indexOf('+') < 0)) {
      return text;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int value = escape(text, i);
        if (keepReserved && value < 0x80 && RESERVED.indexOf(value) >= 0) {
          out.writeBytes(text.substring(i, i + 3).getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(value);
        }
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        int codePoint = text.codePointAt(i);
        out.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("'" + text + "' does not decode to UTF-8 text", e);
    }
  }

  /** The fully decoded text, or null if its percent-encoding is malformed. */
  static @Nullable String decodeOrNull(String text) {
    try {
      return decode(text, false, false);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int escape(String text, int at) {
    int high = at + 1 < text.length() ? Character.digit(text.charAt(at + 1), HEX_RADIX) : -1;
    int low = at + 2 < text.length() ? Character.digit(text.charAt(at + 2), HEX_RADIX) : -1;
    if (high < 0 || low < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' has a malformed percent-escape at offset " + at);
    }
    return high * HEX_RADIX + low;
  }
}
